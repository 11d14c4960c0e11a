"""Every environment variable the two projects read, found in their source.

    python -m scripts.docs.variables     # print NAME  TYPE  DEFAULT  FILE, one a line

The source of truth is the code: each `env("X", ...)`, `env.int("X", ...)` (any
django-environ reader), `os.environ.get("X", ...)` / `os.environ["X"]` and
`_int("X", ...)` (gunicorn.conf.py's reader) with a literal name. The wording of each
variable lives once, in the comment above it in the project's `.env.example`; the
reference page (docs/operate/variables.md) is generated from both by
`python -m scripts.docs.generate`, and tests/test_docs_generated.py fails when a
variable is missing from `.env.example` or the page.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

# (group title, sources, the .env.example files that must list the group's variables)
GROUPS = (
    (
        "Movie API",
        ("movie_api/settings/*.py",),
        (".env.example",),
    ),
    (
        "customer_support",
        ("customer_support/support_site/settings/*.py",),
        ("customer_support/.env.example",),
    ),
    (
        "Both: gunicorn and the operations kit",
        ("gunicorn.conf.py", "libs/opskit/opskit/*.py"),
        (".env.example", "customer_support/.env.example"),
    ),
)
# Set by the platform or the test runner, not by an operator: not listed.
NOT_OPERATOR_VARIABLES = {"PYTEST_XDIST_WORKER"}
ASSIGNMENT = re.compile(r"^#?\s*([A-Z][A-Z0-9_]*)=")


@dataclass(frozen=True)
class Variable:
    name: str
    kind: str
    default: str
    source: str


def _reader_kind(call: ast.Call) -> str | None:
    """The value type a call reads, when it reads an environment variable."""
    func = call.func
    if isinstance(func, ast.Name) and func.id == "env":
        return "str"
    if isinstance(func, ast.Name) and func.id == "_int":
        return "int"
    if isinstance(func, ast.Attribute):
        owner = func.value
        if isinstance(owner, ast.Name) and owner.id == "env" and func.attr not in {"read_env"}:
            return {"db": "database URL", "db_url_config": None}.get(func.attr, func.attr)
        if (
            func.attr == "get"
            and isinstance(owner, ast.Attribute)
            and owner.attr == "environ"
            and isinstance(owner.value, ast.Name)
            and owner.value.id == "os"
        ):
            return "str"
    return None


def _default(call: ast.Call) -> str:
    for keyword in call.keywords:
        if keyword.arg == "default":
            return ast.unparse(keyword.value)
    if len(call.args) > 1:
        return ast.unparse(call.args[1])
    return ""


def _files(patterns) -> list[Path]:
    return sorted({path for pattern in patterns for path in REPO.glob(pattern)})


def read_variables(patterns) -> dict[str, Variable]:
    found: dict[str, Variable] = {}
    for path in _files(patterns):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            name = kind = None
            default = ""
            if isinstance(node, ast.Call) and node.args:
                kind = _reader_kind(node)
                first = node.args[0]
                if kind and isinstance(first, ast.Constant) and isinstance(first.value, str):
                    name, default = first.value, _default(node)
            elif isinstance(node, ast.Subscript):
                value = node.value
                if (
                    isinstance(value, ast.Attribute)
                    and value.attr == "environ"
                    and isinstance(node.slice, ast.Constant)
                ):
                    name, kind = node.slice.value, "str"
            if name and name not in NOT_OPERATOR_VARIABLES:
                source = path.relative_to(REPO).as_posix()
                previous = found.get(name)
                # The first reader with a default describes it best (local.py may
                # re-read a base variable without one).
                if previous is None or (not previous.default and default):
                    found[name] = Variable(name, kind, default, source)
    return dict(sorted(found.items()))


def groups():
    """(title, {name: Variable}, example files) for each group."""
    for title, patterns, examples in GROUPS:
        yield title, read_variables(patterns), examples


def example_entries(example: str) -> dict[str, str]:
    """NAME -> its description in an .env.example: the comment block above it (or
    above the run of assignments it belongs to). A commented-out `# NAME=value` counts
    as listed: documented, and off by default."""
    lines = (REPO / example).read_text().splitlines()
    entries: dict[str, str] = {}
    for index, line in enumerate(lines):
        match = ASSIGNMENT.match(line)
        if not match:
            continue
        cursor = index - 1
        while (
            cursor >= 0 and ASSIGNMENT.match(lines[cursor]) and not lines[cursor].startswith("# ")
        ):
            cursor -= 1
        comment = []
        while cursor >= 0 and lines[cursor].startswith("#") and not ASSIGNMENT.match(lines[cursor]):
            comment.insert(0, lines[cursor].lstrip("#").strip())
            cursor -= 1
        entries.setdefault(match.group(1), " ".join(comment))
    return entries


def missing_from_examples() -> list[str]:
    """'NAME (file)' for every variable read but not listed in its .env.example."""
    missing = []
    for _title, variables, examples in groups():
        for example in examples:
            listed = example_entries(example)
            missing += [f"{name} ({example})" for name in variables if name not in listed]
    return missing


if __name__ == "__main__":
    for title, variables, _examples in groups():
        print(f"# {title}")
        for var in variables.values():
            print(f"{var.name:40} {var.kind:12} {var.default:30} {var.source}")
