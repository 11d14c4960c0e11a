"""The API compatibility check: today's schemas against the last release's, both doors.

    python -m scripts.ci.api_compat            # exit 1 on a breaking change not in the changelog
    python -m scripts.ci.api_compat --release  # save today's schemas as the release

The release is three files in docs/api/release/: `schema.graphql` (GraphQL SDL),
`swagger.json` (the REST document as `/swagger.json` serves it, generated in process)
and `changelog-entries.txt` (the titles of the API changelog's entries at the release).

- GraphQL: graphql-core's `find_breaking_changes` fails; `find_dangerous_changes` warns.
- REST: scripts/ci/openapi_diff.py (what it counts as breaking is in its docstring).

A breaking change passes only when docs/api-changelog.md names it in an entry newer than
the release (a title not in changelog-entries.txt) of kind **Changed** or **Removed**:
a GraphQL change by its schema coordinate (`Movie.title`, `Query.movie(id:)`, `Genre`,
`Ordering.TITLE`), a REST change by its path as a client calls it (`/api/movies/{id}/`)
and, when a field or parameter changed, that name in backticks (`rating`). Each failure
says exactly what to write. tests/test_api_compat.py runs the check in the fast tier.
"""

from __future__ import annotations

import json
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from graphql import GraphQLSchema, build_schema, print_schema
from graphql.utilities import find_breaking_changes, find_dangerous_changes

from scripts.ci import openapi_diff

REPO = Path(__file__).resolve().parents[2]
RELEASE = REPO / "docs" / "api" / "release"
CHANGELOG = REPO / "docs" / "api-changelog.md"
# Entry kinds that may announce a breaking change (docs/api-changelog.md's vocabulary).
BREAKING_KINDS = ("Changed", "Removed")
ENTRY = re.compile(r"^- (?P<body>.*(?:\n(?![-#]).*)*)", re.M)
TITLE = re.compile(r"^\*\*(?P<title>.+?)\*\*", re.S)


@dataclass(frozen=True)
class Breaking:
    """A breaking change and the names an entry must contain to announce it."""

    door: str
    message: str
    names: tuple[str, ...]

    def named_by(self, entry: str) -> bool:
        return all(_mentions(entry, name) for name in self.names)

    def instruction(self) -> str:
        return " and ".join(f"`{name}`" if "`" not in name else name for name in self.names)


@dataclass
class Report:
    """The breaking changes the changelog names, those it does not, and the warnings."""

    named: list[Breaking] = field(default_factory=list)
    unnamed: list[Breaking] = field(default_factory=list)
    dangerous: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.unnamed

    def render(self) -> str:
        lines = [f"warning ({door}): {message}" for door, message in self.dangerous]
        lines += [f"breaking, in the changelog ({b.door}): {b.message}" for b in self.named]
        for b in self.unnamed:
            lines.append(
                f"BREAKING ({b.door}): {b.message}. Name it in docs/api-changelog.md: a new "
                f"**Changed** or **Removed** entry with {b.instruction()}."
            )
        verdict = f"{len(self.unnamed)} breaking change(s) not in the changelog"
        verdict = "ok" if self.ok else verdict
        return "\n".join([*lines, f"API compatibility against the release: {verdict}"])


def _mentions(entry: str, name: str) -> bool:
    """`name` as a whole word of the entry: `/api/movies/` does not match inside
    `/api/movies/{id}/`, nor `Movie.title` inside `Movie.titles`."""
    return re.search(rf"(?<![\w./{{]){re.escape(name)}(?![\w/{{(])", entry) is not None


def entries(changelog: str) -> list[tuple[str, str]]:
    """(title, whole text) of each entry: a top-level `- **Kind: title.** ...` item."""
    found = []
    for match in ENTRY.finditer(changelog):
        body = match["body"]
        title = TITLE.match(body)
        # A title may wrap over lines: one space between words, as the release stores it.
        found.append((" ".join((title["title"] if title else body.split("\n")[0]).split()), body))
    return found


def graphql_changes(old: GraphQLSchema, new: GraphQLSchema):
    breaking = [
        Breaking("GraphQL", change.description.rstrip("."), (_coordinate(change.description),))
        for change in find_breaking_changes(old, new)
    ]
    dangerous = [("GraphQL", c.description) for c in find_dangerous_changes(old, new)]
    return breaking, dangerous


# graphql-core's descriptions, e.g. "Movie.title was removed.", "Query.movie arg id was
# removed.", "A required arg x on Query.movie was added.", "TITLE was removed from enum
# type Ordering.", "A required field x on input type ReviewInput was added."
COORDINATES = (
    (re.compile(r"^(?P<t>\w+)\.(?P<f>\w+) arg (?P<a>\w+)"), "{t}.{f}({a}:)"),
    (re.compile(r"^A required arg (?P<a>\w+) on (?P<t>\w+)\.(?P<f>\w+)"), "{t}.{f}({a}:)"),
    (re.compile(r"^A required field (?P<f>\w+) on input type (?P<t>\w+)"), "{t}.{f}"),
    (re.compile(r"^(?P<f>\w+) was removed from enum type (?P<t>\w+)"), "{t}.{f}"),
    (re.compile(r"^(?P<t>\w+)\.(?P<f>\w+)\b"), "{t}.{f}"),
    (re.compile(r"^(?P<t>[\w@]+)"), "{t}"),
)


def _coordinate(description: str) -> str:
    """The GraphQL schema coordinate a change is about."""
    for pattern, template in COORDINATES:
        match = pattern.match(description)
        if match:
            return template.format(**match.groupdict())
    return description


def rest_changes(old: dict, new: dict):
    breaking, dangerous = openapi_diff.diff(old, new)
    return (
        [
            Breaking("REST", c.message, (c.path, f"`{c.name}`") if c.name else (c.path,))
            for c in breaking
        ],
        [("REST", c.message) for c in dangerous],
    )


def check(
    *,
    release_graphql: GraphQLSchema,
    release_rest: dict,
    current_graphql: GraphQLSchema,
    current_rest: dict,
    changelog: str,
    released_titles: set[str],
) -> Report:
    """Compare both doors and sort the breaking changes by whether a changelog entry
    newer than the release announces them."""
    graphql_breaking, graphql_dangerous = graphql_changes(release_graphql, current_graphql)
    rest_breaking, rest_dangerous = rest_changes(release_rest, current_rest)
    announcements = [
        text
        for title, text in entries(changelog)
        if title not in released_titles and title.startswith(BREAKING_KINDS)
    ]
    report = Report(dangerous=graphql_dangerous + rest_dangerous)
    for change in graphql_breaking + rest_breaking:
        named = any(change.named_by(text) for text in announcements)
        (report.named if named else report.unnamed).append(change)
    return report


# The schemas of today and of the release


def current_graphql() -> GraphQLSchema:
    """The code's schema, rebuilt from its SDL as the release's is: graphql-core compares
    scalars by class, and graphene's own scalar classes would count as changed kinds."""
    from movie_api.schema import schema

    return build_schema(print_schema(schema.graphql_schema))


def current_rest() -> dict:
    """The REST document exactly as GET /swagger.json serves it (in process)."""
    from django.test import Client

    response = Client().get("/swagger.json")
    if response.status_code != 200:
        raise RuntimeError(f"/swagger.json answered {response.status_code}")
    return json.loads(response.content)


def released_titles() -> set[str]:
    return set((RELEASE / "changelog-entries.txt").read_text().splitlines())


def release_graphql() -> GraphQLSchema:
    return build_schema((RELEASE / "schema.graphql").read_text())


def release_rest() -> dict:
    return json.loads((RELEASE / "swagger.json").read_text())


def run_check() -> Report:
    return check(
        release_graphql=release_graphql(),
        release_rest=release_rest(),
        current_graphql=current_graphql(),
        current_rest=current_rest(),
        changelog=CHANGELOG.read_text(),
        released_titles=released_titles(),
    )


def save_release(directory: Path = RELEASE) -> None:
    """Write today's schemas and changelog titles as the release (stable bytes: the
    document's own key order, two-space indent, one final newline)."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "schema.graphql").write_text(print_schema(current_graphql()) + "\n")
    rest = json.dumps(current_rest(), indent=2, ensure_ascii=False)
    (directory / "swagger.json").write_text(rest + "\n")
    titles = [title for title, _ in entries(CHANGELOG.read_text())]
    (directory / "changelog-entries.txt").write_text("\n".join(titles) + "\n")


def main(argv: list[str]) -> int:
    # The test settings, as the test suite renders /swagger.json: the bytes of a saved
    # release do not depend on the caller's environment module.
    os.environ["DJANGO_SETTINGS_MODULE"] = "movie_api.settings.test"
    import django

    django.setup()
    if "--release" in argv:
        save_release()
        print(f"saved the release schemas in {RELEASE.relative_to(REPO)}/")
        return 0
    report = run_check()
    print(report.render())
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
