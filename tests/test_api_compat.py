"""The API compatibility check (scripts/ci/api_compat.py): today's schemas against the
release's, and a breaking change on either door fails until a new changelog entry
names it."""

import copy
import json

import pytest
from graphql import build_schema, print_schema

from scripts.ci import api_compat

CHANGELOG = api_compat.CHANGELOG.read_text()
INTRO, _, DATED = CHANGELOG.partition("\n## ")


def _with_entry(entry: str) -> str:
    """The real changelog with one new entry on top, as a change would add it."""
    return f"{INTRO}\n## 2099-01-01\n\n{entry}\n\n## {DATED}"


@pytest.fixture(scope="module")
def release():
    return {
        "graphql": api_compat.release_graphql(),
        "rest": api_compat.release_rest(),
        "titles": api_compat.released_titles(),
    }


def _check(release, *, graphql=None, rest=None, changelog=CHANGELOG):
    return api_compat.check(
        release_graphql=release["graphql"],
        release_rest=release["rest"],
        current_graphql=graphql or release["graphql"],
        current_rest=rest or release["rest"],
        changelog=changelog,
        released_titles=release["titles"],
    )


def test_todays_schemas_keep_the_releases_contract():
    # when today's schemas (the code's GraphQL, /swagger.json in process) meet the release
    report = api_compat.run_check()
    # then nothing breaks that the changelog does not announce
    assert report.unnamed == [], report.render()
    assert report.render().endswith("API compatibility against the release: ok")


def test_a_saved_release_has_the_same_bytes_every_time(tmp_path):
    # given the release written twice from the same code
    api_compat.save_release(tmp_path / "one")
    api_compat.save_release(tmp_path / "two")
    # then the files are identical, and each reads back as what the server serves
    for name in ("schema.graphql", "swagger.json", "changelog-entries.txt"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()
    saved = json.loads((tmp_path / "one" / "swagger.json").read_text())
    assert saved == api_compat.current_rest()
    assert "Changed: an impossible id on a GraphQL query" in (
        (tmp_path / "one" / "changelog-entries.txt").read_text().splitlines()
    )


# GraphQL: a field removed


def _without_movie_title(release):
    schema = build_schema(print_schema(release["graphql"]))
    del schema.type_map["Movie"].fields["title"]
    return schema


def test_a_removed_graphql_field_fails_naming_it(release):
    # when Movie.title disappears from the schema
    report = _check(release, graphql=_without_movie_title(release))
    # then the check fails and says what to write
    assert not report.ok
    assert [(b.door, b.message) for b in report.unnamed] == [("GraphQL", "Movie.title was removed")]
    assert (
        "BREAKING (GraphQL): Movie.title was removed. Name it in docs/api-changelog.md: a new "
        "**Changed** or **Removed** entry with `Movie.title`." in report.render()
    )


def test_a_removed_graphql_field_passes_once_a_new_entry_names_it(release):
    changelog = _with_entry("- **Removed: `Movie.title`** (use `name`).")
    report = _check(release, graphql=_without_movie_title(release), changelog=changelog)
    assert report.ok, report.render()
    assert [b.message for b in report.named] == ["Movie.title was removed"]


@pytest.mark.parametrize(
    "entry",
    [
        "- **Added: `Movie.title`** is gone.",  # not a kind that announces a break
        "- **Removed: `Movie.titles`** are gone.",  # another coordinate
    ],
)
def test_an_entry_of_another_kind_or_name_does_not_announce_it(release, entry):
    report = _check(release, graphql=_without_movie_title(release), changelog=_with_entry(entry))
    assert not report.ok


def test_an_entry_already_in_the_release_does_not_announce_a_new_break(release):
    # given an entry that names Movie.title, but whose title the release already had
    changelog = _with_entry("- **Removed: `Movie.title`** gone.")
    titles = release["titles"] | {"Removed: `Movie.title`"}
    # when the check runs
    report = api_compat.check(
        release_graphql=release["graphql"],
        release_rest=release["rest"],
        current_graphql=_without_movie_title(release),
        current_rest=release["rest"],
        changelog=changelog,
        released_titles=titles,
    )
    # then the break is still unannounced
    assert not report.ok


def test_a_new_optional_graphql_argument_is_only_a_warning(release):
    schema = build_schema(
        print_schema(release["graphql"]).replace(
            "  myApps: [AuthorizedApp!]!", "  myApps(first: Int): [AuthorizedApp!]!", 1
        )
    )
    report = _check(release, graphql=schema)
    assert report.ok
    assert report.dangerous == [("GraphQL", "An optional arg first on Query.myApps was added.")]


# REST: a response property removed, a parameter newly required


def _movie_detail_without_title(release):
    rest = copy.deepcopy(release["rest"])
    detail = copy.deepcopy(rest["definitions"]["MovieDetail"])
    del detail["properties"]["title"]
    rest["paths"]["/movies/{id}/"]["get"]["responses"]["200"]["schema"] = detail
    return rest


def test_a_removed_rest_response_field_fails_naming_it(release):
    report = _check(release, rest=_movie_detail_without_title(release))
    assert [(b.door, b.message) for b in report.unnamed] == [
        ("REST", "GET /api/movies/{id}/: response 200: field `title` was removed")
    ]
    assert (
        "a new **Changed** or **Removed** entry with `/api/movies/{id}/` and `title`."
        in report.render()
    )


def test_a_removed_rest_response_field_passes_once_a_new_entry_names_it(release):
    changelog = _with_entry(
        "- **Removed: `title` from the movie detail** (`GET /api/movies/{id}/`)."
    )
    report = _check(release, rest=_movie_detail_without_title(release), changelog=changelog)
    assert report.ok, report.render()


def test_an_entry_naming_another_path_does_not_announce_it(release):
    # `/api/movies/` is the list, not the detail `/api/movies/{id}/`
    changelog = _with_entry("- **Removed: `title`** from `/api/movies/`.")
    report = _check(release, rest=_movie_detail_without_title(release), changelog=changelog)
    assert not report.ok


def _movie_list_requiring(release, name):
    rest = copy.deepcopy(release["rest"])
    parameter = {"name": name, "in": "query", "required": True, "type": "string"}
    rest["paths"]["/movies/"]["get"]["parameters"].append(parameter)
    return rest


def test_a_newly_required_rest_parameter_fails_naming_it(release):
    report = _check(release, rest=_movie_list_requiring(release, "region"))
    assert [b.message for b in report.unnamed] == [
        "GET /api/movies/: new required query parameter `region`"
    ]


def test_a_newly_required_rest_parameter_passes_once_a_new_entry_names_it(release):
    changelog = _with_entry("- **Changed: `/api/movies/` requires `region`.**")
    report = _check(release, rest=_movie_list_requiring(release, "region"), changelog=changelog)
    assert report.ok, report.render()


def test_an_entry_whose_title_wraps_over_lines_announces_it(release):
    changelog = _with_entry(
        "- **Changed: `GET /api/movies/` answers only when asked for a\n"
        "  region**: send `region`; without it the answer is `400`."
    )
    report = _check(release, rest=_movie_list_requiring(release, "region"), changelog=changelog)
    assert report.ok, report.render()
    assert api_compat.entries(changelog)[0][0] == (
        "Changed: `GET /api/movies/` answers only when asked for a region"
    )
