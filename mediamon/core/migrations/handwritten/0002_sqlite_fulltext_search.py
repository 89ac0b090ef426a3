"""SQLite full-text search: an FTS5 index of articles' titles and texts, kept by triggers.

Revision ID: 0002
Revises: 0001

Written by hand (autogenerate cannot express virtual tables or triggers) and kept outside
versions/ so that regenerating 0001 leaves it alone. PostgreSQL gets its counterpart from 0003.
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# remove_diacritics 2 folds ё into е and й into и, like the query language's own folding.
CREATE = (
    """CREATE VIRTUAL TABLE articles_fts USING fts5(
        title, text, content='articles', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
        INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
    END""",
    """CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, text)
        VALUES ('delete', old.id, old.title, old.text);
    END""",
    """CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, text)
        VALUES ('delete', old.id, old.title, old.text);
        INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
    END""",
    "INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')",
)
DROP = (
    "DROP TRIGGER IF EXISTS articles_fts_update",
    "DROP TRIGGER IF EXISTS articles_fts_delete",
    "DROP TRIGGER IF EXISTS articles_fts_insert",
    "DROP TABLE IF EXISTS articles_fts",
)


def _is_sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def upgrade() -> None:
    if _is_sqlite():
        for statement in CREATE:
            op.execute(statement)


def downgrade() -> None:
    if _is_sqlite():
        for statement in DROP:
            op.execute(statement)
