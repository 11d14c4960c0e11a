"""The guide's table of every error code, read from the code itself (docs/guide/errors.md,
written by `python -m scripts.docs.generate`).

Every code is a member of one error-code enum (`CommonErrorCode` and `GraphQLErrorCode`
in core/errors.py, and each app's own: `<app>/errors.py` or `<app>/exceptions.py`);
the enums are the list of codes. Where each part of the table comes from:
- the kinds: `core.errors.TRANSLATIONS`, the one table both doors translate by;
- the specific codes (REST body `code`, GraphQL `extensions.reason`): every member
  given as `code=` to a domain error class (a subclass of `DomainError`, found by
  reading the source of the apps), so its kind, status and GraphQL code follow;
- what Django refuses before a view runs: `core/views.py`'s `bad_request`;
- the GraphQL request-level codes: `GraphQLErrorCode` beyond the kinds' codes;
- every other member: a field code (`errors[].code`) or a code of the server's own.

Only the one-line meanings below are written by hand; `tests/test_docs_generated.py`
fails when a member has none, when a code is given as a bare string instead of a
member (`bare_codes`), or when the page differs from this output.
"""

from __future__ import annotations

import ast
import importlib
from enum import StrEnum
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
APPS = ("movie_api", "core", "movies", "users", "lists", "diary", "oauth", "imports")
# The modules an app declares its error codes in.
ENUM_MODULES = ("errors", "exceptions")

MEANINGS = {
    # specific codes of domain errors
    "bad_authorization_header": "The `Authorization` header is not `Bearer <token>`.",
    "token_expired": "The access token has expired: refresh it (or sign in again).",
    "token_not_valid": "A token that is malformed, revoked, signed out or too old.",
    "user_not_found": "The token's user no longer exists.",
    "user_inactive": "The token's user is not active.",
    "password_changed": "The password changed after this token was issued.",
    "no_active_account": (
        "Sign-in refused: unknown name, wrong password or unverified account (one answer for "
        "all three)."
    ),
    "step_up_required": (
        "Too many failed sign-ins on the account: sign in again with the texted `code`. "
    ),
    "duplicate_review": "The caller already reviewed this movie.",
    "rating_has_review": "The caller's rating belongs to their review: delete the review instead.",
    # diary field codes (diary/errors.py)
    "watched_in_future": "A diary entry's `watched_on` is after today (today anywhere on Earth).",
    "review_not_of_movie": "The `review_id` is not the caller's review of the entry's movie.",
    "too_many_tags": "More tags on one diary entry than `MAX_TAGS` (diary/services.py).",
    # the lists users make (lists/errors.py)
    "too_many_lists": "The caller already keeps `MAX_LISTS_PER_USER` lists (lists/models.py).",
    "list_full": "The list already holds `MAX_ITEMS_PER_LIST` movies (lists/models.py).",
    "already_on_list": "The movie is on the list already: move it instead (HTTP 409).",
    "storage_unavailable": (
        "The file store is down; nothing was saved (`errors[].field` names the file field). "
    ),
    # refused before a view runs
    "too_large": "The body is larger than the server accepts.",
    "too_many_files": "More files in one multipart body than the server accepts.",
    "too_many_fields": "More form fields than the server accepts.",
    "bad_host": "The `Host` header names a host this server does not serve.",
    "bad_request": "A malformed request Django refused before the API saw it.",
    # GraphQL request-level codes
    "BAD_REQUEST": (
        "The HTTP request is not a GraphQL request this server runs (body, JSON, content type, "
        "batching, persisted-query fields)."
    ),
    "METHOD_NOT_ALLOWED": "A mutation sent over GET (HTTP 405).",
    "GRAPHQL_PARSE_FAILED": "The document is not valid GraphQL syntax.",
    "GRAPHQL_VALIDATION_FAILED": (
        "The document does not fit the schema, or exceeds a limit (depth, size, aliases, ...). "
    ),
    "PAYLOAD_TOO_LARGE": "The body is over the GraphQL size limit (HTTP 413).",
    "UNSUPPORTED_MEDIA_TYPE": (
        "A POST that is not `application/json` or `application/graphql` (HTTP 415)."
    ),
    "PERSISTED_QUERY_NOT_FOUND": (
        "The hash of an automatic persisted query is unknown: send it again with `query`. "
    ),
    "INTERNAL_SERVER_ERROR": "A bug: the message says nothing more; quote `extensions.requestId`.",
    # the HTTP contract itself, before either door runs (core/contract.py)
    "invalid_idempotency_key": "The `Idempotency-Key` header is empty, too long or not ASCII.",
    "idempotency_key_reused": (
        "The `Idempotency-Key` was used for another request (method, path or body) within 24 h."
    ),
    "unsupported_version": (
        "The `version` of the `Accept` header is not one this server serves (HTTP 406); "
        "the message names those it does."
    ),
    "idempotency_key_in_use": (
        "A request with this `Idempotency-Key` is still running; retry when it has finished."
    ),
    # specific codes of apps
    "insufficient_scope": "The app's access token lacks the scope the operation needs.",
    "not_available_to_apps": "Apps signed in with Movie API may not do this operation at all.",
    # the server's own answers
    "parse_error": "The body is not valid JSON (or not the content type it claims).",
    "server_error": "A bug: the body says nothing more; quote `request_id`.",
    # field codes every app gives
    "required": "The field is missing or empty.",
    "blank": "The text is empty or only white space.",
    "max_length": "The text or list is longer than allowed.",
    "min_value": "The number is below the smallest allowed.",
    "max_value": "The number is above the largest allowed.",
    "unique": "Another object already has this value (a name, an email, an external id).",
    "does_not_exist": "An id names no object (a movie, an actor, a genre).",
    "not_a_list": "The field must be a list.",
    "invalid_image": "The upload is not a JPEG, PNG or WebP image, or it is damaged.",
    "file_too_large": "The image file is larger than the server accepts.",
    "too_many_pixels": "The image has more pixels than the server accepts.",
    "pixels_out_of_proportion": (
        "The image declares far more pixels than its size in bytes can hold: save it again."
    ),
    # field codes of the catalog
    "ambiguous": "Both `actors` and `cast` given: give one.",
    "duplicate": "The same actor appears twice in a cast.",
    "future": "A birth date in the future.",
    "null_characters": "The text contains a null character.",
    "out_of_range": "The TMDB id is outside the range TMDB ids take.",
    # history imports (imports/errors.py)
    "unknown_import_format": (
        "The uploaded file is none of the formats the import reads (the message lists them)."
    ),
    "import_not_text": "The uploaded file is not UTF-8 text.",
    "import_file_too_large": "The import file is over `IMPORT_MAX_BYTES` (HTTP 413).",
    "import_too_many_rows": "The import file has more rows than `IMPORT_MAX_ROWS` (HTTP 413).",
    # field codes of accounts
    "confusable": "The username mixes scripts that look alike.",
    "email_like": "A username may not contain `@`.",
    "password_mismatch": "The two passwords differ.",
    "invalid_code": "The texted code is wrong or expired.",
    "country_not_allowed": "No verification SMS is sent to numbers in this country.",
    "unsupported_number": "The number cannot receive an SMS (not a mobile number).",
    "sms_rejected": "The SMS provider refused the number.",
    "unchanged": "The phone number is already the account's.",
    "unavailable": "Another account took the phone number meanwhile.",
}


def _py_files():
    for app in APPS:
        for path in sorted((REPO / app).rglob("*.py")):
            parts = set(path.relative_to(REPO).parts)
            if not parts & {"tests", "migrations"}:
                yield path


def _string_constants(tree: ast.Module) -> dict[str, str]:
    found = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and (value := _value(node.value, {})) is not None:
            for target in node.targets:
                if isinstance(target, ast.Name):
                    found[target.id] = value
    return found


def code_enums() -> list[type[StrEnum]]:
    """Every error-code enum: `*ErrorCode` StrEnums of each app's errors/exceptions module."""
    found = []
    for app in APPS:
        for name in ENUM_MODULES:
            if not (REPO / app / f"{name}.py").exists():
                continue
            module = importlib.import_module(f"{app}.{name}")
            found += [
                value
                for key, value in vars(module).items()
                if key.endswith("ErrorCode")
                and isinstance(value, type)
                and issubclass(value, StrEnum)
                and value.__module__ == module.__name__
            ]
    return found


def _members() -> dict[str, StrEnum]:
    """Every enum member by `Enum.NAME`, as the source spells it."""
    return {f"{enum.__name__}.{m.name}": m for enum in code_enums() for m in enum}


def _value(node, constants) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        return constants.get(node.id)
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        member = _members().get(f"{node.value.id}.{node.attr}")
        return None if member is None else member.value
    return None


def _callee(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def domain_codes() -> list[tuple[str, str, str]]:
    """(code, error class, kind) of every specific code given to a domain error."""
    from core.errors import DomainError

    trees = {path: ast.parse(path.read_text()) for path in _py_files()}
    # The class hierarchy by name, read from the source: kind of each DomainError class.
    kinds = {cls.__name__: cls.kind for cls in _subclasses(DomainError)}
    changed = True
    while changed:
        changed = False
        for tree in trees.values():
            for node in ast.walk(tree):
                if isinstance(node, ast.ClassDef) and node.name not in kinds:
                    for base in node.bases:
                        name = (
                            base.id if isinstance(base, ast.Name) else getattr(base, "attr", None)
                        )
                        if name in kinds:
                            kinds[node.name] = kinds[name]
                            changed = True
    found = {}
    for tree in trees.values():
        constants = _string_constants(tree)
        for cls in [n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)] + [tree]:
            owner = getattr(cls, "name", None)
            for node in ast.walk(cls):
                if not isinstance(node, ast.Call):
                    continue
                callee = _callee(node)
                if callee == "__init__" and owner in kinds:
                    callee = owner  # super().__init__(code=...) inside the class
                if callee not in kinds:
                    continue
                for keyword in node.keywords:
                    code = _value(keyword.value, constants) if keyword.arg == "code" else None
                    if code:
                        found.setdefault(code, (code, callee, kinds[callee]))
    return sorted(found.values(), key=lambda row: (row[2], row[0]))


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)
    yield cls


def early_refusals() -> list[tuple[int, str]]:
    """(status, code) of every answer of core/views.py's bad_request."""
    tree = ast.parse((REPO / "core" / "views.py").read_text())
    function = next(
        n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "bad_request"
    )
    rows = []
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Tuple):
            target = node.targets[0]
            names = [e.id for e in target.elts] if isinstance(target, ast.Tuple) else []
            if names[:2] == ["status", "code"]:
                status, code = node.value.elts[:2]
                rows.append((status.value, _value(code, {})))
    return rows


def graphql_codes() -> list[str]:
    """The `extensions.code` values of the GraphQL door itself (besides the kinds')."""
    from core.errors import TRANSLATIONS, GraphQLErrorCode

    return sorted(set(GraphQLErrorCode) - {row.graphql_code for row in TRANSLATIONS.values()})


def kind_codes() -> set[str]:
    """The REST and GraphQL code of every kind: the kinds table describes them."""
    from core.errors import TRANSLATIONS

    return {code for row in TRANSLATIONS.values() for code in (row.rest_code, row.graphql_code)}


def other_codes() -> list[tuple[str, str]]:
    """(code, enum) of every member the other parts of the table do not show."""
    shown = (
        kind_codes()
        | {row[0] for row in domain_codes()}
        | {c for _, c in early_refusals()}
        | set(graphql_codes())
        | {refusal.code for refusal in contract_refusals()}
    )
    rows = {
        (member.value, enum.__name__)
        for enum in code_enums()
        for member in enum
        if member.value not in shown
    }
    return sorted(rows, key=lambda row: (row[1], row[0]))


# Where a code is given, as (call, position of the code argument).
_CODE_ARGUMENTS = {"field_error": 2, "Invalid": 2, "error_body": 1, "_http_error": 2}


def _given_codes(tree: ast.Module):
    """Every expression the source gives as an error code."""
    for node in tree.body:
        # a module's constant, e.g. `STEP_UP_CODE = ...`
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id.endswith("_CODE") for t in node.targets
        ):
            yield node.value
    for node in ast.walk(tree):
        values = []
        if isinstance(node, ast.Call):
            values += [k.value for k in node.keywords if k.arg == "code"]
            position = _CODE_ARGUMENTS.get(_callee(node))
            if position is not None and len(node.args) > position:
                values.append(node.args[position])
        elif isinstance(node, ast.Dict):
            pairs = zip(node.keys, node.values, strict=True)
            values += [v for k, v in pairs if _value(k, {}) == "code"]
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple):
                    pairs = zip(target.elts, node.value.elts, strict=False)
                    values += [v for t, v in pairs if _names_code(t)]
                elif _names_code(target):
                    values.append(node.value)
        elif isinstance(node, ast.Compare):
            # `error.code == "..."`
            sides = [node.left, *node.comparators]
            if any(_names_code(side) for side in sides):
                values += [side for side in sides if not _names_code(side)]
        elif isinstance(node, ast.arguments):
            # a default: `code: str = "..."`
            named = node.args[len(node.args) - len(node.defaults) :] + node.kwonlyargs
            defaults = node.defaults + node.kw_defaults
            values += [d for a, d in zip(named, defaults, strict=True) if a.arg == "code" and d]
        for value in values:
            if isinstance(value, ast.BoolOp):
                yield from value.values
            elif isinstance(value, ast.IfExp):
                yield from (value.body, value.orelse)
            else:
                yield value


def _names_code(target) -> bool:
    """`code = ...`, `error.code = ...` or `getattr(error, "code")`."""
    if isinstance(target, ast.Name):
        return target.id == "code"
    if isinstance(target, ast.Call) and _callee(target) == "getattr" and len(target.args) > 1:
        return _value(target.args[1], {}) == "code"
    return isinstance(target, ast.Attribute) and target.attr == "code"


def contract_refusals():
    """The refusals of the HTTP contract itself (core/contract.py REFUSALS)."""
    from core.contract import REFUSALS

    return REFUSALS


def bare_codes() -> list[str]:
    """`path:line: code` of every code the source gives as a string, not an enum member."""
    found = []
    for path in _py_files():
        tree = ast.parse(path.read_text())
        for node in _given_codes(tree):
            # A code is a word: "123456" is an example OTP `code` in a request body.
            value = node.value if isinstance(node, ast.Constant) else None
            if isinstance(value, str) and value.isidentifier():
                found.append(f"{path.relative_to(REPO)}:{node.lineno}: {node.value}")
    return sorted(found)


def all_codes() -> set[str]:
    """Every code the API answers: the members of the error-code enums."""
    return {member.value for enum in code_enums() for member in enum}


def missing_meanings() -> list[str]:
    """Codes with no meaning written (a kind's codes are described by its row)."""
    return sorted(all_codes() - kind_codes() - set(MEANINGS))


def unused_meanings() -> list[str]:
    return sorted(set(MEANINGS) - all_codes())


def table() -> str:
    from core.errors import TRANSLATIONS, DomainError

    default_messages = {cls.kind: cls.default_message for cls in DomainError.__subclasses__()}
    lines = [
        "**Kinds.** Every refusal of a domain rule is one of these; REST answers the status",
        "and the body `code`, GraphQL the `extensions.code`.",
        "",
        "| Kind | HTTP status | REST `code` | GraphQL `extensions.code` | Default message |",
        "|---|---|---|---|---|",
    ]
    for kind, row in TRANSLATIONS.items():
        message = default_messages.get(
            kind, "Some fields are invalid." if kind == "invalid" else ""
        )
        lines.append(
            f"| `{kind}` | {int(row.status)} {row.status.phrase} | `{row.rest_code}` "
            f"| `{row.graphql_code}` | {message} |"
        )
    lines += [
        "",
        "**Specific codes.** A rule may name its refusal more precisely: the code replaces",
        "REST's body `code` and is GraphQL's `extensions.reason`, next to the kind's code.",
        "",
        "| Code | Kind | HTTP status | GraphQL | Meaning |",
        "|---|---|---|---|---|",
    ]
    for code, _cls, kind in domain_codes():
        row = TRANSLATIONS[kind]
        lines.append(
            f"| `{code}` | `{kind}` | {int(row.status)} | `{row.graphql_code}` + `reason` "
            f"| {MEANINGS.get(code, '')} |"
        )
    lines += [
        "",
        "**Refused before the API runs** (REST and GraphQL URLs alike, REST's body shape):",
        "",
        "| Code | HTTP status | Meaning |",
        "|---|---|---|",
    ]
    for status, code in early_refusals():
        lines.append(f"| `{code}` | {status} | {MEANINGS.get(code, '')} |")
    lines += [
        "",
        "**GraphQL only** (`extensions.code` of a request the door refuses as a whole):",
        "",
        "| `extensions.code` | Meaning |",
        "|---|---|",
    ]
    for code in graphql_codes():
        lines.append(f"| `{code}` | {MEANINGS.get(code, '')} |")
    lines += [
        "",
        "**The HTTP contract** (an `Idempotency-Key` or API version refused before either",
        "door runs; REST's body shape, or a GraphQL `errors` list with the code in upper case):",
        "",
        "| Code | HTTP status | GraphQL | Meaning |",
        "|---|---|---|---|",
    ]
    for refusal in contract_refusals():
        lines.append(
            f"| `{refusal.code}` | {refusal.status} | `{refusal.graphql_code}` "
            f"| {MEANINGS.get(refusal.code, '')} |"
        )
    lines += [
        "",
        "**Every other code**: field codes (REST `errors[].code`, GraphQL",
        "`extensions.errors[].code`) and the server's own answers, by the enum declaring them:",
        "",
        "| Code | Declared by | Meaning |",
        "|---|---|---|",
    ]
    for code, enum in other_codes():
        lines.append(f"| `{code}` | `{enum}` | {MEANINGS.get(code, '')} |")
    return "\n".join(lines)
