"""PostgreSQL full-text search: a generated tsvector of articles' words with a GIN index.

Revision ID: 0003
Revises: 0002

The counterpart of 0002's SQLite FTS5 index, and a no-op on SQLite as 0002 is on PostgreSQL.
Written by hand (autogenerate cannot express it) and kept outside versions/ like 0002.

The words are what ``mediamon.query.text_analysis`` tokenises: lowercased runs of letters and
digits, with ё read as е. Stemming is left to ``Query.matches``, so the 'simple' configuration
suffices and the search looks words up by prefix. Lowercasing and the letter classes use the ICU
root collation where the server has it, so Cyrillic words are found whatever the database's locale.
"""

from __future__ import annotations

from alembic import op
from sqlalchemy import text

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

COLUMN = "search_words"
INDEX = "ix_articles_search_words"
# Invisible characters (soft hyphen, zero-width ones, stress accents) are deleted by translate,
# which drops the characters that have no counterpart in its third argument.
INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff\u0300\u0301"
WORDS = (
    "to_tsvector('simple', regexp_replace(replace(translate(lower("
    "coalesce(title, '') || ' ' || text{collate}), 'ёς{invisible}', 'еσ'), 'ß', 'ss'), "
    "'[^[:alnum:]]+', ' ', 'g'))"
)


def _is_postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def _collate_clause() -> str:
    has_icu = op.get_bind().scalar(text("SELECT 1 FROM pg_collation WHERE collname = 'und-x-icu'"))
    return ' COLLATE "und-x-icu"' if has_icu else ""


def upgrade() -> None:
    if not _is_postgresql():
        return
    words = WORDS.format(collate=_collate_clause(), invisible=INVISIBLE)
    # Through the driver: SQLAlchemy's text() would read the regex's [:alnum:] as a parameter.
    connection = op.get_bind()
    connection.exec_driver_sql(
        f"ALTER TABLE articles ADD COLUMN {COLUMN} tsvector GENERATED ALWAYS AS ({words}) STORED"
    )
    connection.exec_driver_sql(f"CREATE INDEX {INDEX} ON articles USING gin ({COLUMN})")


def downgrade() -> None:
    if _is_postgresql():
        op.execute(f"DROP INDEX IF EXISTS {INDEX}")
        op.execute(f"ALTER TABLE articles DROP COLUMN IF EXISTS {COLUMN}")
