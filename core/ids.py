"""What counts as a database id, for every door and every app.

Ids arrive as JSON numbers (REST bodies), digit strings (GraphQL `ID`, query strings,
path segments) or worse. One rule decides: a whole number from 1 to 2**63 - 1 (the
largest value a PostgreSQL bigint column holds), written as ASCII digits when it is
text. Anything else is "not an id", and each caller says so in its own field's words.
`id_argument` is the words of an `id` argument, for the GraphQL fields that take one.
"""

from core.errors import field_error

MAX_DB_ID = 2**63 - 1


def is_id_text(text: str) -> bool:
    """ASCII digits of id size. str.isdigit() alone also accepts "²", which int() refuses,
    and digit strings past int()'s 4,300-digit limit, which it refuses with a ValueError."""
    return text.isascii() and text.isdigit() and len(text) <= 20


def to_db_id(value) -> int | None:
    """A database id from an int or a digit string; None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and is_id_text(value.strip()):
        number = int(value.strip())
    else:
        return None
    return number if 1 <= number <= MAX_DB_ID else None


def id_argument(value, *, field: str = "id") -> int:
    """The id a client named in an `id` argument; a malformed one ("", "abc", 0, 2^63) is
    the client's input error on `field`, not a missing row (the README's promise)."""
    pk = to_db_id(value)
    if pk is None:
        text = str(value)
        shown = text if len(text) <= 24 else f"{text[:20]}…"
        raise field_error(field, f"'{shown}' is not a valid id.")
    return pk
