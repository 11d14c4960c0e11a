"""Server errors found by the API scan (schemathesis) and its hand-made hostile inputs.

Each test is the smallest request that answered 500 (REST) or INTERNAL_SERVER_ERROR
(GraphQL) before the fix. Cause: `str.isdigit()` is true for non-ASCII digits such as
"²" (which `int()` refuses) and for digit strings longer than `int()`'s 4,300-digit
limit, so "is it an id?" checks passed and the conversion raised ValueError.
"""

from http import HTTPStatus

import pytest

from movies.models import Keyword, Movie
from movies.tests.factories import GenreFactory, KeywordFactory, MovieFactory

pytestmark = pytest.mark.django_db

# Digits for str.isdigit(), not for int(): superscript two, and more digits than int() reads.
NOT_INT_DIGITS = ["²", "9" * 5000]


ID_OR_NAME_FILTERS = [
    ("/api/movies/", "genre"),
    ("/api/movies/", "actor"),
    ("/api/movies/reviews/", "genre"),
]


@pytest.mark.parametrize(("path", "param"), ID_OR_NAME_FILTERS)
def test_rest_id_or_name_filter_with_non_ascii_digits_is_a_name(api_client, path, param):
    # given a movie in a genre
    MovieFactory(genres=[GenreFactory(name="Drama")])
    # when the id-or-name filter gets a digit int() cannot read
    response = api_client.get(path, {param: "²"})
    # then it is treated as a name that matches nothing, not a server error
    assert response.status_code == HTTPStatus.OK
    assert response.json()["count"] == 0


@pytest.mark.parametrize(("path", "param"), ID_OR_NAME_FILTERS)
def test_rest_id_or_name_filter_with_5000_digits_names_the_field(api_client, path, param):
    # when the id-or-name filter gets more digits than int() reads
    response = api_client.get(path, {param: "9" * 5000})
    # then it is a 400 naming the parameter
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["errors"][0]["field"] == param


@pytest.mark.parametrize("value", NOT_INT_DIGITS, ids=["superscript", "5000-digits"])
@pytest.mark.parametrize("field", ["movie", "genre", "actor", "review"])
def test_graphql_lookup_by_non_ascii_digit_id_is_bad_user_input(gql, field, value):
    # given a movie exists
    MovieFactory()
    # when a single-object query gets an id int() cannot read
    body = gql(f"query($id: ID!) {{ {field}(id: $id) {{ id }} }}", {"id": value})
    # then it is the client's input error on `id`, not an internal error
    assert body["data"] == {field: None}
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert body["errors"][0]["extensions"]["field"] == "id"


@pytest.mark.parametrize(
    ("query", "root"),
    [
        ('{ allMovies(genre: "²") { totalCount } }', "allMovies"),
        ('{ allMovies(actor: "²") { totalCount } }', "allMovies"),
        ('{ allReviews(genre: "²") { totalCount } }', "allReviews"),
    ],
)
def test_graphql_id_or_name_filter_with_non_ascii_digits_matches_nothing(gql, query, root):
    # given a movie
    MovieFactory(genres=[GenreFactory(name="Drama")])
    # when
    body = gql(query)
    # then
    assert "errors" not in body
    assert body["data"][root]["totalCount"] == 0


@pytest.mark.parametrize("value", NOT_INT_DIGITS, ids=["superscript", "5000-digits"])
def test_graphql_delete_movie_with_non_ascii_digit_id_is_bad_user_input(gql, staff_client, value):
    # given a movie
    movie = MovieFactory()
    # when staff delete by an id int() cannot read
    body = gql("mutation($id: ID!) { deleteMovie(id: $id) { ok } }", {"id": value}, staff_client)
    # then it is BAD_USER_INPUT on `id` (not a missing row: a malformed id), the
    # message does not echo a 5,000-digit value, and nothing was deleted
    error = body["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["field"] == "id"
    assert len(error["message"]) < 80
    assert Movie.objects.filter(pk=movie.pk).exists()


@pytest.mark.parametrize("value", NOT_INT_DIGITS, ids=["superscript", "5000-digits"])
def test_graphql_create_movie_with_non_ascii_digit_genre_id_names_the_field(
    gql, staff_client, value
):
    # when staff create a movie with a genre id int() cannot read
    body = gql(
        "mutation($ids: [ID!]) {"
        ' createMovie(input: {title: "X", genreIds: $ids}) { movie { id } } }',
        {"ids": [value]},
        staff_client,
    )
    # then it is bad input naming genreIds, and nothing was written
    error = body["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["field"] == "genreIds"
    assert not Movie.objects.exists()


def test_imdb_id_with_non_ascii_digits_is_refused(staff_client):
    # when staff create a movie whose IMDb id has superscript digits
    response = staff_client.post(
        "/api/movies/", {"title": "X", "imdb_id": "tt²²²²²²²"}, format="json"
    )
    # then it is refused naming the field (it was stored before the fix)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["errors"][0]["field"] == "imdb_id"
    assert not Movie.objects.exists()


def test_keywords_whose_lower_case_differs_in_the_database_are_linked(staff_client):
    # The scan's 500 (KeyError in movies/services/keywords.py): Python lowers "Ò" to "ò",
    # SQLite's LOWER() keeps it, so the created keyword was not found under Python's key.
    # given a movie and an existing keyword in capitals outside ASCII
    movie = MovieFactory(title="Amélie")
    existing = KeywordFactory(name="ÉTÉ")
    # when staff write it again with a new one of the same kind
    response = staff_client.patch(
        f"/api/movies/{movie.pk}/", {"keywords": ["ÉTÉ", "Ò Sole"]}, format="json"
    )
    # then both are linked, the existing one reused and the new one stored once
    assert response.status_code == HTTPStatus.OK, response.json()
    assert [k["name"] for k in response.json()["keywords"]] == ["ÉTÉ", "Ò Sole"]
    assert set(movie.keywords.values_list("name", flat=True)) == {"ÉTÉ", "Ò Sole"}
    assert movie.keywords.get(name="ÉTÉ").pk == existing.pk
    assert Keyword.objects.count() == 2
    # and writing the same names again changes nothing
    again = staff_client.patch(
        f"/api/movies/{movie.pk}/", {"keywords": ["ÉTÉ", "Ò Sole"]}, format="json"
    )
    assert again.json()["keywords"] == response.json()["keywords"]
    assert Keyword.objects.count() == 2
