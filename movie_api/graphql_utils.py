"""Pieces every app's GraphQL front door shares: errors, auth checks, pages, selections.

Errors: resolvers let the typed domain errors of movie_api/errors.py (and Django's
ValidationError) propagate; `format_error` turns any of them into one GraphQL error
shape, `{"message", "path", "extensions": {"code", "field", "errors"}}`, with the
code from the TRANSLATIONS table REST uses too. It is called by the view for every
error, so no resolver catches anything one by one.

Pages: `paginate()` slices a selector's queryset by Relay `first`/`after` (offset
cursors, so a page is the same slice the REST page-number paginator returns) and
counts only when `totalCount` is selected.
"""

import logging
from types import SimpleNamespace

import graphene
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from graphene.utils.str_converters import to_camel_case
from graphql import GraphQLError
from graphql.language import FieldNode, FragmentSpreadNode, InlineFragmentNode
from graphql.utilities import value_from_ast_untyped
from graphql_relay import cursor_to_offset, offset_to_cursor
from rest_framework import exceptions as drf_exceptions

from movie_api.errors import AUTHENTICATION_REQUIRED, TRANSLATIONS, DomainError
from movie_api.errors import Throttled as ThrottledError
from movie_api.exception_handlers import (
    DATABASE_OUTAGE_ERRORS,
    DATABASE_UNAVAILABLE_MESSAGE,
    flatten_errors,
)

logger = logging.getLogger("movie_api.graphql")

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
# Cursors past this offset are refused: offset + page size must stay below 2^63.
MAX_CURSOR_OFFSET = 2**62

UNAUTHENTICATED = TRANSLATIONS["unauthenticated"].graphql_code
FORBIDDEN = TRANSLATIONS["forbidden"].graphql_code
NOT_FOUND = TRANSLATIONS["not_found"].graphql_code
BAD_USER_INPUT = TRANSLATIONS["invalid"].graphql_code
THROTTLED = TRANSLATIONS["throttled"].graphql_code
INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"


# --- Errors -------------------------------------------------------------------------


class APIError(GraphQLError):
    """A refused operation with a machine-readable `extensions.code`."""

    code = INTERNAL_SERVER_ERROR

    def __init__(self, message: str, *, field: str | None = None, **extensions):
        extensions = {"code": self.code, **extensions}
        if field is not None or self.code == BAD_USER_INPUT:
            extensions["field"] = field
        super().__init__(message, extensions=extensions)


class Unauthenticated(APIError):
    code = UNAUTHENTICATED


class Forbidden(APIError):
    code = FORBIDDEN


class NotFound(APIError):
    code = NOT_FOUND


class BadUserInput(APIError):
    code = BAD_USER_INPUT


class Throttled(APIError):
    code = THROTTLED


def _field_name(name: str | None) -> str | None:
    if name in (None, "__all__", "non_field_errors"):
        return None
    return ".".join(to_camel_case(part) for part in str(name).split("."))


def _validation_entries(exc: DjangoValidationError) -> list[dict]:
    if hasattr(exc, "error_dict"):
        return [
            {"field": _field_name(field), "code": error.code or "invalid", "message": message}
            for field, errors in exc.error_dict.items()
            for error in errors
            for message in error.messages
        ]
    return [
        {"field": None, "code": error.code or "invalid", "message": message}
        for error in exc.error_list
        for message in error.messages
    ]


def _bad_input_extensions(entries: list[dict]) -> tuple[str, dict]:
    message = (
        "; ".join(
            f"{entry['field']}: {entry['message']}" if entry["field"] else entry["message"]
            for entry in entries
        )
        or "Invalid input."
    )
    field = entries[0]["field"] if entries else None
    return message, {"code": BAD_USER_INPUT, "field": field, "errors": entries}


def translate_exception(exc: Exception) -> tuple[str, dict] | None:
    """(message, extensions) for an exception the domain or DRF raised; None if unknown."""
    # Imported here: simplejwt reads settings on import.
    from rest_framework_simplejwt.exceptions import TokenError

    if isinstance(exc, DomainError):
        return _domain_extensions(exc)
    if isinstance(exc, DjangoValidationError):
        return _bad_input_extensions(_validation_entries(exc))
    if isinstance(exc, drf_exceptions.ValidationError):
        entries = [
            {**entry, "field": _field_name(entry["field"])}
            for entry in flatten_errors(exc.get_full_details())
        ]
        return _bad_input_extensions(entries)
    if isinstance(exc, drf_exceptions.Throttled):
        return str(exc.detail), {"code": THROTTLED, "retryAfter": exc.wait}
    if isinstance(exc, (drf_exceptions.NotAuthenticated, drf_exceptions.AuthenticationFailed)):
        return str(exc.detail), {"code": UNAUTHENTICATED}
    if isinstance(exc, TokenError):
        return str(exc), {"code": UNAUTHENTICATED}
    if isinstance(exc, (PermissionDenied, drf_exceptions.PermissionDenied)):
        message = str(exc) or "You do not have permission to perform this action."
        if isinstance(exc, drf_exceptions.PermissionDenied):
            message = str(exc.detail)
        return message, {"code": FORBIDDEN}
    if isinstance(exc, (ObjectDoesNotExist, Http404, drf_exceptions.NotFound)):
        return "Not found.", {"code": NOT_FOUND}
    if isinstance(exc, drf_exceptions.APIException):
        return str(exc.detail), {"code": str(exc.default_code).upper()}
    if isinstance(exc, DATABASE_OUTAGE_ERRORS):
        # As REST's 503 + Retry-After (movie_api/views.py), not an internal error.
        retry = settings.DATABASE_RETRY_AFTER_SECONDS
        code = TRANSLATIONS["unavailable"].graphql_code
        return DATABASE_UNAVAILABLE_MESSAGE, {"code": code, "retryAfter": retry}
    return None


def _domain_extensions(exc: DomainError) -> tuple[str, dict]:
    """(message, extensions) of a typed domain error, by the TRANSLATIONS table."""
    extensions = {"code": exc.translation.graphql_code}
    if exc.code:
        extensions["reason"] = exc.code
    if exc.kind == "throttled":
        extensions["retryAfter"] = exc.retry_after
    if getattr(exc, "field", None):
        extensions["field"] = exc.field
    return exc.message, extensions


def format_error(error: Exception) -> dict:
    """The JSON for one GraphQL error: a clear message and `extensions.code`, no traceback."""
    if not isinstance(error, GraphQLError):
        return {"message": str(error), "extensions": {"code": "BAD_REQUEST"}}
    formatted = error.formatted
    original = error.original_error
    if original is None or isinstance(original, GraphQLError):
        extensions = formatted.get("extensions") or {}
        if "code" not in extensions:
            # Parse and validation errors raised by graphql-core itself.
            code = "GRAPHQL_PARSE_FAILED" if "Syntax Error" in error.message else None
            extensions = {**extensions, "code": code or "GRAPHQL_VALIDATION_FAILED"}
        formatted["extensions"] = extensions
        return formatted
    translated = translate_exception(original)
    if translated is None:
        logger.error("GraphQL resolver failed: %s", error.path, exc_info=original)
        message = str(original) if settings.DEBUG else "Internal server error."
        translated = (message, {"code": INTERNAL_SERVER_ERROR})
    formatted["message"], formatted["extensions"] = translated
    return formatted


# --- Auth ---------------------------------------------------------------------------


def current_user(info):
    """The caller (set by the view from the Bearer token), or None when anonymous."""
    user = getattr(info.context, "user", None)
    return user if user is not None and user.is_authenticated else None


def require_user(info):
    """The signed-in caller, or an UNAUTHENTICATED error saying why there is none."""
    user = current_user(info)
    if user is None:
        raise Unauthenticated(AUTHENTICATION_REQUIRED)
    return user


def require_permission(info, allowed, message: str):
    """The signed-in caller when the domain rule `allowed(user=...)` lets them; else FORBIDDEN."""
    user = require_user(info)
    if not allowed(user=user):
        raise Forbidden(message)
    return user


def check_throttle(info, scope: str) -> None:
    """Apply the REST per-address throttle `scope` (same class, rate and cache counters).

    Called once per mutation field, so each alias of a repeated mutation counts.
    """
    from movie_api.throttling import AddressScopedRateThrottle

    throttle = AddressScopedRateThrottle()
    if not throttle.allow_request(info.context, SimpleNamespace(throttle_scope=scope)):
        wait = throttle.wait()
        retry_after = int(wait) + 1 if wait is not None else None
        raise Throttled(
            ThrottledError.default_message,
            retryAfter=retry_after,
        )


# Root mutation fields whose services keep failure counters that must survive the
# error they raise (users.services): the view does not wrap a document containing one
# of them in its all-or-nothing transaction.
NON_ATOMIC_MUTATIONS: set[str] = set()

# Root mutation fields that read no credentials (sign-in and sign-up, as the REST views
# with NoCredentials): a stale Bearer header does not block them.
CREDENTIAL_FREE_FIELDS: set[str] = set()


# --- Ids ----------------------------------------------------------------------------


def parse_id(value, field: str = "id") -> int:
    """A database id from a GraphQL `ID` (plain pk as a string); else BAD_USER_INPUT.

    The rule of what is an id is the selectors' (movies.selectors.to_db_id): ASCII
    digits, 1 to 2^63 - 1. Empty strings, signs, decimals and huge numbers are refused.
    """
    from movies.selectors import to_db_id

    number = to_db_id(value)
    if number is None:
        shown = str(value) if len(str(value)) <= 24 else f"{str(value)[:20]}…"
        raise BadUserInput(f"{field}: '{shown}' is not a valid id.", field=field)
    return number


# --- Selections ---------------------------------------------------------------------


class Selection:
    """The sub-fields selected under a field, fragments and aliases merged."""

    def __init__(self, info, nodes):
        self.info = info
        self.nodes = list(nodes)
        self.fields: dict[str, list[FieldNode]] = {}
        for node in self.nodes:
            if node.selection_set:
                self._collect(node.selection_set.selections, set())

    def _collect(self, selections, seen_fragments):
        for selection in selections:
            if isinstance(selection, FieldNode):
                self.fields.setdefault(selection.name.value, []).append(selection)
            elif isinstance(selection, InlineFragmentNode):
                self._collect(selection.selection_set.selections, seen_fragments)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.info.fragments.get(name)
                if fragment is not None and name not in seen_fragments:
                    self._collect(fragment.selection_set.selections, seen_fragments | {name})

    def __contains__(self, name: str) -> bool:
        return name in self.fields

    def child(self, *path: str) -> "Selection":
        """The selection under `path`, e.g. child("edges", "node")."""
        selection = self
        for name in path:
            selection = Selection(self.info, selection.fields.get(name, []))
        return selection

    def int_args(self, name: str, argument: str) -> list:
        """Every value given to `argument` of the sub-field `name` (one per alias)."""
        values = []
        for node in self.fields.get(name, []):
            for arg in node.arguments:
                if arg.name.value == argument:
                    values.append(value_from_ast_untyped(arg.value, self.info.variable_values))
                    break
            else:
                values.append(None)
        return values


def selection(info) -> Selection:
    """The selection set of the field being resolved."""
    return Selection(info, info.field_nodes)


# --- Pages --------------------------------------------------------------------------


def check_first(first, field: str = "first", default: int = DEFAULT_PAGE_SIZE) -> int:
    """`first` within 0..100 (default 20); anything else is BAD_USER_INPUT."""
    if first is None:
        return default
    if first < 0:
        raise BadUserInput(f"{field}: must not be negative.", field=field)
    if first > MAX_PAGE_SIZE:
        raise BadUserInput(
            f"{field}: at most {MAX_PAGE_SIZE} items per page (asked for {first}).",
            field=field,
        )
    return first


class Page:
    """One page of a connection; `total_count` runs its COUNT only when asked."""

    def __init__(self, queryset, rows, offset, has_next):
        self._queryset = queryset
        self._total = None
        self.rows = rows
        self.offset = offset
        self.edges = [
            SimpleNamespace(cursor=offset_to_cursor(offset + index), node=row)
            for index, row in enumerate(rows)
        ]
        self.page_info = SimpleNamespace(
            has_next_page=has_next,
            has_previous_page=offset > 0,
            start_cursor=self.edges[0].cursor if self.edges else None,
            end_cursor=self.edges[-1].cursor if self.edges else None,
        )

    @property
    def total_count(self) -> int:
        if self._total is None:
            self._total = self._queryset.count()
        return self._total


def paginate(queryset, *, first=None, after=None) -> Page:
    """Slice `queryset` by Relay `first`/`after`; one query for the rows (+ prefetches)."""
    size = check_first(first)
    offset = 0
    if after:
        position = cursor_to_offset(after)
        # The database takes offsets below 2^63 (a larger one is a DataError, or an
        # OverflowError on SQLite); no real page is anywhere near that far.
        if position is None or not 0 <= position < MAX_CURSOR_OFFSET:
            raise BadUserInput("after: not a cursor from this API.", field="after")
        offset = position + 1
    rows = list(queryset[offset : offset + size + 1]) if size else []
    return Page(queryset, rows[:size], offset, has_next=len(rows) > size)


def connection_type(node_type, name: str, description: str):
    """A Relay-shaped connection type: totalCount, pageInfo, edges{cursor node}."""
    edge = type(
        f"{name}Edge",
        (graphene.ObjectType,),
        {
            "Meta": type("Meta", (), {"description": f"One {name} in a page."}),
            "cursor": graphene.String(
                required=True, description="Opaque cursor; pass it as `after` to continue."
            ),
            "node": graphene.Field(node_type, required=True, description=f"The {name}."),
        },
    )
    return type(
        f"{name}Connection",
        (graphene.ObjectType,),
        {
            "Meta": type("Meta", (), {"description": description}),
            "total_count": graphene.Int(
                required=True,
                description="How many items match, across all pages (counted only when asked).",
            ),
            "page_info": graphene.Field(
                graphene.relay.PageInfo, required=True, description="Where this page is."
            ),
            "edges": graphene.List(
                graphene.NonNull(edge), required=True, description="The items of this page."
            ),
        },
    )


def page_args() -> dict:
    """The `first`/`after` arguments of every connection field."""
    return {
        "first": graphene.Int(
            description=f"Page size, {DEFAULT_PAGE_SIZE} by default, at most {MAX_PAGE_SIZE}."
        ),
        "after": graphene.String(description="Cursor of the last item of the previous page."),
    }


class renamed_fields:
    """Re-key a service's ValidationError from domain names to this API's argument names.

    E.g. `with renamed_fields(genres="genreIds"):` around `movie_create(genre_ids=...)`,
    so the error names the argument the client sent. The translation to a GraphQL error
    still happens once, in `format_error`.
    """

    def __init__(self, **names: str):
        self.names = names

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if (
            exc_type is not None
            and issubclass(exc_type, DjangoValidationError)
            and hasattr(exc, "error_dict")
            and any(key in self.names for key in exc.error_dict)
        ):
            raise DjangoValidationError(
                {self.names.get(key, key): errors for key, errors in exc.error_dict.items()}
            ) from exc
        return False


def provided(input_object) -> dict:
    """The fields a client actually sent in an input object (absent ≠ null)."""
    return dict(input_object.items()) if input_object is not None else {}
