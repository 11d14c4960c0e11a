"""The apps import one way: `lists` may use `movies` and `users`; those two never use
each other nor `lists`; and a REST door never imports GraphQL code, nor the reverse.

Every import counts, function-level ones included. Tests and migrations are left out:
tests build data across apps (a review needs a user).
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# app -> apps it must not import
FORBIDDEN = {
    "movies": {"users", "lists"},
    "users": {"movies", "lists"},
    "lists": set(),
}
DOORS = {"api": "graphql", "graphql": "api"}


def product_modules(app: str):
    for path in sorted((ROOT / app).rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if "tests" in parts or "migrations" in parts:
            continue
        yield path


def imported_names(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


@pytest.mark.parametrize("app", FORBIDDEN)
def test_an_app_imports_none_of_the_apps_that_depend_on_it(app):
    offenders = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in product_modules(app)
        for name in sorted(imported_names(path))
        if name.split(".")[0] in FORBIDDEN[app]
    ]
    assert offenders == []


@pytest.mark.parametrize("app", FORBIDDEN)
def test_a_door_never_imports_the_other_door(app):
    offenders = []
    for path in product_modules(app):
        parts = path.relative_to(ROOT).parts
        door = parts[1] if len(parts) > 2 else None
        if door not in DOORS:
            continue
        other = DOORS[door]
        offenders += [
            f"{path.relative_to(ROOT)}: {name}"
            for name in sorted(imported_names(path))
            if name.split(".")[0] in FORBIDDEN and other in name.split(".")[1:2]
        ]
    assert offenders == []
