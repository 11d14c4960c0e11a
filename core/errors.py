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
| `TooLarge`       | 413 `too_large`                 | `PAYLOAD_TOO_LARGE`       |

The message is the error's own text on both doors: REST puts it in `detail` (and in
`errors[].message` for `Invalid`), GraphQL in `message` (and `extensions.errors[]`).
A more specific `code` given by the service (`duplicate_review`, `token_expired`, ...)
replaces the REST body code and rides along as GraphQL `extensions.reason`.
REST renders through core.exception_handlers, GraphQL through
core.graphql.errors.format_error; neither decides a message.

`Invalid` is a django ValidationError (so `full_clean`-style callers and the importers
keep working); a service that collects several field problems may raise a plain
ValidationError keyed by field, which both doors treat as `Invalid`.

Every code our code answers is a member of exactly one enum, never a bare string: the
shared ones here (`CommonErrorCode`, and `GraphQLErrorCode` for `extensions.code`), each
domain's own beside its services (`movies.errors.CatalogErrorCode`,
`users.exceptions.AccountErrorCode`, `oauth.errors.OAuthErrorCode`). TRANSLATIONS is
keyed by the kind and names each door's code by its member. The guide's error table is
generated from these enums (scripts/docs/error_codes.py), and its tests fail on a
member without a meaning or a code given as a string.
"""

import math
from dataclasses import dataclass
from enum import StrEnum
from http import HTTPStatus

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db.utils import InterfaceError, OperationalError


class ErrorKind(StrEnum):
    """The kinds of refusal: each is one row of TRANSLATIONS (not itself a wire code)."""

    INVALID = "invalid"
    UNAUTHENTICATED = "unauthenticated"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"
    THROTTLED = "throttled"
    UNAVAILABLE = "unavailable"
    TOO_LARGE = "too_large"


class CommonErrorCode(StrEnum):
    """Codes shared by every app and both doors: REST body `code` and `errors[].code`."""

    # the REST code of each kind (TRANSLATIONS)
    INVALID = "invalid"
    NOT_AUTHENTICATED = "not_authenticated"
    PERMISSION_DENIED = "permission_denied"
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"
    THROTTLED = "throttled"
    SERVICE_UNAVAILABLE = "service_unavailable"
    # the HTTP contract itself, refused before either door runs (core/contract.py)
    INVALID_IDEMPOTENCY_KEY = "invalid_idempotency_key"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    IDEMPOTENCY_KEY_IN_USE = "idempotency_key_in_use"
    UNSUPPORTED_VERSION = "unsupported_version"
    # credentials (core.security.bearer, refresh tokens)
    BAD_AUTHORIZATION_HEADER = "bad_authorization_header"
    TOKEN_EXPIRED = "token_expired"
    TOKEN_NOT_VALID = "token_not_valid"
    USER_NOT_FOUND = "user_not_found"
    USER_INACTIVE = "user_inactive"
    PASSWORD_CHANGED = "password_changed"
    # uploaded files (core.images, core.media)
    STORAGE_UNAVAILABLE = "storage_unavailable"
    INVALID_IMAGE = "invalid_image"
    FILE_TOO_LARGE = "file_too_large"
    TOO_MANY_PIXELS = "too_many_pixels"
    PIXELS_OUT_OF_PROPORTION = "pixels_out_of_proportion"
    # field problems any app reports, with Django's names for them
    REQUIRED = "required"
    BLANK = "blank"
    MAX_LENGTH = "max_length"
    MIN_VALUE = "min_value"
    MAX_VALUE = "max_value"
    UNIQUE = "unique"
    DOES_NOT_EXIST = "does_not_exist"
    NOT_A_LIST = "not_a_list"
    # the request as a whole (core.views, core.exception_handlers)
    PARSE_ERROR = "parse_error"
    TOO_LARGE = "too_large"
    TOO_MANY_FILES = "too_many_files"
    TOO_MANY_FIELDS = "too_many_fields"
    BAD_HOST = "bad_host"
    BAD_REQUEST = "bad_request"
    SERVER_ERROR = "server_error"


class GraphQLErrorCode(StrEnum):
    """GraphQL `extensions.code`: one per kind (TRANSLATIONS), and the door's own."""

    BAD_USER_INPUT = "BAD_USER_INPUT"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    NOT_FOUND = "NOT_FOUND"
    CONFLICT = "CONFLICT"
    THROTTLED = "THROTTLED"
    SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
    # a request the door refuses as a whole, and a bug
    BAD_REQUEST = "BAD_REQUEST"
    METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
    GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
    GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
    PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
    UNSUPPORTED_MEDIA_TYPE = "UNSUPPORTED_MEDIA_TYPE"
    PERSISTED_QUERY_NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
    INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"


@dataclass(frozen=True)
class Translation:
    """How one kind of domain error looks on each door."""

    status: HTTPStatus
    rest_code: CommonErrorCode
    graphql_code: GraphQLErrorCode


TRANSLATIONS: dict[ErrorKind, Translation] = {
    ErrorKind.INVALID: Translation(
        HTTPStatus.BAD_REQUEST, CommonErrorCode.INVALID, GraphQLErrorCode.BAD_USER_INPUT
    ),
    ErrorKind.UNAUTHENTICATED: Translation(
        HTTPStatus.UNAUTHORIZED, CommonErrorCode.NOT_AUTHENTICATED, GraphQLErrorCode.UNAUTHENTICATED
    ),
    ErrorKind.FORBIDDEN: Translation(
        HTTPStatus.FORBIDDEN, CommonErrorCode.PERMISSION_DENIED, GraphQLErrorCode.FORBIDDEN
    ),
    ErrorKind.NOT_FOUND: Translation(
        HTTPStatus.NOT_FOUND, CommonErrorCode.NOT_FOUND, GraphQLErrorCode.NOT_FOUND
    ),
    ErrorKind.CONFLICT: Translation(
        HTTPStatus.CONFLICT, CommonErrorCode.CONFLICT, GraphQLErrorCode.CONFLICT
    ),
    ErrorKind.THROTTLED: Translation(
        HTTPStatus.TOO_MANY_REQUESTS, CommonErrorCode.THROTTLED, GraphQLErrorCode.THROTTLED
    ),
    ErrorKind.UNAVAILABLE: Translation(
        HTTPStatus.SERVICE_UNAVAILABLE,
        CommonErrorCode.SERVICE_UNAVAILABLE,
        GraphQLErrorCode.SERVICE_UNAVAILABLE,
    ),
    ErrorKind.TOO_LARGE: Translation(
        HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
        CommonErrorCode.TOO_LARGE,
        GraphQLErrorCode.PAYLOAD_TOO_LARGE,
    ),
}

# What Django raises while the database is down, restarting or refusing connections:
# answered 503 + Retry-After over REST (core/views.py) and SERVICE_UNAVAILABLE
# over GraphQL (core/graphql/errors.py).
DATABASE_OUTAGE_ERRORS = (OperationalError, InterfaceError)
DATABASE_UNAVAILABLE_MESSAGE = "The database is unavailable. Please try again shortly."
# JSON nested deeper than Python's decoder can recurse (thousands of `[`): a 400 with
# this message on both doors (core/exception_handlers.py, graphql/operation.py).
JSON_NESTED_TOO_DEEPLY_MESSAGE = "JSON parse error - nested too deeply."

# The message of every "sign in first" refusal, on both doors.
AUTHENTICATION_REQUIRED = "Authentication required: send 'Authorization: Bearer <access token>'."


class DomainError(Exception):
    """A refused operation; `kind` picks its row in TRANSLATIONS."""

    kind = ErrorKind.INVALID
    default_message = "The request was refused."

    def __init__(self, message: str | None = None, *, code: StrEnum | None = None):
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

    kind = ErrorKind.UNAUTHENTICATED
    default_message = AUTHENTICATION_REQUIRED


class Forbidden(DomainError, PermissionDenied):
    """Signed in, but this caller may not do this."""

    kind = ErrorKind.FORBIDDEN
    default_message = "You do not have permission to perform this action."


class NotFound(DomainError, ObjectDoesNotExist):
    """The object the request is about does not exist."""

    kind = ErrorKind.NOT_FOUND
    default_message = "Not found."

    @classmethod
    def of(cls, label: str, value) -> "NotFound":
        """The one wording of "no such object", e.g. "No movie with id 7."."""
        return cls(f"No {label} with id {value}.")


class Conflict(DomainError):
    """The request clashes with the current state (e.g. a second review of a movie)."""

    kind = ErrorKind.CONFLICT
    default_message = "The request conflicts with the current state."


class Throttled(DomainError):
    """A limit is reached: `retry_after` seconds to wait; `limit` is the refusing limit."""

    kind = ErrorKind.THROTTLED
    default_message = "Too many requests; try again later."

    def __init__(
        self,
        message: str | None = None,
        *,
        retry_after: float,
        limit: int | None = None,
        code: StrEnum | None = None,
    ):
        super().__init__(message, code=code)
        self.retry_after = max(1, math.ceil(retry_after))
        self.limit = limit


class Unavailable(DomainError):
    """A dependency failed; nothing was saved, try again later."""

    kind = ErrorKind.UNAVAILABLE
    default_message = "The service is unavailable. Nothing was saved; please try again later."


class TooLarge(DomainError):
    """The input is bigger than a documented limit; the message names the figure."""

    kind = ErrorKind.TOO_LARGE
    default_message = "The request is larger than the server accepts."


class Invalid(ValidationError):
    """A problem with one input field: `field`, `code` and a message (a ValidationError)."""

    kind = ErrorKind.INVALID

    def __init__(self, field: str, message: str, code: StrEnum = CommonErrorCode.INVALID):
        # ValidationError({field: message}, code=...) drops the code for dict messages,
        # so the code goes on the inner error.
        super().__init__({field: ValidationError(message, code=code)})
        self.field = field


class GraphQLRequestRefused(Exception):
    """A GraphQL request refused before its document runs (it cannot be read as one
    operation, or its persisted query cannot be used): the message, the HTTP status
    and the `extensions.code` of the answer."""

    def __init__(
        self,
        message: str,
        *,
        status: int = 400,
        code: GraphQLErrorCode = GraphQLErrorCode.BAD_REQUEST,
    ):
        super().__init__(message)
        self.message, self.status, self.code = message, status, code


def field_error(field: str, message: str, code: StrEnum = CommonErrorCode.INVALID) -> Invalid:
    """The one way the domain reports a problem with one input field."""
    return Invalid(field, message, code)
