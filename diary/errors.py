"""The diary's own error codes (REST `errors[].code`, GraphQL `extensions.errors[].code`).

The codes every app shares (`invalid`, `required`, `max_length`, ...) are
`core.errors.CommonErrorCode`; a code lives in exactly one enum.
"""

from enum import StrEnum


class DiaryErrorCode(StrEnum):
    """Field problems only the diary reports."""

    # watched_on later than today everywhere on Earth (diary/services.py, latest_today)
    WATCHED_IN_FUTURE = "watched_in_future"
    # the review linked to an entry is not the caller's review of the entry's movie
    REVIEW_NOT_OF_MOVIE = "review_not_of_movie"
    TOO_MANY_TAGS = "too_many_tags"
