"""The guide's table of every error code, read from the code itself (docs/guide/errors.md,
written by `python -m scripts.docs.generate`).

Where each part comes from:
- the kinds: `movie_api.errors.TRANSLATIONS`, the one table both doors translate by;
- the specific codes (REST body `code`, GraphQL `extensions.reason`): every
  `code="..."` given to a domain error class (a subclass of `DomainError`, found by
  reading the source of the apps), so its kind, status and GraphQL code follow;
- what Django refuses before a view runs: `movie_api/views.py`'s `bad_request`;
- the GraphQL request-level codes: the `"code"` values in `movie_api/graphql/`.

Only the one-line meanings below are written by hand; `tests/test_docs_generated.py`
fails when a code in the source has none, or when the page differs from this output.
"""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
APPS = ("movie_api", "movies", "users", "lists")

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
    # the HTTP contract itself, before either door runs (movie_api/contract.py)
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
        if (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    found[target.id] = node.value.value
    return found


def _value(node, constants) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        return constants.get(node.id)
    return None


def _callee(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def domain_codes() -> list[tuple[str, str, str]]:
    """(code, error class, kind) of every specific code given to a domain error."""
    from movie_api.errors import DomainError

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
    """(status, code) of every answer of movie_api/views.py's bad_request."""
    tree = ast.parse((REPO / "movie_api" / "views.py").read_text())
    function = next(
        n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "bad_request"
    )
    rows = []
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Tuple):
            target = node.targets[0]
            names = [e.id for e in target.elts] if isinstance(target, ast.Tuple) else []
            if names[:2] == ["status", "code"]:
                status, code = (e.value for e in node.value.elts[:2])
                rows.append((status, code))
    return rows


def graphql_codes() -> list[str]:
    """Every upper-case `code` the GraphQL door writes itself (besides TRANSLATIONS')."""
    codes = set()
    for path in sorted((REPO / "movie_api" / "graphql").glob("*.py")):
        tree = ast.parse(path.read_text())
        constants = _string_constants(tree)
        for node in ast.walk(tree):
            values = []
            if isinstance(node, ast.Dict):
                pairs = zip(node.keys, node.values, strict=True)
                values = [v for k, v in pairs if _value(k, {}) == "code"]
            elif (isinstance(node, ast.keyword) and node.arg == "code") or (
                isinstance(node, ast.Assign) and any(_names_code(t) for t in node.targets)
            ):
                values = [node.value]
            for value in values:
                candidates = value.values if isinstance(value, ast.BoolOp) else [value]
                if isinstance(value, ast.IfExp):
                    candidates = [value.body, value.orelse]
                for candidate in candidates:
                    code = _value(candidate, constants)
                    if code and code.isupper():
                        codes.add(code)
    from movie_api.errors import TRANSLATIONS

    return sorted(codes - {row.graphql_code for row in TRANSLATIONS.values()})


def _names_code(target) -> bool:
    """`code = ...` or `error.code = ...`."""
    if isinstance(target, ast.Name):
        return target.id == "code"
    return isinstance(target, ast.Attribute) and target.attr == "code"


def contract_refusals():
    """The refusals of the HTTP contract itself (movie_api/contract.py REFUSALS)."""
    from movie_api.contract import REFUSALS

    return REFUSALS


def all_codes() -> set[str]:
    return (
        {row[0] for row in domain_codes()}
        | {c for _, c in early_refusals()}
        | set(graphql_codes())
        | {refusal.code for refusal in contract_refusals()}
    )


def missing_meanings() -> list[str]:
    return sorted(all_codes() - set(MEANINGS))


def unused_meanings() -> list[str]:
    return sorted(set(MEANINGS) - all_codes())


def table() -> str:
    from movie_api.errors import TRANSLATIONS, DomainError

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
    return "\n".join(lines)
