"""Every field declared in movies/shapes.py is in the REST bodies, the OpenAPI schema
and the GraphQL type, and nothing else is: a field cannot be declared in one place
and missing in another."""

import json
from http import HTTPStatus

import pytest
from graphene.utils.str_converters import to_camel_case

from movie_api.schema import schema as graphql_schema
from movies import shapes
from movies.graphql import types
from movies.tests.factories import ActorFactory, GenreFactory, MovieFactory

pytestmark = pytest.mark.django_db


def _rest_names(shape) -> list[str]:
    return [field.name for field in shape.rest]


def _graphql_names(shape) -> set[str]:
    return {to_camel_case(field.graphql_name) for field in shape.graphql}


@pytest.fixture
def movie():
    return MovieFactory(genres=[GenreFactory()], actors=[ActorFactory()])


@pytest.fixture
def openapi(api_client) -> dict:
    response = api_client.get("/swagger.json")
    assert response.status_code == HTTPStatus.OK
    return json.loads(response.content)


def _definition(openapi: dict, path: str, method: str, status: str) -> dict:
    response = openapi["paths"][path][method]["responses"][status]["schema"]
    if "properties" in response and "results" in response["properties"]:
        response = response["properties"]["results"]["items"]
    return openapi["definitions"][response["$ref"].rsplit("/", 1)[1]]


def test_the_list_body_has_the_declared_card_fields_in_order(api_client, user, movie):
    # when the list is read anonymously and signed in
    for client_user in (None, user):
        api_client.force_authenticate(client_user)
        body = api_client.get("/api/movies/").json()
        # then each card has exactly the declared fields, in the declared order
        assert list(body["results"][0]) == _rest_names(shapes.MOVIE_CARD)


def test_the_detail_body_has_the_declared_detail_fields_in_order(api_client, user, movie):
    for client_user in (None, user):
        api_client.force_authenticate(client_user)
        body = api_client.get(f"/api/movies/{movie.pk}/").json()
        assert list(body) == _rest_names(shapes.MOVIE_DETAIL)


def test_openapi_describes_exactly_the_declared_fields(openapi):
    card = _definition(openapi, "/movies/", "get", "200")
    detail = _definition(openapi, "/movies/{id}/", "get", "200")
    assert list(card["properties"]) == _rest_names(shapes.MOVIE_CARD)
    assert list(detail["properties"]) == _rest_names(shapes.MOVIE_DETAIL)
    # and each with its declared description
    for field in shapes.MOVIE_DETAIL.rest:
        if field.kind not in (
            shapes.Kind.MY_STATE,
            shapes.Kind.RATING_STATS,
            shapes.Kind.REVIEW_STATS,
        ):
            assert detail["properties"][field.name]["description"] == field.description


def test_the_openapi_examples_are_the_declared_examples(openapi):
    detail = openapi["paths"]["/movies/{id}/"]["get"]["responses"]["200"]["examples"]
    assert detail["application/json"] == shapes.MOVIE_DETAIL.example()


def test_the_graphql_movie_type_has_exactly_the_declared_fields():
    fields = graphql_schema.graphql_schema.get_type("Movie").fields
    assert set(fields) == _graphql_names(shapes.MOVIE_DETAIL)
    for field in shapes.MOVIE_DETAIL.graphql:
        assert fields[to_camel_case(field.graphql_name)].description == field.description


def test_the_graphql_column_map_is_the_declared_columns():
    # A selected field answers from the columns its declaration reads.
    assert set(types.MOVIE_FIELD_COLUMNS) == _graphql_names(shapes.MOVIE_DETAIL) | {"__typename"}
    assert types.MOVIE_FIELD_COLUMNS["posterUrl"] == ("poster",)
    assert types.MOVIE_FIELD_COLUMNS["year"] == ("release_date",)
    assert types.MOVIE_FIELD_COLUMNS["genres"] == ()


def test_a_field_of_a_kind_no_door_knows_is_refused_when_the_doors_build():
    # given a declared field of a kind the doors were not taught
    from bench.variants import _B1_VALUES
    from movies.api.serializers import _RENDER, _rest_field
    from movies.graphql.types import _graphql_field

    stray = shapes.Field("stray", "hologram", "A kind nobody renders.", None)
    # then each door refuses it (the import of the door would fail)
    with pytest.raises(TypeError, match="stray"):
        _rest_field(stray)
    with pytest.raises(TypeError, match="stray"):
        _graphql_field(stray)
    for templates in (_RENDER, _B1_VALUES):
        with pytest.raises(TypeError, match="stray"):
            shapes.Shape((stray,)).renderer(templates, params="movie", namespace={})


def test_a_name_that_is_not_an_identifier_is_refused():
    # Names go into the generated renderer: only identifiers are accepted.
    with pytest.raises(ValueError, match="identifier"):
        shapes.Field("title']; import os; x = x['", shapes.Kind.TEXT, "Bad.", "")


def test_every_declared_field_reads_model_columns_that_exist():
    from movies.models import Movie

    names = {field.name for field in Movie._meta.concrete_fields}
    for field in shapes.MOVIE_DETAIL.fields:
        assert set(field.columns) <= names, field.name
