"""POST /api/users/me/import/ and GET /api/users/me/export/?format=letterboxd."""

import csv
import io
import zipfile
from http import HTTPStatus

import pytest
from django.core.cache import caches
from django.test import override_settings

from conftest import bearer_client, error_json
from diary.models import DiaryEntry
from imports.tests.conftest import FIXTURES, upload
from users.tests.factories import UserFactory

URL = "/api/users/me/import/"
EXPORT = "/api/users/me/export/"


def post(client, name, content=None, **data):
    return client.post(URL, {"file": upload(name, content), **data}, format="multipart")


def diary_of(user) -> list[tuple]:
    return sorted(
        (e.movie_id, e.watched_on, e.rating, e.rewatch, tuple(sorted(t.name for t in e.tags.all())))
        for e in DiaryEntry.objects.of(user).prefetch_related("tags")
    )


def unzip(response) -> dict[str, list[dict]]:
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    return {
        name: list(csv.DictReader(io.StringIO(archive.read(name).decode())))
        for name in archive.namelist()
    }


def test_import_answers_the_report(auth_client, user, catalog):
    # when
    response = post(auth_client, "diary.csv", (FIXTURES / "letterboxd-diary.csv").read_bytes())

    # then
    assert response.status_code == HTTPStatus.OK
    body = response.json()
    assert {k: body[k] for k in ("format", "created", "updated", "unchanged", "dry_run")} == {
        "format": "letterboxd-diary",
        "created": 4,
        "updated": 0,
        "unchanged": 0,
        "dry_run": False,
    }
    assert [row["line"] for row in body["unmatched"]] == [6, 7]
    assert DiaryEntry.objects.of(user).count() == 4


def test_a_dry_run_writes_nothing(auth_client, user, catalog):
    response = post(auth_client, "trakt-history.json", dry_run="true")

    assert response.status_code == HTTPStatus.OK
    assert (response.json()["created"], response.json()["dry_run"]) == (3, True)
    assert not DiaryEntry.objects.exists()


def test_an_unknown_file_is_400_naming_the_file(auth_client, catalog):
    response = post(auth_client, "notes.txt", b"hello,world\n1,2\n")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    body = error_json(response)
    assert body["errors"][0]["field"] == "file"
    assert body["errors"][0]["code"] == "unknown_import_format"


def test_no_file_is_400_naming_the_file(auth_client):
    response = auth_client.post(URL, {"dry_run": "true"}, format="multipart")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert error_json(response)["errors"][0]["field"] == "file"


def test_signed_out_is_401(api_client):
    assert post(api_client, "trakt-history.json").status_code == HTTPStatus.UNAUTHORIZED


@override_settings(IMPORT_MAX_BYTES=200)
def test_a_file_over_the_size_limit_is_413_with_the_figure(auth_client, catalog):
    response = post(auth_client, "letterboxd-diary.csv")

    assert response.status_code == HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    body = error_json(response)
    assert body["code"] == "import_file_too_large"
    assert "at most 0.000190735 MB (200 bytes)" in body["detail"]


@override_settings(IMPORT_MAX_ROWS=3)
def test_a_file_over_the_row_limit_is_413_with_the_figure(auth_client, user, catalog):
    response = post(auth_client, "letterboxd-diary.csv")

    assert response.status_code == HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    body = error_json(response)
    assert body["code"] == "import_too_many_rows"
    assert "at most 3 per file" in body["detail"]
    assert not DiaryEntry.objects.exists()


def test_the_import_has_its_own_rate_limit(auth_client, catalog, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "import": "2/min",
        },
    }
    caches["default"].clear()

    statuses = [post(auth_client, "trakt-history.json").status_code for _ in range(3)]

    assert statuses == [HTTPStatus.OK, HTTPStatus.OK, HTTPStatus.TOO_MANY_REQUESTS]


@pytest.mark.parametrize(
    "fixture", ["letterboxd-diary.csv", "letterboxd-ratings.csv", "letterboxd-watchlist.csv"]
)
def test_every_fixture_imports_and_reimports_without_creating(auth_client, catalog, fixture):
    first = post(auth_client, fixture).json()
    second = post(auth_client, fixture).json()

    assert first["created"] > 0
    assert (second["created"], second["updated"]) == (0, 0)
    assert second["unchanged"] == first["created"] + first["updated"] + first["unchanged"]


def test_the_letterboxd_export_is_a_zip_of_letterboxd_csvs(auth_client, user, catalog):
    post(auth_client, "letterboxd-diary.csv")
    post(auth_client, "letterboxd-watchlist.csv")

    response = auth_client.get(EXPORT, {"format": "letterboxd"})

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == (
        f'attachment; filename="movie-api-letterboxd-{user.pk}.zip"'
    )
    files = unzip(response)
    assert sorted(files) == ["diary.csv", "ratings.csv", "watchlist.csv"]
    tiger = files["diary.csv"][0]
    assert {k: tiger[k] for k in ("Name", "Year", "Rating", "Rewatch", "Tags", "Watched Date")} == {
        "Name": "Crouching Tiger, Hidden Dragon",
        "Year": "2000",
        "Rating": "4.5",
        "Rewatch": "",
        "Tags": "cinema, 35mm",
        "Watched Date": "2024-01-02",
    }
    assert (tiger["tmdbID"], tiger["imdbID"]) == ("146", "tt0190332")
    assert [row["Rewatch"] for row in files["diary.csv"]] == ["", "", "Yes", ""]
    assert [row["Name"] for row in files["watchlist.csv"]] == [
        "Crouching Tiger, Hidden Dragon",
        "The Good, the Bad and the Ugly",
    ]
    assert {row["Name"]: row["Rating"] for row in files["ratings.csv"]} == {
        "Crouching Tiger, Hidden Dragon": "4.5",
        "The Good, the Bad and the Ugly": "3.5",
    }


def test_the_json_export_is_unchanged_and_a_refused_zip_is_json(api_client, auth_client):
    assert auth_client.get(EXPORT).json()["format"] == "movie-api.account-export"

    response = api_client.get(EXPORT, {"format": "letterboxd"})

    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert response["Content-Type"].startswith("application/json")
    assert error_json(response)["code"] == "not_authenticated"


def test_import_import_again_export_and_import_into_a_fresh_account(auth_client, user, catalog):
    # given: a history from two services
    post(auth_client, "letterboxd-diary.csv")
    post(auth_client, "trakt-history.json")
    post(auth_client, "letterboxd-watchlist.csv")
    before = diary_of(user)

    # when: the same files again
    again = [
        post(auth_client, name).json()["created"]
        for name in ("letterboxd-diary.csv", "trakt-history.json", "letterboxd-watchlist.csv")
    ]

    # then: nothing created
    assert again == [0, 0, 0]
    assert diary_of(user) == before

    # when: the Letterboxd export goes into a fresh account
    files = zipfile.ZipFile(io.BytesIO(auth_client.get(EXPORT, {"format": "letterboxd"}).content))
    fresh = UserFactory()
    client = bearer_client(fresh)
    reports = {
        name: post(client, name, files.read(name)).json()
        for name in ("diary.csv", "ratings.csv", "watchlist.csv")
    }

    # then: the diaries are equal, and every exported row found its movie
    assert diary_of(fresh) == before
    assert all(report["unmatched"] == [] for report in reports.values())
    assert reports["diary.csv"]["created"] == len(before)


def test_an_import_changes_the_cached_movie_answers(api_client, auth_client, catalog):
    # given: the anonymous detail of a movie, answered (and cached) before the import
    url = f"/api/movies/{catalog['heat'].pk}/"
    assert api_client.get(url).json()["rating_count"] == 0

    # when
    post(auth_client, "imdb-ratings.csv")

    # then: the set-based writes bumped what the cached answer read
    body = api_client.get(url).json()
    assert (body["rating_count"], body["average_rating"]) == (1, 5.0)


@override_settings(IMPORT_MAX_BYTES=1024)
def test_a_body_far_over_the_limit_is_refused_before_it_is_read(auth_client):
    response = post(auth_client, "diary.csv", b"x" * 100_000)

    assert response.status_code == HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    assert error_json(response)["code"] == "import_file_too_large"


def test_a_bad_dry_run_is_400_naming_it(auth_client):
    response = post(auth_client, "trakt-history.json", dry_run="perhaps")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert error_json(response)["errors"][0]["field"] == "dry_run"
