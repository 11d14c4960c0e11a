"""A movie's keywords: on the REST detail (same query count) and the GraphQL Movie type."""

from http import HTTPStatus

import pytest

from movies.models import Keyword, Movie
from movies.tests.factories import GenreFactory, KeywordFactory, MovieFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def movie():
    # created out of order: the answer lists them by name
    keywords = [
        KeywordFactory(name=n) for n in ("time travel", "dystopia", "Artificial Intelligence")
    ]
    return MovieFactory(title="The Matrix", genres=[GenreFactory(name="Action")], keywords=keywords)


def by_name(movie) -> list[dict]:
    return [{"id": k.pk, "name": k.name} for k in movie.keywords.order_by("name", "id")]


def test_the_detail_shows_keywords_by_name_in_the_same_two_queries(
    api_client, movie, django_assert_num_queries
):
    # the movie row + genres, cast and keywords in one query
    with django_assert_num_queries(2):
        response = api_client.get(f"/api/movies/{movie.pk}/")
    assert response.status_code == HTTPStatus.OK
    assert response.json()["keywords"] == by_name(movie)
    assert [k["name"] for k in response.json()["keywords"]] == [
        "Artificial Intelligence",
        "dystopia",
        "time travel",
    ]


def test_the_list_does_not_carry_keywords(api_client, movie):
    (card,) = api_client.get("/api/movies/").json()["results"]
    assert "keywords" not in card


def test_a_movie_without_keywords_has_an_empty_list(api_client, db):
    bare = MovieFactory()
    assert api_client.get(f"/api/movies/{bare.pk}/").json()["keywords"] == []


def test_graphql_shows_the_same_keywords(gql, movie, django_assert_num_queries):
    document = "query($id: ID!) { movie(id: $id) { title keywords { id name } } }"
    # the movie row + its keywords
    with django_assert_num_queries(2):
        body = gql(document, {"id": str(movie.pk)})
    expected = [{"id": str(k["id"]), "name": k["name"]} for k in by_name(movie)]
    assert body["data"]["movie"]["keywords"] == expected
    page = gql("{ allMovies { edges { node { keywords { name } } } } }")
    assert page["data"]["allMovies"]["edges"][0]["node"]["keywords"] == [
        {"name": k["name"]} for k in by_name(movie)
    ]


# --------------------------------------------------------------------------- writes

CREATE = """mutation($input: MovieInput!) { createMovie(input: $input) {
  movie { id keywords { id name } } } }"""
UPDATE = """mutation($id: ID!, $input: MovieUpdateInput!) { updateMovie(id: $id, input: $input) {
  movie { keywords { name } } } }"""


def test_staff_write_keywords_by_name_on_both_doors(staff_client, gql):
    # given an existing keyword
    KeywordFactory(name="time travel")
    # when staff create a movie naming it in another case, a new one, and a duplicate
    body = {"title": "Primer", "keywords": ["Time Travel", "garage", "GARAGE "]}
    response = staff_client.post("/api/movies/", body, format="json")
    # then the existing keyword is linked, the new one created once, listed by name
    assert response.status_code == HTTPStatus.CREATED, response.json()
    assert [k["name"] for k in response.json()["keywords"]] == ["garage", "time travel"]
    assert Keyword.objects.count() == 2
    # and GraphQL does the same, then replaces the list
    created = gql(CREATE, {"input": {"title": "Looper", "keywords": ["garage"]}}, staff_client)
    movie = created["data"]["createMovie"]["movie"]
    assert [k["name"] for k in movie["keywords"]] == ["garage"]
    updated = gql(UPDATE, {"id": movie["id"], "input": {"keywords": ["assassin"]}}, staff_client)
    assert updated["data"]["updateMovie"]["movie"]["keywords"] == [{"name": "assassin"}]
    cleared = staff_client.patch(f"/api/movies/{movie['id']}/", {"keywords": []}, format="json")
    assert cleared.json()["keywords"] == []
    assert Keyword.objects.count() == 3


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("dystopia", 'Expected a list of items but got type "str".'),  # REST's shape check
        ([""], "This field may not be blank."),
        (["x" * 101], "Ensure this field has no more than 100 characters."),
        ([f"k{n}" for n in range(101)], "At most 100 items."),
    ],
)
def test_bad_keywords_are_refused_naming_keywords(staff_client, gql, value, message):
    response = staff_client.post("/api/movies/", {"title": "X", "keywords": value}, format="json")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    errors = response.json()["errors"]
    assert [(e["field"], e["message"]) for e in errors] == [("keywords", message)]
    if isinstance(value, list):
        body = gql(CREATE, {"input": {"title": "X", "keywords": value}}, staff_client)
        assert body["errors"][0]["extensions"]["field"] == "keywords"
    assert not Movie.objects.exists()


# --------------------------------------------------------------------------- importer


def test_the_tmdb_importer_fills_keywords_and_reruns_unchanged():
    from movies.importers import import_lines

    KeywordFactory(name="Dystopia")  # an existing keyword, another case
    lines = [
        '{"id": 603, "title": "The Matrix", "keywords": {"keywords": '
        '[{"id": 310, "name": "artificial intelligence"}, {"id": 4565, "name": "dystopia"}]}}',
        '{"id": 550, "title": "Fight Club", "keywords": [{"id": 4565, "name": "dystopia"}]}',
        '{"id": 13, "title": "Forrest Gump", "keywords": "running"}',
    ]
    first = import_lines(lines, fmt="jsonl")
    assert first.summary() == "created 2, updated 0, unchanged 0, rejected 1"
    assert first.rejected == [(3, "keywords: must be a list")]
    matrix = Movie.objects.get(tmdb_id=603)
    names = sorted(matrix.keywords.values_list("name", flat=True))
    assert names == ["Dystopia", "artificial intelligence"]
    assert Keyword.objects.count() == 2
    again = import_lines(lines[:2], fmt="jsonl")
    assert again.summary() == "created 0, updated 0, unchanged 2, rejected 0"
