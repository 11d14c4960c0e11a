"""The /graphql/ endpoint: graphene-django's view, hardened (docs/security.md).

- Auth: only `Authorization: Bearer <access>` (core/graphql/auth.py).
- The request is read once into one operation (core/graphql/operation.py): the
  one the response cache keyed is the one executed.
- Before any resolver runs: body at most 10 KB (413), JSON object or
  application/graphql body only (batches 400, forms and text/plain 415), the document
  limits of core/graphql/limits.py, then the caller's general rate limit together
  with the rate-limited mutation fields of the document (one store round trip).
  Mutations only over POST.
- Persisted queries (core/graphql/persisted.py): a hash instead of the document,
  so queries can go over GET.
- Every error goes through core.graphql.errors.format_error (one place), and a
  mutation document rolls back everything it wrote unless one of its fields declares
  that its service keeps its own transactions (core/graphql/policy.py).
"""

import json

import orjson
from django.conf import settings
from django.db import transaction
from django.http import HttpResponse, HttpResponseNotAllowed
from django.http.response import HttpResponseBadRequest
from django.views.decorators.csrf import csrf_exempt
from graphene_django.views import GraphQLView, HttpError
from graphql import ExecutionResult, GraphQLError, OperationType, execute, get_operation_ast

from core.errors import GraphQLErrorCode, Throttled
from core.graphql import persisted
from core.graphql.auth import authenticate_request
from core.graphql.errors import format_error, translate_exception
from core.graphql.limits import parse_and_validate
from core.graphql.operation import OperationError, check_envelope, read_operation
from core.graphql.policy import (
    credentialed_root_fields,
    reads_credentials,
    runs_in_one_transaction,
)
from core.graphql.rates import check_request, field_limits, retry_after
from core.graphql.stack import call_on_fresh_stack
from core.security.bearer import scope_policy

# graphene-django wraps GraphQLView.dispatch in ensure_csrf_cookie. Only Bearer tokens
# authenticate here (session cookies are ignored), so a CSRF cookie would protect
# nothing and cost a fresh token per response: call the undecorated dispatch.
_graphene_dispatch = GraphQLView.dispatch.__wrapped__


def _http_error(response, message, code):
    error = HttpError(response, message)
    error.code = code
    return error


def _bad_request(message: str) -> HttpError:
    return _http_error(HttpResponseBadRequest(), message, GraphQLErrorCode.BAD_REQUEST)


def _operation_http_error(error: OperationError) -> HttpError:
    if error.status == 405:
        response = HttpResponseNotAllowed(["GET", "POST"])
    else:
        response = HttpResponse(status=error.status)
    return _http_error(response, error.message, error.code)


class MovieGraphQLView(GraphQLView):
    """graphene-django's GraphQLView with Bearer auth, limits and one error format."""

    def dispatch(self, request, *args, **kwargs):
        # Read per request, so settings overrides (and tests) take effect.
        self.graphiql = settings.GRAPHQL_GRAPHIQL
        authenticate_request(request)
        request.graphql_rate_checked = False
        request.graphql_throttled_wait = None
        try:
            self._check_request(request)
        except HttpError as error:
            return self._error_response(error.response, error.message, code=error.code)
        response = _graphene_dispatch(self, request, *args, **kwargs)
        wait = getattr(request, "graphql_throttled_wait", None)
        if response.status_code == 429 and wait is not None:
            response["Retry-After"] = str(wait)
        if not request.graphql_rate_checked:
            # Answered before a document was read (a bad body, GraphiQL's page): the
            # general limit still counts it, and an exhausted one still says 429.
            try:
                self._check_rate(request, [])
            except HttpError as error:
                return self._error_response(error.response, error.message, code=error.code)
        return response

    def _check_request(self, request):
        """Method, size and media type, refused before the request is read."""
        try:
            check_envelope(request)
        except OperationError as error:
            raise _operation_http_error(error) from None

    def _check_rate(self, request, fields):
        """The REST API's general per-user / per-address rate applies here too, counted
        with the rate-limited mutation `fields` in one store call (rates.py)."""
        request.graphql_rate_checked = True
        decision = check_request(request, fields)
        if decision.refused:
            response = HttpResponse(status=429)
            wait = retry_after(decision.wait)
            if wait is not None:
                response["Retry-After"] = str(wait)
            raise _http_error(response, Throttled.default_message, GraphQLErrorCode.THROTTLED)

    def _error_response(self, response, message, code=None):
        response["Content-Type"] = "application/json"
        error = {"message": message, "extensions": {"code": code or GraphQLErrorCode.BAD_REQUEST}}
        response.content = orjson.dumps({"errors": [error]})
        return response

    def parse_body(self, request):
        """Reads the operation (operation.py): the one the response cache keyed."""
        try:
            operation = read_operation(request)
        except OperationError as error:
            raise _operation_http_error(error) from None
        return {"raw": True} if operation.raw else {}

    def get_graphql_params(self, request, data):
        """The parameters of the operation `parse_body` read, never graphene's own reading."""
        operation = read_operation(request)
        request.graphql_persist = operation.registration
        return operation.query, operation.variables, operation.operation_name, None

    def execute_graphql_request(
        self, request, data, query, variables, operation_name, show_graphiql=False
    ):
        if not query:
            if show_graphiql:
                return None
            raise _bad_request("Must provide query string.")
        schema = self.schema.graphql_schema
        document, errors = parse_and_validate(
            schema,
            query,
            settings.GRAPHQL_MAX_DEPTH,
            settings.GRAPHQL_MAX_ALIASES,
            settings.GRAPHQL_INTROSPECTION,
        )
        operation = get_operation_ast(document, operation_name) if not errors else None
        fields = field_limits(request, schema, operation, document, variables)
        self._check_rate(request, fields)
        if errors:
            return ExecutionResult(data=None, errors=list(errors))
        if getattr(request, "graphql_persist", None) is not None:
            persisted.register(*request.graphql_persist)
        refused = _refused_by_token_policy(request, schema, operation, document)
        if refused is None:
            refused = _refused_by_scope(request, schema, operation, document)
        if refused is not None:
            return refused
        if request.method.lower() == "get" and _is_mutation(operation):
            if show_graphiql:
                return None
            raise _http_error(
                HttpResponseNotAllowed(["POST"]),
                f"Can only perform a {operation.operation.value} over POST.",
                GraphQLErrorCode.METHOD_NOT_ALLOWED,
            )
        result = self._execute(request, schema, document, operation, variables, operation_name)
        request.graphql_throttled_wait = _wait_of_whole_refusal(result)
        return result

    def _execute(self, request, schema, document, operation, variables, operation_name):
        options = {
            "root_value": self.get_root_value(request),
            "context_value": self.get_context(request),
            "variable_values": variables,
            "operation_name": operation_name,
            "middleware": self.get_middleware(request),
            # Variables' coercion errors suggest names too ("Did you mean ...?").
            "hide_suggestions": not settings.GRAPHQL_INTROSPECTION,
        }
        # Executed from a frame-stack chunk of its own, so however deep the request
        # already is, resolving the fields never maps and frees memory (stack.py).
        if not runs_in_one_transaction(schema, operation, document):
            return call_on_fresh_stack(execute, schema, document, **options)
        # All mutation fields of one request commit together or not at all.
        with transaction.atomic():
            result = call_on_fresh_stack(execute, schema, document, **options)
            if result.errors:
                transaction.set_rollback(True)
        return result

    def get_response(self, request, data, show_graphiql=False):
        try:
            result, status_code = super().get_response(request, data, show_graphiql)
            if getattr(request, "graphql_auth_refused", False):
                status_code = 401  # the token policy refused the document, as REST does
            elif getattr(request, "graphql_throttled_wait", None) is not None:
                status_code = 429  # every field was refused by a rate limit, as REST says
            return result, status_code
        except HttpError as error:
            if not hasattr(error, "code"):
                status = error.response.status_code
                error.code = (
                    GraphQLErrorCode.METHOD_NOT_ALLOWED
                    if status == 405
                    else GraphQLErrorCode.BAD_REQUEST
                )
            raise

    def json_encode(self, request, d, pretty=False):
        if self.pretty or pretty or request.GET.get("pretty"):
            return json.dumps(d, sort_keys=True, indent=2, separators=(",", ": "))
        return orjson.dumps(d)

    @staticmethod
    def format_error(error):
        if isinstance(error, HttpError):
            return {
                "message": error.message,
                "extensions": {"code": getattr(error, "code", GraphQLErrorCode.BAD_REQUEST)},
            }
        return format_error(error)


def _wait_of_whole_refusal(result: ExecutionResult) -> int | None:
    """Retry-After when a rate limit refused the whole operation, else None.

    Whole: every root field came back empty and every error is THROTTLED, so the client
    got nothing but "wait" and a 429 with Retry-After tells its HTTP layer so. A refusal
    beside any other outcome (a field with data, another error) stays a 200, the
    refused field carrying its own THROTTLED error and `retryAfter`.
    """
    if not result.errors or any(value is not None for value in (result.data or {}).values()):
        return None
    extensions = [_extensions(error) for error in result.errors]
    if any(entry.get("code") != GraphQLErrorCode.THROTTLED for entry in extensions):
        return None
    return max(entry.get("retryAfter") or 1 for entry in extensions)


def _extensions(error: GraphQLError) -> dict:
    """The extensions format_error will give `error` (without logging anything twice)."""
    original = error.original_error
    if original is None or isinstance(original, GraphQLError):
        return error.extensions or {}
    translated = translate_exception(original)
    return translated[1] if translated else {}


def _is_mutation(operation) -> bool:
    return operation is not None and operation.operation != OperationType.QUERY


def _refused_by_token_policy(request, schema, operation, document) -> ExecutionResult | None:
    """The token policy: a bad token refuses the document, even a public read, unless
    it only signs in or up."""
    auth_error = getattr(request, "graphql_auth_error", None)
    if auth_error is None or not reads_credentials(schema, operation, document):
        return None
    request.graphql_auth_refused = True
    return ExecutionResult(
        data=None, errors=[GraphQLError(auth_error.message, original_error=auth_error)]
    )


def _refused_by_scope(request, schema, operation, document) -> ExecutionResult | None:
    """An app's token runs a document only if it has the scope of every root field
    (settings.OAUTH_SCOPE_POLICY: oauth/access.py); otherwise nothing runs and each
    missing scope is one FORBIDDEN."""
    granted = getattr(request, "oauth_scopes", None)
    if granted is None or operation is None:
        return None
    policy = scope_policy()
    errors = []
    for name in sorted(credentialed_root_fields(schema, operation, document)):
        needed = policy.graphql_operation(name, mutation=_is_mutation(operation))
        try:
            policy.require_scope(granted, needed)
        except policy.InsufficientScope as refusal:
            if all(error.message != refusal.message for error in errors):
                errors.append(GraphQLError(refusal.message, path=[name], original_error=refusal))
    return ExecutionResult(data=None, errors=errors) if errors else None


graphql_view = csrf_exempt(MovieGraphQLView.as_view())
