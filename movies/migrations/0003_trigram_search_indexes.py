"""Trigram GIN indexes for the case-insensitive substring filters (PostgreSQL only).

On PostgreSQL Django compiles `icontains` to `UPPER("col"::text) LIKE UPPER('%term%')`.
A B-tree index cannot serve a leading wildcard, so `search` and `title` scanned every
movie. `pg_trgm`'s `gin_trgm_ops` answers LIKE on any substring, but only for an index
on the very expression the query compares, hence `UPPER(col::text)`, not `col`.
Covered: `search` (title OR plot, a BitmapOr of two index scans), `title`, `actor` by
name and the actor and genre list `name` filters.

Raw SQL in RunPython rather than `GinIndex` in `Meta.indexes`: the indexes exist only on
PostgreSQL, so the model state stays the same on every backend and SQLite is untouched.
`pg_trgm` is a trusted extension (PostgreSQL 13+): the database owner may create it.
"""

from django.db import migrations

# (index name, table, column); names are what tests and EXPLAIN look for.
TRIGRAM_INDEXES = [
    ("movies_movie_title_upper_trgm", "movies_movie", "title"),
    ("movies_movie_plot_upper_trgm", "movies_movie", "plot"),
    ("movies_actor_name_upper_trgm", "movies_actor", "name"),
    ("movies_genre_name_upper_trgm", "movies_genre", "name"),
]


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in TRIGRAM_INDEXES:
        # The expression must match the compiled lookup exactly: UPPER("col"::text).
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" '
            f'USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in TRIGRAM_INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')
    # The extension stays: other database objects may use it, and it is harmless.


class Migration(migrations.Migration):
    dependencies = [
        ("movies", "0002_initial"),
    ]

    operations = [
        migrations.RunPython(create_trigram_indexes, drop_trigram_indexes, elidable=False),
    ]
