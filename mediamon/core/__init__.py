"""The ground floor: config models and loading, the database and its migrations, the Article
record, run records and names."""
