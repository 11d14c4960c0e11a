"""The /graphql/ endpoint: graphene-django's view, hardened (SPEC §7-8, T22-T28).

- Auth: only `Authorization: Bearer <access>` (simplejwt, same as REST). Session cookies
  are ignored, so a cross-site page cannot borrow a browser session to run a mutation
  (T27); that is also why the view is csrf_exempt. A bad or expired token is refused
  (UNAUTHENTICATED, the same message as REST's 401) unless the document only signs in
  or up: the token policy of movie_api/authentication.py.
- Before any resolver runs (so a rejected document costs no database query): body
  ≤ 10 KB (413), JSON object or application/graphql body only (batches → 400, forms and
  text/plain → 415), parser token cap, ≤ 200 selections with fragments expanded and a
  field at most 10 times at one place of the response (counted in linear time before
  the standard rules, some of which are quadratic), depth ≤ 8, ≤ 15 aliases, ≤ 50
  directives, `__schema`/`__type` off unless GRAPHQL_INTROSPECTION (`__typename` is
  always allowed: Apollo and Relay add it everywhere). Mutations only over POST.
- Parsed and validated documents are kept in a small LRU keyed on the document's
  tokens, so a repeated query is neither parsed nor validated again, whatever comments
  or whitespace it carries.
- Every error goes through `movie_api.graphql_utils.format_error` (one place), and a
  failed mutation rolls back everything it wrote.
"""

import functools
import hashlib
import json
import re

import orjson
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.http import HttpResponse, HttpResponseNotAllowed
from django.http.response import HttpResponseBadRequest
from django.views.decorators.csrf import csrf_exempt
from graphene.validation import depth_limit_validator
from graphene_django.views import GraphQLView, HttpError
from graphql import (
    ExecutionResult,
    GraphQLError,
    OperationType,
    execute,
    get_operation_ast,
    parse,
    specified_rules,
    validate,
)
from graphql.language import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    Lexer,
    OperationDefinitionNode,
    Source,
    TokenKind,
)
from graphql.validation import KnownFragmentNamesRule, NoFragmentCyclesRule, ValidationRule
from rest_framework import exceptions as drf_exceptions

from movie_api.errors import Throttled, Unauthenticated
from movie_api.graphql_utils import CREDENTIAL_FREE_FIELDS, NON_ATOMIC_MUTATIONS, format_error

DEFAULT_MAX_BODY_BYTES = 10 * 1024
# A 10 KB document cannot hold many more; this bounds parser work on hostile input.
MAX_LEXICAL_TOKENS = 3000
MAX_DIRECTIVES = 50
# Selections (fields, fragment spreads, inline fragments) with every fragment expanded
# where it is spread. The standard rules cost ~linear time per selection; a cap keeps
# the worst document within the body cap to a few milliseconds of validation.
MAX_SELECTIONS = 200
# How often one response field (same path, same alias or name) may be selected: the
# overlapping-fields rule compares every pair of them, so this bounds its quadratic part.
MAX_FIELD_REPEATS = 10
# Where introspection is on (the embedded default, GraphiQL), a document that asks only
# for `__schema`/`__type` may be larger: graphql-core's standard introspection query,
# which GraphiQL sends when it opens, is 480 selections with its fragments expanded.
MAX_INTROSPECTION_SELECTIONS = 1000
INTROSPECTION_ROOT_FIELDS = frozenset({"__schema", "__type", "__typename"})
DOCUMENT_CACHE_SIZE = 256


class AliasLimitRule(ValidationRule):
    """Rejects documents with more aliased fields than GRAPHQL_MAX_ALIASES (T24)."""

    limit = 15

    def __init__(self, context):
        super().__init__(context)
        self.count = 0

    def enter_field(self, node: FieldNode, *_args):
        if node.alias is not None:
            self.count += 1
            if self.count == self.limit + 1:
                self.report_error(
                    GraphQLError(
                        f"Too many aliases: at most {self.limit} aliased fields per request.",
                        node,
                        extensions={"code": "GRAPHQL_VALIDATION_FAILED"},
                    )
                )


class DirectiveLimitRule(ValidationRule):
    """Rejects documents carrying more than 50 directives (T28 overloading)."""

    def __init__(self, context):
        super().__init__(context)
        self.count = 0

    def enter_directive(self, node, *_args):
        self.count += 1
        if self.count == MAX_DIRECTIVES + 1:
            self.report_error(
                GraphQLError(
                    f"Too many directives: at most {MAX_DIRECTIVES} per request.",
                    node,
                    extensions={"code": "GRAPHQL_VALIDATION_FAILED"},
                )
            )


def _alias_rule(limit: int):
    return type("AliasLimit", (AliasLimitRule,), {"limit": limit})


class IntrospectionRule(ValidationRule):
    """Refuses `__schema` and `__type` (introspection); `__typename` stays allowed."""

    def enter_field(self, node: FieldNode, *_args):
        name = node.name.value
        if name in ("__schema", "__type"):
            self.report_error(
                GraphQLError(
                    f"Cannot query '{name}': introspection is disabled.",
                    node,
                    extensions={"code": "GRAPHQL_VALIDATION_FAILED"},
                )
            )


def _too_large(message, node=None) -> GraphQLError:
    return GraphQLError(message, node, extensions={"code": "GRAPHQL_VALIDATION_FAILED"})


def _asks_only_introspection(document) -> bool:
    """Every operation selects only `__schema`, `__type` or `__typename` at its root."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    return bool(operations) and all(
        isinstance(node, FieldNode) and node.name.value in INTROSPECTION_ROOT_FIELDS
        for operation in operations
        for node in operation.selection_set.selections
    )


def selection_limit_errors(schema, document, max_selections: int = MAX_SELECTIONS) -> tuple:
    """The first selection-count limit `document` breaks, or its fragment errors, or ().

    Walks every operation and fragment definition with spreads expanded in place, and
    stops at the (max_selections + 1)th selection: linear in the document and never
    more than MAX_SELECTIONS steps, however the fragments fan out (a fragment that
    spreads another twice, 24 levels deep, is 2^24 fields). Spreads of unknown
    fragments and cycles are not followed; the standard rules report them.
    """
    fragments = {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }
    repeats: dict[tuple, int] = {}
    count = 0
    broken_spreads = False
    # (selections, path of response keys, fragments being expanded), depth first.
    # A fragment's own definition is walked too (the rules validate it even if unused),
    # under a path of its own so its fields do not add to an operation's repeats.
    stack = [
        (definition.selection_set.selections, (), frozenset())
        for definition in document.definitions
        if isinstance(definition, OperationDefinitionNode)
    ] + [
        (definition.selection_set.selections, (f"...{name}",), frozenset({name}))
        for name, definition in fragments.items()
    ]
    while stack:
        selections, path, expanding = stack.pop()
        for node in selections:
            count += 1
            if count > max_selections:
                return (
                    _too_large(
                        f"Document too large: at most {max_selections} selections per request"
                        " (fields and fragment spreads, counted with fragments expanded).",
                        node,
                    ),
                )
            if isinstance(node, FieldNode):
                key = (*path, (node.alias or node.name).value)
                repeats[key] = repeats.get(key, 0) + 1
                if repeats[key] > MAX_FIELD_REPEATS:
                    message = f"Field '{'.'.join(key)}' is selected more than"
                    return (_too_large(f"{message} {MAX_FIELD_REPEATS} times.", node),)
                if node.selection_set:
                    stack.append((node.selection_set.selections, key, expanding))
            elif isinstance(node, InlineFragmentNode):
                stack.append((node.selection_set.selections, path, expanding))
            elif isinstance(node, FragmentSpreadNode):
                name = node.name.value
                if name in fragments and name not in expanding:
                    stack.append(
                        (fragments[name].selection_set.selections, path, expanding | {name})
                    )
                else:
                    broken_spreads = True
    if broken_spreads:
        # An unknown fragment or a cycle: the standard rules name it (cheap, one pass);
        # the depth rule must not run on such a document (it would recurse forever).
        return tuple(validate(schema, document, [NoFragmentCyclesRule, KnownFragmentNamesRule]))
    return ()


# GraphQL's ignored characters (besides comments): a run of them separates tokens
# exactly as a single space does.
_IGNORED_RUN = re.compile(r"[ \t\n\r,\ufeff]+")
_COMMENT = re.compile(r"#[^\n\r]*")


def document_key(query: str) -> str | None:
    """A digest of the document's tokens: comments and whitespace do not change it.

    None when the text cannot be lexed or has too many tokens (parse reports those).
    Two texts with the same tokens parse to the same document, so they share one
    cache entry; a `#comment` appended per request no longer defeats the cache.
    Without a string literal (no `"`), every `#` starts a comment, so two regular
    expressions give the same key as the lexer in a fraction of its time.
    """
    if '"' not in query:
        normal = _IGNORED_RUN.sub(" ", _COMMENT.sub("", query)).strip()
        return "n" + hashlib.blake2b(normal.encode(), digest_size=16).hexdigest()
    digest = hashlib.blake2b(digest_size=16)
    lexer = Lexer(Source(query))
    try:
        token = lexer.advance()
        for _ in range(MAX_LEXICAL_TOKENS + 1):
            if token.kind == TokenKind.EOF:
                return digest.hexdigest()
            value = token.value or ""
            digest.update(f"{token.kind.value}:{len(value)}:{value}".encode())
            token = lexer.advance()
    except GraphQLError:
        return None
    return None


class _Query:
    """The query text, hashed and compared by its token digest (the cache key)."""

    __slots__ = ("key", "text")

    def __init__(self, text: str, key: str):
        self.text, self.key = text, key

    def __hash__(self):
        return hash(self.key)

    def __eq__(self, other):
        return isinstance(other, _Query) and other.key == self.key


def parse_and_validate(schema, query: str, max_depth: int, max_aliases: int, introspection: bool):
    """(document, errors) for `query`; cached, since neither depends on variables or user."""
    key = document_key(query)
    if key is None:
        return _parse_and_validate(schema, query, max_depth, max_aliases, introspection)
    return _cached_parse_and_validate(
        schema, _Query(query, key), max_depth, max_aliases, introspection
    )


@functools.lru_cache(maxsize=DOCUMENT_CACHE_SIZE)
def _cached_parse_and_validate(schema, query: _Query, *limits):
    return _parse_and_validate(schema, query.text, *limits)


parse_and_validate.cache_clear = _cached_parse_and_validate.cache_clear
parse_and_validate.cache_info = _cached_parse_and_validate.cache_info


def _parse_and_validate(schema, query: str, *limits):
    try:
        document = parse(query, max_lexical_tokens=MAX_LEXICAL_TOKENS)
    except GraphQLError as error:
        return None, (error,)
    return document, validate_document(schema, document, *limits)


def validate_document(
    schema, document, max_depth: int, max_aliases: int, introspection: bool
) -> tuple:
    """The errors of a parsed document: our limits first, then the standard rules."""
    # The linear selection walk first: the standard rules (some quadratic in the number
    # of fields) only run on documents within its caps, and then all rules, ours and the
    # standard ones, share one traversal of the document.
    limit = (
        MAX_INTROSPECTION_SELECTIONS
        if introspection and _asks_only_introspection(document)
        else MAX_SELECTIONS
    )
    errors = selection_limit_errors(schema, document, max_selections=limit)
    if errors:
        return errors
    rules = [
        DirectiveLimitRule,
        _alias_rule(max_aliases),
        depth_limit_validator(max_depth=max_depth),
        *([] if introspection else [IntrospectionRule]),
        *specified_rules,
    ]
    errors = validate(schema, document, rules)
    # Our limits' errors (they carry a code) first, then graphql-core's, each in order.
    return tuple(sorted(errors, key=lambda error: not (error.extensions or {}).get("code")))


def authenticate_bearer(request) -> None:
    """Sets request.user from the Bearer token only; anything else is anonymous.

    A token that is sent but not valid is remembered as `graphql_auth_error` (the
    domain's Unauthenticated error); execute_graphql_request refuses the operation
    with it unless every root field reads no credentials (movie_api/authentication.py).
    """
    from movie_api.authentication import authenticate_bearer as bearer_user

    request.user = AnonymousUser()
    request.graphql_auth_error = None
    try:
        user = bearer_user(request)
    except Unauthenticated as exc:
        request.graphql_auth_error = exc
        return
    except drf_exceptions.AuthenticationFailed as exc:
        detail = exc.detail.get("detail") if isinstance(exc.detail, dict) else exc.detail
        request.graphql_auth_error = Unauthenticated(str(detail), code="token_not_valid")
        return
    if user is not None:
        request.user = user


# graphene-django wraps GraphQLView.dispatch in ensure_csrf_cookie. Only Bearer tokens
# authenticate here (session cookies are ignored), so a CSRF cookie would protect
# nothing and cost a fresh token per response: call the undecorated dispatch.
_graphene_dispatch = GraphQLView.dispatch.__wrapped__


class MovieGraphQLView(GraphQLView):
    """graphene-django's GraphQLView with JWT auth, limits and one error format."""

    def dispatch(self, request, *args, **kwargs):
        # Read per request, so settings overrides (and tests) take effect.
        self.graphiql = settings.GRAPHQL_GRAPHIQL
        authenticate_bearer(request)
        try:
            self._check_request(request)
            self._check_throttles(request)
        except HttpError as error:
            return self._error_response(error.response, error.message, code=error.code)
        return _graphene_dispatch(self, request, *args, **kwargs)

    def _check_request(self, request):
        limit = getattr(settings, "GRAPHQL_MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit or len(request.META.get("QUERY_STRING", "")) > limit:
            raise _http_error(
                HttpResponse(status=413),
                f"Request too large: at most {limit} bytes.",
                "PAYLOAD_TOO_LARGE",
            )
        if request.method not in ("GET", "POST"):
            raise _http_error(
                HttpResponseNotAllowed(["GET", "POST"]),
                "GraphQL accepts GET (queries only) and POST.",
                "METHOD_NOT_ALLOWED",
            )
        if request.method == "POST":
            content_type = self.get_content_type(request)
            if content_type not in ("application/json", "application/graphql"):
                # Forms and text/plain are what a cross-site page can send without a
                # CORS preflight; GraphQL clients send JSON.
                raise _http_error(
                    HttpResponse(status=415),
                    "Send the request as application/json (or application/graphql).",
                    "UNSUPPORTED_MEDIA_TYPE",
                )
            if len(request.body) > limit:
                raise _http_error(
                    HttpResponse(status=413),
                    f"Request too large: at most {limit} bytes.",
                    "PAYLOAD_TOO_LARGE",
                )

    def _check_throttles(self, request):
        """The REST API's global per-user / per-address rates apply here too."""
        from movie_api.throttling import AnonRateThrottle, UserRateThrottle

        # The one that applies to this caller: the other would only add a cache trip
        # (for anonymous callers both key on the address, and "anon" is the tighter).
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        throttle = UserRateThrottle() if signed_in else AnonRateThrottle()
        if not throttle.allow_request(request, self):
            wait = throttle.wait()
            response = HttpResponse(status=429)
            if wait is not None:
                response["Retry-After"] = str(int(wait) + 1)
            raise _http_error(response, Throttled.default_message, "THROTTLED")

    def _error_response(self, response, message, code=None):
        response["Content-Type"] = "application/json"
        error = {"message": message, "extensions": {"code": code or "BAD_REQUEST"}}
        response.content = orjson.dumps({"errors": [error]})
        return response

    def parse_body(self, request):
        try:
            return super().parse_body(request)
        except HttpError as error:
            error.code = "BAD_REQUEST"
            raise

    def execute_graphql_request(
        self, request, data, query, variables, operation_name, show_graphiql=False
    ):
        if not query:
            if show_graphiql:
                return None
            raise HttpError(HttpResponseBadRequest("Must provide query string."))
        if variables is not None and not isinstance(variables, dict):
            raise HttpError(HttpResponseBadRequest("Variables must be a JSON object."))
        if operation_name is not None and not isinstance(operation_name, str):
            raise HttpError(HttpResponseBadRequest("operationName must be a string."))
        if not isinstance(query, str):
            raise HttpError(HttpResponseBadRequest("query must be a string."))

        document, errors = parse_and_validate(
            self.schema.graphql_schema,
            query,
            settings.GRAPHQL_MAX_DEPTH,
            settings.GRAPHQL_MAX_ALIASES,
            settings.GRAPHQL_INTROSPECTION,
        )
        if errors:
            return ExecutionResult(data=None, errors=list(errors))

        operation = get_operation_ast(document, operation_name)
        auth_error = getattr(request, "graphql_auth_error", None)
        if auth_error is not None and not _reads_no_credentials(operation, document):
            # The token policy: a bad token is refused, even on a public read.
            request.graphql_auth_refused = True
            return ExecutionResult(
                data=None, errors=[GraphQLError(auth_error.message, original_error=auth_error)]
            )
        is_mutation = operation is not None and operation.operation != OperationType.QUERY
        if request.method.lower() == "get" and is_mutation:
            if show_graphiql:
                return None
            raise HttpError(
                HttpResponseNotAllowed(
                    ["POST"], f"Can only perform a {operation.operation.value} over POST."
                )
            )

        options = {
            "root_value": self.get_root_value(request),
            "context_value": self.get_context(request),
            "variable_values": variables,
            "operation_name": operation_name,
            "middleware": self.get_middleware(request),
        }
        if not is_mutation or _has_non_atomic_field(operation, document):
            return execute(self.schema.graphql_schema, document, **options)
        # All mutation fields of one request commit together or not at all.
        with transaction.atomic():
            result = execute(self.schema.graphql_schema, document, **options)
            if result.errors:
                transaction.set_rollback(True)
        return result

    def get_response(self, request, data, show_graphiql=False):
        try:
            result, status_code = super().get_response(request, data, show_graphiql)
            if getattr(request, "graphql_auth_refused", False):
                status_code = 401  # the token policy refused the document, as REST does
            return result, status_code
        except HttpError as error:
            if not hasattr(error, "code"):
                status = error.response.status_code
                error.code = "METHOD_NOT_ALLOWED" if status == 405 else "BAD_REQUEST"
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
                "extensions": {"code": getattr(error, "code", "BAD_REQUEST")},
            }
        return format_error(error)


def _root_field_names(selections, fragments, seen=frozenset()):
    """Root field names of an operation, through inline fragments and fragment spreads."""
    for node in selections:
        if isinstance(node, FieldNode):
            yield node.name.value
        elif isinstance(node, InlineFragmentNode):
            yield from _root_field_names(node.selection_set.selections, fragments, seen)
        elif isinstance(node, FragmentSpreadNode) and node.name.value not in seen:
            fragment = fragments.get(node.name.value)
            if fragment is not None:
                yield from _root_field_names(
                    fragment.selection_set.selections, fragments, seen | {node.name.value}
                )


def _root_fields(operation, document) -> set[str]:
    fragments = {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }
    return set(_root_field_names(operation.selection_set.selections, fragments))


def _has_non_atomic_field(operation, document) -> bool:
    # A rollback would erase the OTP/login failure counters those services write
    # before raising (and so allow unlimited guessing); every service is atomic itself.
    return bool(_root_fields(operation, document) & NON_ATOMIC_MUTATIONS)


def _reads_no_credentials(operation, document) -> bool:
    """True for sign-in/sign-up documents, which a stale Bearer header must not block."""
    if operation is None:
        return False
    fields = _root_fields(operation, document) - {"__typename"}
    return bool(fields) and fields <= CREDENTIAL_FREE_FIELDS


def _http_error(response, message, code):
    error = HttpError(response, message)
    error.code = code
    return error


graphql_view = csrf_exempt(MovieGraphQLView.as_view())
