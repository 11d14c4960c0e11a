"""Rate limits over GraphQL, with the same scopes, rates and counters as REST.

The whole request is subject to the caller's general limit ("user" when signed in,
else "anon"); each account mutation field also counts against the per-address scope
of its operation (core/operations.py: login, otp_verify, ...), the same as its
REST twin's, once per field, so every alias of a repeated mutation counts. The view
counts those fields together with the general limit, in ONE store call; the field's
`check_throttle` then reads its outcome. The figures and messages are
those of core/security/ratelimit.py.
"""

from collections import defaultdict, deque

from graphql import GraphQLError, OperationType
from graphql.execution.collect_fields import collect_fields
from graphql.language import FragmentDefinitionNode

from core.errors import Throttled as ThrottledError
from core.errors import Unavailable
from core.graphql.errors import Throttled
from core.graphql.policy import operation_of
from core.operations import Operation
from core.security import ratelimit
from core.security.ratelimit import Decision


def request_limits(request) -> list[ratelimit.Limit]:
    """The general limit that applies to this caller. For anonymous callers "anon" and
    "user" both key on the address and "anon" is the tighter, so only it is counted."""
    return [ratelimit.anon_limit(request) or ratelimit.user_limit(request)]


def retry_after(wait: float | None) -> int | None:
    """Retry-After / retryAfter in whole seconds, never 0."""
    return int(wait) + 1 if wait is not None else None


def field_limits(request, schema, operation, document, variables) -> list[ratelimit.Limit]:
    """One per-address limit for each mutation field that will run, in order.

    Signed-in operations are left out: they count only callers past the sign-in check,
    in their resolver (as DRF checks permissions before throttles).

    The fields are collected as execution collects them (fragments expanded, @skip and
    @include applied, same response keys merged). Variables the directives cannot read
    leave the fields to count themselves when they run.
    """
    if operation is None or operation.operation != OperationType.MUTATION:
        return []
    fragments = {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }
    root = schema.mutation_type
    try:
        fields = collect_fields(schema, fragments, variables or {}, root, operation.selection_set)
    except (GraphQLError, TypeError, ValueError):
        return []
    described = [operation_of(root, nodes[0].name.value) for nodes in fields.values()]
    return [
        ratelimit.address_limit(request, each.scope)
        for each in described
        if each is not None and each.scope and not each.signed_in
    ]


def check_request(request, fields: list[ratelimit.Limit]) -> Decision:
    """The general limit and the fields' limits in one call; the fields' outcomes are
    kept on the request for their resolvers. Returns the general limit's decision."""
    general = request_limits(request)
    if set(general) <= ratelimit.checked_limits(request):
        # An earlier layer (the response cache) counted the general limit already.
        decision = ratelimit.check_rate(request, [], then=fields)
        field_states = decision.states
    else:
        decision = ratelimit.check_rate(request, general, then=fields)
        field_states = decision.states[len(general) :]
    pending = defaultdict(deque)
    for index, limit in enumerate(fields):
        if index < len(field_states):
            pending[limit.scope].append(Decision(states=[field_states[index]]))
        elif decision.unavailable:
            pending[limit.scope].append(Decision(unavailable=True))
    request.graphql_rate_decisions = pending
    return ratelimit.check_rate_once(request, general)


def check_throttle(info, operation: Operation) -> None:
    """Count one use of the operation's per-address scope; THROTTLED (or 503) when
    over it. The view may have counted it already, with the request's general limit."""
    pending = getattr(info.context, "graphql_rate_decisions", None) or {}
    counted = pending.get(operation.scope)
    if counted:
        decision = counted.popleft()
    else:
        limit = ratelimit.address_limit(info.context, operation.scope)
        decision = ratelimit.check_rate(info.context, [limit])
    if decision.unavailable:
        raise Unavailable(ratelimit.STORE_UNAVAILABLE_MESSAGE)
    if decision.refused:
        raise Throttled(ThrottledError.default_message, retryAfter=retry_after(decision.wait))
