"""Caps on variables, directives and input values, counted on the text before parsing.

Selections are bounded after parsing (limits.py); what hangs off them is bounded
here, before: graphql-core's parser costs ~10 us a token and its standard rules ~50 us
a node, so within the 10 KB body a 2,800-item list literal, 900 copies of one
argument or 700 unused variables each cost 0.2-0.4 s of CPU, and even a refusal
after parsing cost 30-40 ms. One pass over the tokens (found by a regular
expression) counts, exactly as the parsed document would have them:

- variables: definitions `$name: Type` (uses are not counted);
- directives: every `@`;
- input values: every argument's value, every item of a list literal, every field of
  an input-object literal, every variable's default value.

Text the parser would reject may be counted loosely; it is refused either way.
"""

import re

from graphql import GraphQLError

from core.errors import GraphQLErrorCode

MAX_DIRECTIVES = 50
# Variables declared in a document, and entries in the request's `variables` object.
MAX_VARIABLES = 50
# A request's own arguments need a few dozen input values, the longest legitimate list
# literal (a movie's genreIds, actorIds) a few dozen more.
MAX_INPUT_VALUES = 300

VARIABLES_MESSAGE = f"Too many variables: at most {MAX_VARIABLES} per request."
DIRECTIVES_MESSAGE = f"Too many directives: at most {MAX_DIRECTIVES} per request."
VALUES_MESSAGE = (
    f"Too many input values: at most {MAX_INPUT_VALUES} per request"
    " (argument values, list items and input-object fields)."
)

# Strings (block strings first) and comments, leftmost first, so a `#` inside a string
# or a `"` inside a comment is read as the lexer reads it.
_STRING_OR_COMMENT = re.compile(r'"""(?:\\"""|(?!""")[\s\S])*"""|"(?:[^"\\\n\r]|\\.)*"|#[^\n\r]*')
_TOKEN = re.compile(r"\.\.\.|[_A-Za-z][_0-9A-Za-z]*|-?\d[\d.eE+\-]*|[!$&()\[\]{}:=@|]")
_OPENING = frozenset("([{")


def input_limit_errors(query: str) -> tuple:
    """The first cap `query` passes (one GraphQL error), or ()."""
    if '"' in query or "#" in query:
        # A string is one value: a number stands in for it; a comment is nothing.
        query = _STRING_OR_COMMENT.sub(lambda m: " " if m.group().startswith("#") else " 0 ", query)
    message = _first_cap_passed(_TOKEN.findall(query))
    if message is None:
        return ()
    return (GraphQLError(message, extensions={"code": GraphQLErrorCode.GRAPHQL_VALIDATION_FAILED}),)


def _first_cap_passed(tokens: list[str]) -> str | None:
    """One pass over the tokens with a stack of the open brackets; stops at a cap."""
    variables = directives = values = 0
    # Each open bracket: "args" (parentheses), "list" (a list value), "object" (an
    # input-object value), "type" (a list type), "selections" (a selection set).
    stack: list[str] = []
    in_type = after_dollar = False
    for index, token in enumerate(tokens):
        inside = stack[-1] if stack else None
        defines = index >= 2 and tokens[index - 2] == "$"  # the colon of `$name: Type`
        if token == "@":
            directives += 1
            if directives > MAX_DIRECTIVES:
                return DIRECTIVES_MESSAGE
        elif token == ":" and defines and inside == "args":
            variables += 1
            if variables > MAX_VARIABLES:
                return VARIABLES_MESSAGE
        if token in ("=", "$", ")", "@"):
            in_type = False  # a variable's type ends at its default, or the next variable
        if inside == "list" and not after_dollar and _starts_value(token):
            values += 1  # an item of a list literal
        elif inside in ("args", "object") and token == ":" and not defines:
            values += 1  # an argument's or an input-object field's value
        elif inside == "args" and token == "=":
            values += 1  # a variable's default value
        if values > MAX_INPUT_VALUES:
            return VALUES_MESSAGE
        after_dollar = token == "$"
        if token == ":" and defines and inside == "args":
            in_type = True
        if token in _OPENING:
            stack.append(_bracket(token, inside, in_type))
        elif token in (")", "]", "}") and stack:
            stack.pop()
    return None


def _bracket(token: str, inside: str | None, in_type: bool) -> str:
    if token == "(":
        return "args"
    if token == "[":
        return "type" if in_type else "list"
    # A brace inside arguments or a value is an input object; elsewhere, selections.
    return "object" if inside in ("args", "list", "object") else "selections"


def _starts_value(token: str) -> bool:
    return token not in ("]", ")", "}", ":", "=", "!", "&", "|", "...", "@")
