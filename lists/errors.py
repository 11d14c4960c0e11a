"""The lists' own error codes (REST `code`, GraphQL `extensions.reason`).

The codes every app shares are `core.errors.CommonErrorCode`; a code lives in exactly
one enum.
"""

from enum import StrEnum


class ListErrorCode(StrEnum):
    """Refusals only the lists users make answer (lists/user_list_services.py)."""

    # the caller already keeps MAX_LISTS_PER_USER lists (lists/models.py)
    TOO_MANY_LISTS = "too_many_lists"
    # the list already holds MAX_ITEMS_PER_LIST movies (lists/models.py)
    LIST_FULL = "list_full"
    # the movie is on the list already: move it instead
    ALREADY_ON_LIST = "already_on_list"
