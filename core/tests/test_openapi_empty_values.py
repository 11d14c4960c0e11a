"""An empty query value: the document says which parameters read it as not given
(`allowEmptyValue`, core/openapi.py), and the server does exactly that for them.

`GET /api/movies/{id}/reviews/?rating=` is no rating filter, as TMDB's API ignores an
empty parameter. Only the paginator's differ: `page` and `page_size` refuse it (400
naming the field), and an empty `cursor` starts cursor paging. The scan
(tests/test_api_scanners.py) sends empty values wherever the document allows them,
so the two must agree.
"""

import json
from http import HTTPStatus

import pytest

from conftest import bearer_client
from core.openapi import PAGINATOR_QUERY_PARAMETERS, POSITIVE_QUERY_PARAMETERS
from movies.services.reviews import review_create
from movies.tests.factories import GenreFactory, MovieFactory

pytestmark = pytest.mark.django_db

# Fields of an answer that differ between two reads a moment apart.
VOLATILE = {"exported_at", "as_of", "request_id"}


@pytest.fixture
def schema(api_client):
    return json.loads(api_client.get("/swagger.json").content)


def _query_parameters(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query":
                    yield path, method, parameter


def _stable(body):
    return {k: v for k, v in body.items() if k not in VOLATILE} if isinstance(body, dict) else body


def test_every_query_parameter_but_the_paginators_allows_an_empty_value(schema):
    # given every query parameter of the document
    parameters = list(_query_parameters(schema))
    allowing = {(p, m, q["name"]) for p, m, q in parameters if q.get("allowEmptyValue")}
    refusing = {(p, m, q["name"]) for p, m, q in parameters if not q.get("allowEmptyValue")}
    # then the numeric filters say an empty value is allowed
    assert ("/movies/{movie_id}/reviews/", "get", "rating") in allowing
    assert ("/movies/", "get", "min_rating") in allowing
    assert ("/movies/trending/", "get", "window") in allowing
    # and only the paginator's parameters do not
    assert {name for _, _, name in refusing} == PAGINATOR_QUERY_PARAMETERS


def test_an_empty_value_answers_as_if_the_parameter_were_not_sent(schema, staff):
    # given a movie with a review in a genre, and staff (who may read every GET)
    movie = MovieFactory(genres=[GenreFactory(name="Drama")])
    review_create(user=staff, movie_id=movie.pk, rating=4)
    ids = {"id": movie.pk, "movie_id": movie.pk}
    client = bearer_client(staff)
    checked = 0
    for path, method, parameter in _query_parameters(schema):
        if method != "get" or not parameter.get("allowEmptyValue"):
            continue
        url = "/api" + path.format_map(ids)
        # when the parameter is sent empty
        plain = client.get(url)
        empty = client.get(url, {parameter["name"]: ""})
        # then the answer is the one without it
        where = f"GET {path}?{parameter['name']}="
        assert empty.status_code == plain.status_code == HTTPStatus.OK, (where, empty.content)
        assert _stable(empty.json()) == _stable(plain.json()), where
        checked += 1
    assert checked > 40


@pytest.mark.parametrize("name", sorted(POSITIVE_QUERY_PARAMETERS))
def test_the_paginators_parameters_refuse_an_empty_value_naming_it(api_client, db, name):
    # when a page parameter is sent empty
    response = api_client.get("/api/movies/", {name: ""})
    # then it is refused, naming it (the document does not allow it empty)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert [error["field"] for error in response.json()["errors"]] == [name]


def test_an_empty_first_of_similar_movies_is_the_default(api_client, db):
    # given a movie and another sharing its genre
    drama = GenreFactory(name="Drama")
    heat, other = MovieFactory(genres=[drama]), MovieFactory(genres=[drama])
    # when similar movies are asked with `first=` (was 400 `first` before)
    response = api_client.get(f"/api/movies/{heat.pk}/similar/", {"first": ""})
    # then it is the default answer
    assert response.status_code == HTTPStatus.OK, response.content
    assert [r["movie"]["id"] for r in response.json()["results"]] == [other.pk]
    assert response.json() == api_client.get(f"/api/movies/{heat.pk}/similar/").json()


@pytest.mark.parametrize(
    ("query", "fields"),
    [
        # the scan's request: the last value empty (no filter), the others invalid
        ("min_year=Infinity&min_year=%C3%8A&min_year=&min_rating_count=0", ["min_year"]),
        ("genre=Drama&genre=Crime&ordering=title&ordering=-title", ["genre", "ordering"]),
    ],
)
def test_a_query_parameter_named_twice_is_refused_naming_it(api_client, db, query, fields):
    # given a movie the filters would find
    MovieFactory(title="Heat", genres=[GenreFactory(name="Crime")])
    # when a query parameter is given more than once
    response = api_client.get(f"/api/movies/?{query}")
    # then the request is refused, naming each, rather than reading the last value
    assert response.status_code == HTTPStatus.BAD_REQUEST
    body = response.json()
    assert (body["code"], body["detail"]) == ("invalid", "Some fields are invalid.")
    assert body["errors"] == [
        {"field": name, "code": "invalid", "message": "Give this parameter once."}
        for name in fields
    ]
    # and each alone is answered
    assert api_client.get("/api/movies/?genre=Crime&ordering=title").status_code == HTTPStatus.OK
