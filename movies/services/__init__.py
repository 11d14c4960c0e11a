"""Writes to the catalog, one module per capability.

- `catalog`: movies with their genres, cast and poster; who may edit the catalog;
- `genres`, `actors`: the names and people movies refer to;
- `reviews`: review writes and who may make them;
- `ratings`: the rating statistics on the movie row, kept exact by every review write;
- `inputs`: the input cleaning the write services share.

Callers import from the capability module. The names below are re-exported for code
outside this app that predates the split (the users app and its tests, the benchmark seeder).
"""

from movies.services.catalog import (
    CATALOG_EDIT_DENIED,
    CastEntry,
    catalog_can_edit,
    movie_create,
    movie_delete,
    movie_update,
)
from movies.services.inputs import UNSET
from movies.services.ratings import movie_ratings_recompute
from movies.services.reviews import review_create, review_delete, review_update

__all__ = [
    "CATALOG_EDIT_DENIED",
    "UNSET",
    "CastEntry",
    "catalog_can_edit",
    "movie_create",
    "movie_delete",
    "movie_ratings_recompute",
    "movie_update",
    "review_create",
    "review_delete",
    "review_update",
]
