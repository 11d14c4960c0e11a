"""One GraphQL error shape for every refusal, produced here and nowhere else.

Resolvers let the typed domain errors of core/errors.py (and Django's
ValidationError) propagate; `format_error` turns any of them into one GraphQL error
shape, `{"message", "path", "extensions": {"code", "field", "errors"}}`, with the
code from the TRANSLATIONS table REST uses too. The view calls it for every error,
so no resolver catches anything one by one.
"""

import logging

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from graphene.utils.str_converters import to_camel_case
from graphql import GraphQLError

from core.errors import (
    DATABASE_OUTAGE_ERRORS,
    DATABASE_UNAVAILABLE_MESSAGE,
    TRANSLATIONS,
    CommonErrorCode,
    DomainError,
    ErrorKind,
    GraphQLErrorCode,
)

logger = logging.getLogger("core.graphql")


class APIError(GraphQLError):
    """A refused operation with a machine-readable `extensions.code`."""

    code = GraphQLErrorCode.INTERNAL_SERVER_ERROR

    def __init__(self, message: str, *, field: str | None = None, **extensions):
        extensions = {"code": self.code, **extensions}
        if field is not None or self.code == GraphQLErrorCode.BAD_USER_INPUT:
            extensions["field"] = field
        super().__init__(message, extensions=extensions)


class Unauthenticated(APIError):
    code = GraphQLErrorCode.UNAUTHENTICATED


class Forbidden(APIError):
    code = GraphQLErrorCode.FORBIDDEN


class NotFound(APIError):
    code = GraphQLErrorCode.NOT_FOUND


class BadUserInput(APIError):
    code = GraphQLErrorCode.BAD_USER_INPUT


class Throttled(APIError):
    code = GraphQLErrorCode.THROTTLED


def _field_name(name: str | None) -> str | None:
    if name in (None, "__all__", "non_field_errors"):
        return None
    return ".".join(to_camel_case(part) for part in str(name).split("."))


def _validation_entries(exc: DjangoValidationError) -> list[dict]:
    if hasattr(exc, "error_dict"):
        return [
            {
                "field": _field_name(field),
                "code": error.code or CommonErrorCode.INVALID,
                "message": message,
            }
            for field, errors in exc.error_dict.items()
            for error in errors
            for message in error.messages
        ]
    return [
        {"field": None, "code": error.code or CommonErrorCode.INVALID, "message": message}
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
    return message, {"code": GraphQLErrorCode.BAD_USER_INPUT, "field": field, "errors": entries}


def translate_exception(exc: Exception) -> tuple[str, dict] | None:
    """(message, extensions) for an exception a service raised; None if unknown."""
    if isinstance(exc, DomainError):
        return _domain_extensions(exc)
    if isinstance(exc, DjangoValidationError):
        return _bad_input_extensions(_validation_entries(exc))
    if isinstance(exc, PermissionDenied):
        message = str(exc) or "You do not have permission to perform this action."
        return message, {"code": GraphQLErrorCode.FORBIDDEN}
    if isinstance(exc, (ObjectDoesNotExist, Http404)):
        return "Not found.", {"code": GraphQLErrorCode.NOT_FOUND}
    if isinstance(exc, DATABASE_OUTAGE_ERRORS):
        # As REST's 503 + Retry-After (core/views.py), not an internal error.
        retry = settings.DATABASE_RETRY_AFTER_SECONDS
        code = TRANSLATIONS[ErrorKind.UNAVAILABLE].graphql_code
        return DATABASE_UNAVAILABLE_MESSAGE, {"code": code, "retryAfter": retry}
    return None


def _domain_extensions(exc: DomainError) -> tuple[str, dict]:
    """(message, extensions) of a typed domain error, by the TRANSLATIONS table."""
    extensions = {"code": exc.translation.graphql_code}
    if exc.code:
        extensions["reason"] = exc.code
    if exc.kind == ErrorKind.THROTTLED:
        extensions["retryAfter"] = exc.retry_after
    if getattr(exc, "field", None):
        extensions["field"] = exc.field
    if getattr(exc, "scope", None):
        # The scope an app's token lacks (oauth/access.py), for the app to ask for it.
        extensions["scope"] = exc.scope
    return exc.message, extensions


def format_error(error: Exception) -> dict:
    """The JSON for one GraphQL error: a clear message and `extensions.code`, no traceback."""
    if not isinstance(error, GraphQLError):
        return {"message": str(error), "extensions": {"code": GraphQLErrorCode.BAD_REQUEST}}
    formatted = error.formatted
    original = error.original_error
    if original is None or isinstance(original, GraphQLError):
        extensions = formatted.get("extensions") or {}
        if "code" not in extensions:
            # Parse and validation errors raised by graphql-core itself.
            parse_failed = "Syntax Error" in error.message
            code = GraphQLErrorCode.GRAPHQL_PARSE_FAILED if parse_failed else None
            extensions = {**extensions, "code": code or GraphQLErrorCode.GRAPHQL_VALIDATION_FAILED}
        formatted["extensions"] = extensions
        return formatted
    translated = translate_exception(original)
    if translated is None:
        logger.error("GraphQL resolver failed: %s", error.path, exc_info=original)
        message = str(original) if settings.DEBUG else "Internal server error."
        translated = (message, {"code": GraphQLErrorCode.INTERNAL_SERVER_ERROR})
    formatted["message"], formatted["extensions"] = translated
    return formatted


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
