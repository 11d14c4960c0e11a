"""What docs/develop/layout.md must name: the repository's top-level entries, and the
modules and packages of the Python packages below (one level each).

    python -m scripts.docs.layout    # print a draft row (path, docstring) for every entry

tests/test_docs_layout.py fails when an entry is missing from the page, or when the
page names a path that no longer exists. Left out on purpose: tests/, migrations/,
templates/, static/ and management/ folders (every app has them, the page says so
once) and the `__init__.py`, `apps.py` and `admin.py` boilerplate of each app.
"""

from __future__ import annotations

import ast
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PACKAGES = (
    "movie_api",
    "core",
    "core/caching",
    "core/graphql",
    "core/response_cache",
    "core/security",
    "movie_api/settings",
    "movies",
    "movies/selectors",
    "movies/services",
    "users",
    "users/services",
    "lists",
    "scripts",
    "customer_support",
    "libs/opskit/opskit",
)
SKIPPED_FOLDERS = {"tests", "migrations", "templates", "static", "management", "__pycache__"}
BOILERPLATE = {"__init__.py", "apps.py", "admin.py"}


def tracked_files() -> list[str]:
    # Tracked files and new ones not ignored: a file being added must be on the page too.
    command = ["git", "ls-files", "--cached", "--others", "--exclude-standard"]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=True)  # noqa: S603
    return done.stdout.split()


def entries(folder: str = "", files: list[str] | None = None) -> list[str]:
    """Paths directly inside `folder` (the repository root when empty), folders with `/`."""
    files = tracked_files() if files is None else files
    prefix = f"{folder}/" if folder else ""
    found = set()
    for path in files:
        if not path.startswith(prefix):
            continue
        rest = path[len(prefix) :].split("/")
        if rest[0].startswith(".") and not folder:
            continue  # dotfiles of the root: .gitignore, .env.example (docs name those elsewhere)
        if len(rest) == 1 and rest[0] not in BOILERPLATE:
            found.add(prefix + rest[0])
        elif len(rest) > 1 and (not folder or rest[0] not in SKIPPED_FOLDERS):
            found.add(f"{prefix}{rest[0]}/")
    return sorted(found)


def expected() -> list[str]:
    files = tracked_files()
    paths = entries("", files)
    for package in PACKAGES:
        paths += entries(package, files)
    return sorted(set(paths))


def summary(path: str) -> str:
    """The first paragraph of a module's (or package's) docstring, on one line."""
    target = REPO / path
    if target.is_dir():
        target = target / "__init__.py"
    if target.suffix != ".py" or not target.exists():
        return ""
    docstring = ast.get_docstring(ast.parse(target.read_text())) or ""
    return docstring.split("\n\n")[0].replace("\n", " ")


if __name__ == "__main__":
    for path in expected():
        print(f"| `{path}` | {summary(path)} |")
