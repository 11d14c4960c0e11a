"""Limits a GraphQL document must keep before any resolver runs (docs/security.md).

A rejected document costs no database query: at most 200 selections with fragments
expanded and a field at most 10 times at one place of the response (counted in linear
time before the standard rules, some of which are quadratic), at most 50 variables, 50
directives and 300 input values (counted on the text before parsing, input_limits.py),
depth at most 8,
at most 15 aliases, a cap on parser tokens, and `__schema`/`__type` off unless
GRAPHQL_INTROSPECTION (`__typename` is always allowed: Apollo and Relay add it
everywhere; with introspection off, errors suggest no names either). Parsed and
validated documents are kept in a small LRU keyed on the document's tokens, so a
repeated query is neither parsed nor validated again, whatever comments or whitespace
it carries.
"""

import functools
import hashlib
import re

from graphene.validation import depth_limit_validator
from graphql import GraphQLError, parse, specified_rules, validate
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

from core.errors import GraphQLErrorCode
from core.graphql.input_limits import input_limit_errors

DEFAULT_MAX_BODY_BYTES = 10 * 1024
# A 10 KB document cannot hold many more; this bounds parser work on hostile input.
MAX_LEXICAL_TOKENS = 3000
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
    """Rejects documents with more aliased fields than GRAPHQL_MAX_ALIASES."""

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
                        extensions={"code": GraphQLErrorCode.GRAPHQL_VALIDATION_FAILED},
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
                    extensions={"code": GraphQLErrorCode.GRAPHQL_VALIDATION_FAILED},
                )
            )


def _too_large(message, node=None) -> GraphQLError:
    return GraphQLError(
        message, node, extensions={"code": GraphQLErrorCode.GRAPHQL_VALIDATION_FAILED}
    )


def _asks_only_introspection(document) -> bool:
    """Every operation selects only `__schema`, `__type` or `__typename` at its root."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    return bool(operations) and all(
        isinstance(node, FieldNode) and node.name.value in INTROSPECTION_ROOT_FIELDS
        for operation in operations
        for node in operation.selection_set.selections
    )


def _walk_start(document, fragments) -> list:
    """(selections, path of response keys, fragments being expanded) to walk, depth
    first. A fragment's own definition is walked too (the rules validate it even if
    unused), under a path of its own so its fields do not add to an operation's repeats."""
    return [
        (definition.selection_set.selections, (), frozenset())
        for definition in document.definitions
        if isinstance(definition, OperationDefinitionNode)
    ] + [
        (definition.selection_set.selections, (f"...{name}",), frozenset({name}))
        for name, definition in fragments.items()
    ]


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
    stack = _walk_start(document, fragments)
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
    # Variables, directives and input values are counted on the text: a document over
    # those caps is refused without paying for the parser (input_limits.py).
    errors = input_limit_errors(query)
    if errors:
        return None, errors
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
        _alias_rule(max_aliases),
        depth_limit_validator(max_depth=max_depth),
        *([] if introspection else [IntrospectionRule]),
        *specified_rules,
    ]
    # With introspection off the schema is not public: no "Did you mean 'allMovies'?"
    # naming fields, arguments, types or enum values the caller did not spell right.
    errors = validate(schema, document, rules, hide_suggestions=not introspection)
    # Our limits' errors (they carry a code) first, then graphql-core's, each in order.
    return tuple(sorted(errors, key=lambda error: not (error.extensions or {}).get("code")))
