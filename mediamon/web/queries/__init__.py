"""Read queries over the collected coverage, shared by the pages and the JSON API."""
