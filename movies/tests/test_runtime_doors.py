"""A movie's running time: shown on the detail, written by staff, the same rule on both
doors (movies/services/catalog.py checks it)."""

from http import HTTPStatus

import pytest

from movies.models import RUNTIME_MAX, Movie
from movies.tests.factories import MovieFactory

pytestmark = pytest.mark.django_db

CREATE = """mutation($input: MovieInput!) {
  createMovie(input: $input) { movie { title runtime } }
}"""


def test_staff_write_a_runtime_and_the_detail_shows_it(staff_client, api_client):
    # when staff create a movie with its running time
    created = staff_client.post("/api/movies/", {"title": "Heat", "runtime": 170}, format="json")
    assert created.status_code == HTTPStatus.CREATED, created.content
    # then the reply, the stored row and the public detail say so
    assert created.json()["runtime"] == 170
    movie = Movie.objects.get(title="Heat")
    assert movie.runtime == 170
    assert api_client.get(f"/api/movies/{movie.pk}/").json()["runtime"] == 170
    # and null clears it
    patched = staff_client.patch(f"/api/movies/{movie.pk}/", {"runtime": None}, format="json")
    assert patched.json()["runtime"] is None
    movie.refresh_from_db()
    assert movie.runtime is None


def test_graphql_writes_and_reads_the_same_runtime(staff_client, gql):
    body = gql(CREATE, {"input": {"title": "Alien", "runtime": 117}}, client=staff_client)
    assert body["data"]["createMovie"]["movie"] == {"title": "Alien", "runtime": 117}
    assert Movie.objects.get(title="Alien").runtime == 117


@pytest.mark.parametrize("value", [0, RUNTIME_MAX + 1])
def test_a_runtime_out_of_range_is_refused_on_both_doors_with_one_message(staff_client, gql, value):
    movie = MovieFactory(runtime=None)
    rest = staff_client.patch(f"/api/movies/{movie.pk}/", {"runtime": value}, format="json")
    assert rest.status_code == HTTPStatus.BAD_REQUEST
    (error,) = rest.json()["errors"]
    assert error["field"] == "runtime"
    body = gql(CREATE, {"input": {"title": "Too long", "runtime": value}}, client=staff_client)
    (gql_error,) = body["errors"]
    assert gql_error["extensions"]["field"] == "runtime"
    assert gql_error["message"].endswith(error["message"])
    # and nothing was written
    movie.refresh_from_db()
    assert movie.runtime is None
    assert not Movie.objects.filter(title="Too long").exists()
