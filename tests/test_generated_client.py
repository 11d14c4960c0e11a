"""A Python client generated from what the server serves tours the live REST door.

openapi-python-client (the generator a Python caller would reach for; it reads OpenAPI 3
only) generates a client from the live server's `/openapi.json` into a temporary
folder; the test imports it and runs one scripted tour with it: a filtered list, a
detail, a 304 for its ETag, sign-in, a review created, refused as a duplicate (409) and
edited, a favorite added, the data export, a 404 and a 429 (the sign-in rate lowered
to 2 a minute for this server). Every answer must come back as the typed model the
document promises, errors included (`Error`): a schema change that breaks the
generated client, or a response the document does not declare, fails here. The
generator must also warn about nothing (it drops what it cannot read, with a warning).

Generated as docs/guide/rest.md tells a reader to: the settings and the one template
override in tests/clients/python/ (`--meta none`: a bare package, no pyproject). The
override gives the JSON field `cast` the Python attribute `cast_` (the generator's own
way with names it cannot use, as `format_`); unchanged, the generated `from_dict` of
every model with a cast raises NameError.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
from http import HTTPStatus
from pathlib import Path

import pytest
import requests

from tests.live_server import REPO_ROOT, live_server

pytestmark = pytest.mark.e2e

GENERATOR = str(Path(sys.executable).with_name("openapi-python-client"))
SETTINGS = REPO_ROOT / "tests" / "clients" / "python"
PACKAGE = "movie_api_client"
LOGIN_RATE = 2  # a minute: the tour's sign-in is the first, the 429 comes on the third
DEMO = {"username": "demo", "password": "demo-Pass-123"}
MATRIX = "tt0133093"  # demo data: reviewed by demo, with a cast
GODFATHER = "tt0068646"  # demo data: not reviewed by demo


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    extra_env = {"THROTTLE_LOGIN": f"{LOGIN_RATE}/min"}
    with live_server(tmp_path_factory.mktemp("client-tour"), extra_env=extra_env) as live:
        yield live


@pytest.fixture(scope="module")
def client_package(server, tmp_path_factory):
    """The client generated from the server's /openapi.json, imported."""
    folder = tmp_path_factory.mktemp("generated")
    document = folder / "openapi.json"
    document.write_bytes(requests.get(f"{server.url}/openapi.json", timeout=60).content)
    done = subprocess.run(
        [GENERATOR, "generate", "--path", str(document), "--meta", "none",
         "--output-path", str(folder / PACKAGE),
         "--config", str(SETTINGS / "openapi-python-client.yaml"),
         "--custom-template-path", str(SETTINGS / "templates")],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    # then the generator read all of it: it warns where it drops a schema or a response
    assert "WARNING" not in output, output
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(folder))
        for name in [name for name in sys.modules if name.split(".")[0] == PACKAGE]:
            del sys.modules[name]


def test_the_generated_client_tours_the_rest_door(server, client_package):
    api = importlib.import_module(f"{PACKAGE}.api.movies")
    users = importlib.import_module(f"{PACKAGE}.api.users")
    models = importlib.import_module(f"{PACKAGE}.models")
    for module in ("movies_list", "movies_read", "movies_movie_reviews_create",
                   "movies_reviews_partial_update"):  # fmt: skip
        importlib.import_module(f"{api.__name__}.{module}")
    for module in ("users_login_create", "users_me_favorites_create", "users_me_export_list"):
        importlib.import_module(f"{users.__name__}.{module}")
    anonymous = client_package.Client(base_url=f"{server.url}/api", raise_on_unexpected_status=True)

    # a list with filters: movies rated 4 or more, best first
    listed = api.movies_list.sync_detailed(
        client=anonymous, min_rating=4, ordering="-average_rating"
    )
    assert listed.status_code == HTTPStatus.OK
    page = listed.parsed
    assert page.count == len(page.results) > 0
    ratings = [movie.average_rating for movie in page.results]
    assert ratings == sorted(ratings, reverse=True) and min(ratings) >= 4
    assert all(isinstance(movie, models.Movie) for movie in page.results)
    matrix = next(movie for movie in page.results if movie.imdb_id == MATRIX)

    # the detail's ETag (the typed detail: test_the_generated_client_reads_a_movie_detail)
    detail = anonymous.get_httpx_client().get(f"/movies/{matrix.id}/")
    assert detail.status_code == HTTPStatus.OK
    etag = detail.headers["ETag"]

    # the same detail again with If-None-Match: 304, declared, no body
    revalidated = api.movies_read.sync_detailed(
        client=anonymous.with_headers({"If-None-Match": etag}), id=matrix.id
    )
    assert revalidated.status_code == HTTPStatus.NOT_MODIFIED
    assert revalidated.parsed is None

    # sign-in
    login = users.users_login_create.sync_detailed(client=anonymous, body=models.Login(**DEMO))
    assert isinstance(login.parsed, models.LoginResponse), login.content
    assert login.parsed.user.username == "demo"
    demo = client_package.AuthenticatedClient(
        base_url=f"{server.url}/api", token=login.parsed.access, raise_on_unexpected_status=True
    )

    # a review: created, refused as a duplicate, edited
    godfather = api.movies_list.sync(client=anonymous, imdb_id=GODFATHER).results[0]
    body = models.ReviewInput(rating=4, text="An offer I could not refuse.")
    created = api.movies_movie_reviews_create.sync_detailed(
        client=demo, movie_id=godfather.id, body=body
    )
    assert created.status_code == HTTPStatus.CREATED
    assert isinstance(created.parsed, models.Review)
    assert (created.parsed.rating, created.parsed.text) == (4, body.text)
    duplicate = api.movies_movie_reviews_create.sync_detailed(
        client=demo, movie_id=godfather.id, body=body
    )
    assert duplicate.status_code == HTTPStatus.CONFLICT
    assert isinstance(duplicate.parsed, models.Error)
    assert (duplicate.parsed.status, duplicate.parsed.code) == (409, "duplicate_review")
    edited = api.movies_reviews_partial_update.sync_detailed(
        client=demo, id=created.parsed.id, body=models.ReviewInput(rating=5, text="Better twice.")
    )
    assert isinstance(edited.parsed, models.Review)
    assert (edited.parsed.id, edited.parsed.rating, edited.parsed.text) == (
        created.parsed.id,
        5,
        "Better twice.",
    )

    # a favorite
    favorite = users.users_me_favorites_create.sync_detailed(
        client=demo, body=models.MovieListAdd(movie_id=godfather.id)
    )
    assert favorite.status_code == HTTPStatus.CREATED
    assert isinstance(favorite.parsed, models.MovieListEntry)
    assert favorite.parsed.movie.id == godfather.id

    # the export: a typed document holding what the tour wrote
    export = users.users_me_export_list.sync_detailed(client=demo)
    assert export.status_code == HTTPStatus.OK
    assert export.parsed is not None, "the export is declared without a schema"
    exported = export.parsed.to_dict()
    assert exported["profile"]["username"] == "demo"
    assert exported["format"] == "movie-api.account-export"
    assert godfather.id in [entry["movie"]["id"] for entry in exported["lists"]["favorite"]]
    assert godfather.id in [review["movie"]["id"] for review in exported["reviews"]]

    # a 404: the typed Error
    missing = api.movies_read.sync_detailed(client=anonymous, id=2**62)
    assert missing.status_code == HTTPStatus.NOT_FOUND
    assert isinstance(missing.parsed, models.Error)
    assert (missing.parsed.status, missing.parsed.code) == (404, "not_found")

    # a 429: the third sign-in of the minute, a typed Error with Retry-After
    for _ in range(LOGIN_RATE):
        refused = users.users_login_create.sync_detailed(
            client=anonymous, body=models.Login(**DEMO)
        )
    assert refused.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert isinstance(refused.parsed, models.Error)
    assert (refused.parsed.status, refused.parsed.code) == (429, "throttled")
    assert int(refused.headers["Retry-After"]) > 0


def test_the_generated_client_reads_a_movie_detail(server, client_package):
    api = importlib.import_module(f"{PACKAGE}.api.movies")
    for module in ("movies_list", "movies_read", "movies_actors_read"):
        importlib.import_module(f"{api.__name__}.{module}")
    models = importlib.import_module(f"{PACKAGE}.models")
    anonymous = client_package.Client(base_url=f"{server.url}/api", raise_on_unexpected_status=True)
    matrix = api.movies_list.sync(client=anonymous, imdb_id=MATRIX).results[0]
    served = requests.get(f"{server.url}/api/movies/{matrix.id}/", timeout=60).json()

    # when a movie's detail is read with the generated client
    detail = api.movies_read.sync_detailed(client=anonymous, id=matrix.id)

    # then it is the typed MovieDetail, its cast a list of typed CastMembers (under the
    # attribute `cast_`, the JSON name `cast`), in billing order as served
    assert detail.status_code == HTTPStatus.OK
    movie = detail.parsed
    assert isinstance(movie, models.MovieDetail)
    assert (movie.id, movie.imdb_id) == (matrix.id, MATRIX)
    assert isinstance(movie.cast_, list) and len(movie.cast_) == len(served["cast"]) > 0
    assert all(isinstance(member, models.CastMember) for member in movie.cast_)
    assert all(isinstance(member.actor, models.NamedRef) for member in movie.cast_)
    assert [(m.actor.id, m.actor.name, m.character, m.order) for m in movie.cast_] == [
        (c["actor"]["id"], c["actor"]["name"], c["character"], c["order"]) for c in served["cast"]
    ]
    # and the model writes back the fields it read, `cast` under its JSON name
    written = movie.to_dict()
    assert written.keys() == served.keys()
    assert written["cast"] == served["cast"]

    # when the first-billed actor's detail is read: the credits' cast is typed too
    actor_id = movie.cast_[0].actor.id
    actor = api.movies_actors_read.sync_detailed(client=anonymous, id=actor_id).parsed
    assert isinstance(actor, models.PersonDetail), actor
    credits = actor.credits_
    assert isinstance(credits, models.PersonCredits)
    assert all(isinstance(credit, models.PersonCastCredit) for credit in credits.cast_)
    assert movie.id in [credit.movie.id for credit in credits.cast_]
