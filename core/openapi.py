"""drf-yasg schema generation that documents what the API really answers (the API scan
holds us to it).

The scanner (schemathesis, tests/test_api_scanners.py) checks every response against
/swagger.json: its status code must be documented, its body must match the documented
schema, and an operation that declares authentication must refuse requests without it.
drf-yasg on its own documents only the success response and puts every operation
under the global Bearer requirement. This auto-schema class adds, for every operation:

- the error responses our exception handler produces (one documented shape, the
  `Error` definition, also for an error a view declares by its words alone), a GET's
  304 for a matching If-None-Match, and those of the contract (406 for a version not
  served; on a POST, the optional Idempotency-Key header and its 422);
- `security: [{}, {"Bearer": []}]` (the token is optional) where an anonymous caller is
  allowed through, e.g. catalog reads, where a token only adds `my_state`;
- the bounds the server enforces: `page` and `page_size` are 1 or more, and path ids
  are integers from 1 to 2^63 - 1 (MovieAPISchemaGenerator);
- its summary, description and examples, from the one table of operation texts
  (core/operation_docs.py, one module per app), and the rate limit of the view's
  throttle scope, read from settings.
"""

import re
from types import SimpleNamespace

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from drf_yasg import openapi
from drf_yasg.generators import OpenAPISchemaGenerator
from drf_yasg.inspectors import (
    FieldInspector,
    NotHandled,
    ReferencingSerializerInspector,
    SwaggerAutoSchema,
)
from rest_framework import serializers

from core.fields import OPENAPI_STYLE
from core.operation_docs import operation_docs

ERROR_SCHEMA = openapi.Schema(
    title="Error",
    type=openapi.TYPE_OBJECT,
    required=["status", "code", "detail"],
    properties={
        "status": openapi.Schema(type=openapi.TYPE_INTEGER),
        "code": openapi.Schema(type=openapi.TYPE_STRING),
        "detail": openapi.Schema(type=openapi.TYPE_STRING),
        "errors": openapi.Schema(
            type=openapi.TYPE_ARRAY,
            items=openapi.Schema(
                type=openapi.TYPE_OBJECT,
                properties={
                    "field": openapi.Schema(type=openapi.TYPE_STRING, x_nullable=True),
                    "code": openapi.Schema(type=openapi.TYPE_STRING),
                    "message": openapi.Schema(type=openapi.TYPE_STRING),
                },
            ),
        ),
        # The X-Request-ID of the answer (libs/opskit): quote it in bug reports.
        "request_id": openapi.Schema(type=openapi.TYPE_STRING),
    },
)

# Its one name in the document: every error response refers to it.
ERROR = "Error"

# Answered by any operation: bad query or body, bad token, not allowed, unknown id or
# route, rate limited, the database or the rate limiter's store down.
COMMON_ERRORS = {
    400: "Invalid input; `errors` names each field and problem.",
    401: "Missing, invalid or expired access token, or wrong credentials.",
    403: "Signed in, but not allowed to do this.",
    404: "No such object.",
    406: "The `version` of the Accept header is not served (core/versions.py).",
    429: "Rate limited; see Retry-After.",
    503: "A store the answer needs is down (the database, the rate limiter's); see Retry-After.",
}
# Statuses whose answer says when to come back (core/throttling.py, core/views.py).
RETRY_AFTER_STATUSES = {429, 503}


def _header(description: str, type_: str = openapi.TYPE_STRING) -> dict:
    """A Swagger 2.0 response header object."""
    return {"type": type_, "description": description}


# On every answer of the API (libs/opskit, core/versions.py).
EVERY_ANSWER_HEADERS = {
    "X-Request-ID": _header("This answer's request id: quote it in bug reports."),
    "API-Version": _header("The API version that answered (core/versions.py)."),
}
# On an answer that consulted a rate limit (core/middleware.py): the tightest one.
RATE_LIMIT_HEADERS = {
    "X-RateLimit-Limit": _header("Requests allowed in the window.", openapi.TYPE_INTEGER),
    "X-RateLimit-Remaining": _header("Requests left in the window.", openapi.TYPE_INTEGER),
    "X-RateLimit-Reset": _header("Seconds until the window resets.", openapi.TYPE_INTEGER),
}
RETRY_AFTER_HEADER = {
    "Retry-After": _header("Seconds to wait before trying again.", openapi.TYPE_INTEGER)
}
# ConditionalGetMiddleware (settings/pipeline.py) tags every GET answer and answers a
# matching If-None-Match with an empty 304.
ETAG_HEADER = {"ETag": _header("The answer's entity tag; send it back as If-None-Match.")}
IF_NONE_MATCH = openapi.Parameter(
    "If-None-Match",
    openapi.IN_HEADER,
    description="The ETag of a copy the client holds: 304 without a body while it is current.",
    type=openapi.TYPE_STRING,
    required=False,
)
NOT_MODIFIED = "Not modified: the copy named by If-None-Match is current (no body)."
# Answered by operations that take a body.
BODY_ERRORS = {
    409: "Conflicts with existing data (e.g. a duplicate).",
    413: "Request body too large.",
    415: "Unsupported Content-Type.",
}
BODY_METHODS = {"post", "put", "patch"}
# Every POST takes an Idempotency-Key (core/idempotency): a retry replays the first
# answer; the key with another request is 422, while the first still runs 409.
IDEMPOTENCY_KEY = openapi.Parameter(
    "Idempotency-Key",
    openapi.IN_HEADER,
    description=(
        "A fresh random value (a UUID) per operation: a retry with the same key and body "
        "within 24 h replays the first answer (`Idempotent-Replayed: true`)."
    ),
    type=openapi.TYPE_STRING,
    pattern=r"^[!-~]{1,255}$",
    required=False,
)
IDEMPOTENCY_ERRORS = {
    422: "The Idempotency-Key was used for another request (`idempotency_key_reused`).",
}
# The ordering filter (django-filter's OrderingFilter, movies/filters.py) takes several
# comma-separated keys; drf-yasg documents one key (an enum of the FilterSet's keys).
ORDERING = "ordering"


def ordering_pattern(keys: list[str]) -> str:
    """A pattern of comma-separated `keys` (each maybe `-`-prefixed already), or empty."""
    key = "(?:" + "|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True)) + ")"
    return f"^(?:{key}(?:,{key})*)?$"


# Django's and DRF's text fields refuse a NUL character (ProhibitNullCharactersValidator),
# in a query filter as in a body; any other character is allowed.
NO_NUL_PATTERN = r"^[^\x00]*$"
# A required text the service strips first: at least one character that is not space.
NOT_BLANK_PATTERN = r"^[^\x00]*[^\s\x00][^\x00]*$"


def _free_text(schema) -> bool:
    """A string the document puts no other form on."""
    return schema.get("type") == openapi.TYPE_STRING and not (
        {"pattern", "enum", "format"} & set(schema)
    )


# Database ids are 64-bit; a larger number can name nothing.
MAX_ID = 2**63 - 1
# Query parameters the paginator refuses below 1 (core/pagination.py), and empty.
POSITIVE_QUERY_PARAMETERS = {"page", "page_size"}
# The paginator's parameters: an empty `cursor` is not "not given" but the first page
# in cursor mode (its pattern admits the empty string).
PAGINATOR_QUERY_PARAMETERS = POSITIVE_QUERY_PARAMETERS | {"cursor"}


class MovieAPISchemaGenerator(OpenAPISchemaGenerator):
    """Path ids (`{id}`, `{movie_id}`) are documented as the positive 64-bit integers
    the routes accept, not as free strings or unbounded integers."""

    def get_path_parameters(self, path, view_cls):
        parameters = super().get_path_parameters(path, view_cls)
        for parameter in parameters:
            if parameter.name == "id" or parameter.name.endswith("_id"):
                parameter.type = openapi.TYPE_INTEGER
                parameter.pattern = None
                parameter.minimum = 1
                parameter.maximum = MAX_ID
        return parameters


class DocumentedConstraintsInspector(FieldInspector):
    """Writes the bounds a field was `documented` with (core/fields.py) into its schema;
    for a list, onto its items when the bound is the items'."""

    def process_result(self, result, method_name, obj, **kwargs):
        if not isinstance(result, (openapi.Schema, openapi.Parameter)):
            return result
        for keyword, value in (getattr(obj, "style", {}).get(OPENAPI_STYLE) or {}).items():
            setattr(result, keyword, value)
        if isinstance(obj, serializers.CharField) and not obj.read_only and _free_text(result):
            result.pattern = NO_NUL_PATTERN
        return result


class NullableNestedSerializerInspector(ReferencingSerializerInspector):
    """A nested serializer declared with allow_null=True (e.g. `my_state`, null for an
    anonymous caller) is written inline with `x-nullable`: Swagger 2.0 ignores keywords
    beside a `$ref`, so a referenced definition could not say it."""

    def field_to_swagger_object(self, field, swagger_object_type, use_references, **kwargs):
        if not (
            isinstance(field, serializers.Serializer)
            and field.allow_null
            and swagger_object_type == openapi.Schema
        ):
            return NotHandled
        schema = super().field_to_swagger_object(field, swagger_object_type, False, **kwargs)
        schema.x_nullable = True
        return schema


class MovieAPIAutoSchema(SwaggerAutoSchema):
    """SwaggerAutoSchema plus documented error responses, optional-auth security and the
    operation texts and examples of core/operation_docs.py."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.field_inspectors = [
            DocumentedConstraintsInspector,
            NullableNestedSerializerInspector,
            *self.field_inspectors,
        ]

    def get_operation(self, operation_keys=None):
        operation = super().get_operation(operation_keys)
        if self.method.lower() == "post":
            operation.parameters.append(IDEMPOTENCY_KEY)
        if self.method.lower() == "get":
            operation.parameters.append(IF_NONE_MATCH)
        for parameter in operation.parameters:
            # Every query filter and option but the paginator's reads an empty value as
            # not given (`?rating=` is no filter, `?window=` the default), as TMDB's
            # API does: the document says so rather than typing them number-or-absent.
            if (
                parameter.in_ == openapi.IN_QUERY
                and parameter.name not in PAGINATOR_QUERY_PARAMETERS
            ):
                parameter.allow_empty_value = True
        docs = operation_docs().get(operation.operation_id)
        if docs is None:
            return operation  # drf-yasg's default; the schema test names it
        operation.summary = docs.summary
        operation.description = docs.description + self._rate_limit_note()
        for status_code, example in docs.responses.items():
            # Swagger 2.0's place for a response example: `examples`, by media type.
            operation.responses[str(status_code)]["examples"] = {"application/json": example}
        if docs.request is not None:
            body = next(p for p in operation.parameters if p.in_ == openapi.IN_BODY)
            # Swagger 2.0 has no example on a body parameter and ignores keywords beside a
            # `$ref`, so the body schema becomes "all of the definition" plus the example.
            body.schema = openapi.Schema(
                type=openapi.TYPE_OBJECT, all_of=[body.schema], example=docs.request
            )
        return operation

    def _rate_limit_note(self) -> str:
        """The scope of the view's operation (core/operations.py) and its rate, as
        settings declare them."""
        operation = getattr(self.view, "operation", None)
        scope = operation.scope if operation is not None else None
        rate = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"].get(scope)
        if rate is None:
            return ""
        return (
            f"\n\nRate limit: scope `{scope}`, {rate} per client address; "
            "above it, 429 with Retry-After."
        )

    def get_response_serializers(self):
        responses = super().get_response_serializers()
        errors = dict(COMMON_ERRORS)
        if self.method.lower() in BODY_METHODS:
            errors.update(BODY_ERRORS)
        if self.method.lower() == "post":
            errors.update(IDEMPOTENCY_ERRORS)
        for status_code, response in responses.items():
            # A view that names an error status by its description alone still answers
            # the one error shape.
            if int(status_code) >= 400 and isinstance(response, str):
                responses[status_code] = openapi.Response(response, self._error())
        for status_code, description in errors.items():
            responses.setdefault(str(status_code), openapi.Response(description, self._error()))
        if self.method.lower() == "get":
            # ConditionalGetMiddleware answers every GET's ETag; sent back as
            # If-None-Match while it still matches, the answer is 304 without a body.
            responses.setdefault("304", openapi.Response(NOT_MODIFIED))
        return responses

    def get_response_schemas(self, response_serializers):
        responses = super().get_response_schemas(response_serializers)
        for status_code, response in responses.items():
            headers = dict(EVERY_ANSWER_HEADERS)
            if status_code != "304":
                headers.update(RATE_LIMIT_HEADERS)
            if int(status_code) in RETRY_AFTER_STATUSES:
                headers.update(RETRY_AFTER_HEADER)
            if self.method.lower() == "get" and status_code in ("200", "304"):
                headers.update(ETAG_HEADER)
            response["headers"] = {**headers, **response.get("headers", {})}
        return responses

    def _error(self) -> openapi.SchemaRef:
        """The one `Error` definition, registered on first use."""
        definitions = self.components.with_scope(openapi.SCHEMA_DEFINITIONS)
        definitions.setdefault(ERROR, lambda: ERROR_SCHEMA)
        return openapi.SchemaRef(definitions, ERROR)

    def get_request_body_parameters(self, consumes):
        parameters = super().get_request_body_parameters(consumes)
        if self.method.lower() == "patch":
            # A partial update may leave everything out: an empty PATCH changes nothing,
            # and no field of its body is required (`Patched<Name>`).
            for parameter in parameters:
                if parameter.in_ == openapi.IN_BODY:
                    parameter.required = False
                    parameter.schema = self._partial(parameter.schema)
                elif parameter.in_ == openapi.IN_FORM:
                    parameter.required = False
        return parameters

    def _partial(self, schema):
        """The body definition of the PUT with nothing required, as `Patched<Name>` (the
        serializer validates a PATCH with partial=True): the PUT's own definition keeps
        its required fields. Nested objects keep theirs: a PATCH replaces them whole."""
        if not isinstance(schema, openapi.SchemaRef):
            return schema
        name = schema["$ref"].rsplit("/", 1)[1]
        definitions = self.components.with_scope(openapi.SCHEMA_DEFINITIONS)
        full = definitions.get(name)

        def patched():
            partial = openapi.Schema(**{k: v for k, v in full.items() if k != "required"})
            partial.title = f"Patched{full.get('title', name)}"
            return partial

        definitions.setdefault(f"Patched{name}", patched)
        return openapi.SchemaRef(definitions, f"Patched{name}")

    def get_query_parameters(self):
        parameters = super().get_query_parameters()
        for parameter in parameters:
            if parameter.name in POSITIVE_QUERY_PARAMETERS and parameter.type == "integer":
                parameter.minimum = 1
            if parameter.name == ORDERING and parameter.get("enum"):
                parameter.pattern = ordering_pattern(parameter.enum)
                del parameter["enum"]
            if _free_text(parameter):
                parameter.pattern = NO_NUL_PATTERN
        return parameters

    def get_paginated_response(self, response_schema):
        schema = super().get_paginated_response(response_schema)
        paginator = getattr(self.view, "paginator", None)
        # Cursor mode of the review lists skips the COUNT and answers `count: null`.
        if schema is not None and hasattr(paginator, "cursor_query_param"):
            schema.properties["count"] = openapi.Schema(type=openapi.TYPE_INTEGER, x_nullable=True)
        return schema

    def get_security(self):
        operation = getattr(self.view, "operation", None)
        if operation is not None and not operation.reads_credentials:
            return []  # sign-in and sign-up read no credentials
        security = super().get_security()
        if security is None and self._allows_anonymous():
            return [{}, {"Bearer": []}]
        return security

    def _allows_anonymous(self) -> bool:
        """Whether the view's permissions let an anonymous caller through for this method."""
        request = SimpleNamespace(method=self.method.upper(), user=AnonymousUser(), auth=None)
        try:
            return all(
                permission.has_permission(request, self.view)
                for permission in self.view.get_permissions()
            )
        except Exception:  # noqa: BLE001 - a permission that needs more context requires auth
            return False
