"""The catalog's own error codes (REST body or `errors[].code`, GraphQL `reason`).

The codes every app shares (`invalid`, `required`, `unique`, ...) are
`core.errors.CommonErrorCode`; a code lives in exactly one enum.
"""

from enum import StrEnum


class CatalogErrorCode(StrEnum):
    """Refusals only the catalog (movies, actors, genres, reviews) answers."""

    DUPLICATE_REVIEW = "duplicate_review"
    RATING_HAS_REVIEW = "rating_has_review"
    # field problems of a movie, an actor or a review
    AMBIGUOUS = "ambiguous"
    DUPLICATE = "duplicate"
    FUTURE = "future"
    NULL_CHARACTERS = "null_characters"
    OUT_OF_RANGE = "out_of_range"
