"""How the view runs a document, as each mutation's operation says.

By default a mutation document runs in one transaction (all its mutation fields
commit together or not at all) and reads the caller's credentials (a bad Bearer token
refuses it). A mutation that names an operation (`OperationMutation`,
core/graphql/mutations.py) may change that: its services commit failure counters
before raising (Transaction.SERVICE_COMMITS), or it signs in or up and reads no
credentials (Credentials.NONE); core/operations.py describes both.
"""

from graphql import OperationType, get_named_type
from graphql.language import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
)

from core.operations import Operation


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


def operation_of(root, name: str) -> Operation | None:
    """The operation (core/operations.py) the root field `name` does, or None."""
    described = getattr(graphene_type_of(root, name), "operation", None)
    # Only an Operation: a type may have a GraphQL field that happens to be so named.
    return described if isinstance(described, Operation) else None


def _operations(schema, operation, document) -> list[Operation | None]:
    """The operation of each root field but __typename (None when it names none)."""
    root = schema.get_root_type(operation.operation)
    return [operation_of(root, name) for name in root_fields(operation, document) - {"__typename"}]


def credentialed_root_fields(schema, operation, document) -> set[str]:
    """The root fields of the operation that read the caller's credentials (all but
    sign-in and sign-up fields, and __typename)."""
    root = schema.get_root_type(operation.operation)
    return {
        name
        for name in root_fields(operation, document) - {"__typename"}
        if _reads_credentials(operation_of(root, name))
    }


def runs_in_one_transaction(schema, operation, document) -> bool:
    """A mutation document without service-transaction fields: all or nothing."""
    if operation is None or operation.operation != OperationType.MUTATION:
        return False
    return all(
        described is None or described.all_or_nothing
        for described in _operations(schema, operation, document)
    )


def reads_credentials(schema, operation, document) -> bool:
    """False only for a document made of fields that read no credentials."""
    if operation is None:
        return True
    declared = [_reads_credentials(d) for d in _operations(schema, operation, document)]
    return not declared or any(declared)


def _reads_credentials(described: Operation | None) -> bool:
    return described is None or described.reads_credentials
