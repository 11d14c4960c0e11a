"""What a client selected under a field, so resolvers fetch only what is asked."""

from graphql.language import FieldNode, FragmentSpreadNode, InlineFragmentNode
from graphql.utilities import value_from_ast_untyped


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
