"""How the view runs a document, as each mutation declares it on its own class.

By default a mutation document runs in one transaction (all its mutation fields
commit together or not at all) and reads the caller's credentials (a bad Bearer token
refuses it). A mutation class changes that with a decorator, where it is defined:

    @service_transactions   # its service commits failure counters before raising
    @reads_no_credentials   # sign-in and sign-up: a stale token must not block them
    @rate_limited("login")  # counted with the request's other limits, in one call
    class TokenAuth(graphene.Mutation): ...
"""

from graphql import OperationType, get_named_type
from graphql.language import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
)


def service_transactions(mutation_class):
    """The view must not wrap a document with this field in its all-or-nothing
    transaction: the service writes counters (OTP and login failures, sends) that must
    survive the error it raises, or guessing would be unlimited. Every service is
    atomic itself."""
    mutation_class.graphql_all_or_nothing = False
    return mutation_class


def reads_no_credentials(mutation_class):
    """Sign-in and sign-up fields, as the REST views with no authentication classes: a
    stale Bearer header does not block a document made only of such fields."""
    mutation_class.graphql_reads_credentials = False
    return mutation_class


def rate_limited(scope: str):
    """The field counts once against the per-address `scope` each time it runs; the
    view counts it with the request's general limit in one store call, and the
    resolver's `check_throttle(info, scope)` reads the outcome (movie_api/graphql/rates.py).
    """

    def declare(mutation_class):
        mutation_class.graphql_rate_scope = scope
        return mutation_class

    return declare


def graphene_type_of(root, name: str):
    """The graphene class behind the root field `name` of `root`, or None."""
    field = root.fields.get(name) if root is not None else None
    return getattr(get_named_type(field.type), "graphene_type", None) if field else None


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


def root_fields(operation, document) -> set[str]:
    fragments = {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }
    return set(_root_field_names(operation.selection_set.selections, fragments))


def _declared(schema, operation, document, attribute: str) -> list[bool]:
    """`attribute` of the graphene class behind each root field (True when undeclared)."""
    root = schema.get_root_type(operation.operation)
    values = []
    for name in root_fields(operation, document) - {"__typename"}:
        field = root.fields.get(name) if root is not None else None
        graphene_type = (
            getattr(get_named_type(field.type), "graphene_type", None) if field else None
        )
        values.append(getattr(graphene_type, attribute, True))
    return values


def credentialed_root_fields(schema, operation, document) -> set[str]:
    """The root fields of the operation that read the caller's credentials (all but
    sign-in and sign-up fields, and __typename)."""
    root = schema.get_root_type(operation.operation)
    return {
        name
        for name in root_fields(operation, document) - {"__typename"}
        if getattr(graphene_type_of(root, name), "graphql_reads_credentials", True)
    }


def runs_in_one_transaction(schema, operation, document) -> bool:
    """A mutation document without service-transaction fields: all or nothing."""
    if operation is None or operation.operation != OperationType.MUTATION:
        return False
    return all(_declared(schema, operation, document, "graphql_all_or_nothing"))


def reads_credentials(schema, operation, document) -> bool:
    """False only for a document made of fields that read no credentials."""
    if operation is None:
        return True
    declared = _declared(schema, operation, document, "graphql_reads_credentials")
    return not declared or any(declared)
