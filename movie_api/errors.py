"""Typed domain errors, and the one table that says how each front door shows them.

Services of every app raise these (plain Python, no DRF, no GraphQL):

| Error            | HTTP status + body `code`       | GraphQL `extensions.code` |
|------------------|---------------------------------|---------------------------|
| `Invalid`        | 400 `invalid` (+ `errors[]`)    | `BAD_USER_INPUT` (+ `field`) |
| `Unauthenticated`| 401 `not_authenticated`         | `UNAUTHENTICATED`         |
| `Forbidden`      | 403 `permission_denied`         | `FORBIDDEN`               |
| `NotFound`       | 404 `not_found`                 | `NOT_FOUND`               |
| `Conflict`       | 409 `conflict`                  | `CONFLICT`                |
| `Throttled`      | 429 `throttled` + `Retry-After` | `THROTTLED` (+ `retryAfter`) |
| `Unavailable`    | 503 `service_unavailable`       | `SERVICE_UNAVAILABLE`     |

The message is the error's own text on both doors: REST puts it in `detail` (and in
`errors[].message` for `Invalid`), GraphQL in `message` (and `extensions.errors[]`).
A more specific `code` given by the service (`duplicate_review`, `token_expired`, ...)
replaces the REST body code and rides along as GraphQL `extensions.reason`.
REST renders through movie_api.exception_handlers, GraphQL through
movie_api.graphql.errors.format_error; neither decides a message.

`Invalid` is a django ValidationError (so `full_clean`-style callers and the importers
keep working); a service that collects several field problems may raise a plain
ValidationError keyed by field, which both doors treat as `Invalid`.
"""

import math
from dataclasses import dataclass
from http import HTTPStatus

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db.utils import InterfaceError, OperationalError


@dataclass(frozen=True)
class Translation:
    """How one kind of domain error looks on each door."""

    status: HTTPStatus
    rest_code: str
    graphql_code: str


TRANSLATIONS: dict[str, Translation] = {
    "invalid": Translation(HTTPStatus.BAD_REQUEST, "invalid", "BAD_USER_INPUT"),
    "unauthenticated": Translation(HTTPStatus.UNAUTHORIZED, "not_authenticated", "UNAUTHENTICATED"),
    "forbidden": Translation(HTTPStatus.FORBIDDEN, "permission_denied", "FORBIDDEN"),
    "not_found": Translation(HTTPStatus.NOT_FOUND, "not_found", "NOT_FOUND"),
    "conflict": Translation(HTTPStatus.CONFLICT, "conflict", "CONFLICT"),
    "throttled": Translation(HTTPStatus.TOO_MANY_REQUESTS, "throttled", "THROTTLED"),
    "unavailable": Translation(
        HTTPStatus.SERVICE_UNAVAILABLE, "service_unavailable", "SERVICE_UNAVAILABLE"
    ),
}

# What Django raises while the database is down, restarting or refusing connections:
# answered 503 + Retry-After over REST (movie_api/views.py) and SERVICE_UNAVAILABLE
# over GraphQL (movie_api/graphql/errors.py).
DATABASE_OUTAGE_ERRORS = (OperationalError, InterfaceError)
DATABASE_UNAVAILABLE_MESSAGE = "The database is unavailable. Please try again shortly."
# JSON nested deeper than Python's decoder can recurse (thousands of `[`): a 400 with
# this message on both doors (movie_api/exception_handlers.py, graphql/operation.py).
JSON_NESTED_TOO_DEEPLY_MESSAGE = "JSON parse error - nested too deeply."

# The message of every "sign in first" refusal, on both doors.
AUTHENTICATION_REQUIRED = "Authentication required: send 'Authorization: Bearer <access token>'."


class DomainError(Exception):
    """A refused operation; `kind` picks its row in TRANSLATIONS."""

    kind = "invalid"
    default_message = "The request was refused."

    def __init__(self, message: str | None = None, *, code: str | None = None):
        self.message = message or self.default_message
        self.code = code
        super().__init__(self.message)

    def __str__(self):
        return self.message

    @property
    def translation(self) -> Translation:
        return TRANSLATIONS[self.kind]


class Unauthenticated(DomainError):
    """No valid credentials: missing, wrong, expired or revoked."""

    kind = "unauthenticated"
    default_message = AUTHENTICATION_REQUIRED


class Forbidden(DomainError, PermissionDenied):
    """Signed in, but this caller may not do this."""

    kind = "forbidden"
    default_message = "You do not have permission to perform this action."


class NotFound(DomainError, ObjectDoesNotExist):
    """The object the request is about does not exist."""

    kind = "not_found"
    default_message = "Not found."

    @classmethod
    def of(cls, label: str, value) -> "NotFound":
        """The one wording of "no such object", e.g. "No movie with id 7."."""
        return cls(f"No {label} with id {value}.")


class Conflict(DomainError):
    """The request clashes with the current state (e.g. a second review of a movie)."""

    kind = "conflict"
    default_message = "The request conflicts with the current state."


class Throttled(DomainError):
    """A limit is reached: `retry_after` seconds to wait; `limit` is the refusing limit."""

    kind = "throttled"
    default_message = "Too many requests; try again later."

    def __init__(
        self,
        message: str | None = None,
        *,
        retry_after: float,
        limit: int | None = None,
        code: str | None = None,
    ):
        super().__init__(message, code=code)
        self.retry_after = max(1, math.ceil(retry_after))
        self.limit = limit


class Unavailable(DomainError):
    """A dependency failed; nothing was saved, try again later."""

    kind = "unavailable"
    default_message = "The service is unavailable. Nothing was saved; please try again later."


class Invalid(ValidationError):
    """A problem with one input field: `field`, `code` and a message (a ValidationError)."""

    kind = "invalid"

    def __init__(self, field: str, message: str, code: str = "invalid"):
        # ValidationError({field: message}, code=...) drops the code for dict messages,
        # so the code goes on the inner error.
        super().__init__({field: ValidationError(message, code=code)})
        self.field = field


def field_error(field: str, message: str, code: str = "invalid") -> Invalid:
    """The one way the domain reports a problem with one input field."""
    return Invalid(field, message, code)
