"""The speed-ups of the movie REST reads give exactly what DRF's generic code gives.

MovieSerializer/MovieDetailSerializer render their declared fields with a function
generated from movies/shapes.py, and the catalog views render with orjson; both must stay
byte-for-byte what the generic field loop and DRF's JSONRenderer produce, for awkward
values too (no date, a poster, a non-ASCII title with U+2028, a signed-in caller's
my_state).
"""

from decimal import Decimal

import pytest
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.test import APIRequestFactory, force_authenticate

from movies import selectors
from movies.api.serializers import MovieDetailSerializer, MovieSerializer
from movies.api.views import ORJSONRenderer
from movies.tests.factories import ActorFactory, GenreFactory, MovieFactory, ReviewFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def movies(user):
    plain = MovieFactory(
        genres=[GenreFactory(name="Drama"), GenreFactory(name="Crime")],
        actors=[ActorFactory(name="Zoë Ångström"), ActorFactory(name="Al")],
    )
    odd = MovieFactory(title="Line\u2028sep — “quoted” \U0001f3ac", release_date=None, imdb_id=None)
    odd.poster.name = "posters/odd.png"
    odd.save()
    ReviewFactory(movie=plain, user=user, rating=4)
    return [plain, odd]


def request_for(user=None):
    request = APIRequestFactory().get("/api/movies/")
    if user is not None:
        force_authenticate(request, user=user)
        request.user = user
    return request


@pytest.mark.parametrize("signed_in", [False, True])
def test_movie_card_equals_the_generic_field_loop(movies, user, signed_in):
    # given movies read the way the list reads them, for an anonymous or signed-in caller
    ids = [movie.pk for movie in movies]
    lean = {m.pk: m for m in selectors.movie_queryset(refs_only=True).filter(pk__in=ids)}
    full = {m.pk: m for m in selectors.movie_queryset().filter(pk__in=ids)}
    context = {"request": request_for(user if signed_in else None)}
    bodies = {}
    for pk in ids:
        serializer = MovieSerializer(context=context)
        # when the hand-written path (over either prefetch) and DRF's generic loop render it
        fast = serializer.to_representation(lean[pk])
        fast_full = serializer.to_representation(full[pk])
        generic = serializers.Serializer.to_representation(serializer, full[pk])
        # then all give the same keys, order and values
        assert list(fast.items()) == list(generic.items()) == list(fast_full.items())
        bodies[pk] = fast
    assert bodies[movies[1].pk]["poster"] == "http://testserver/media/posters/odd.png"
    assert bodies[movies[1].pk]["year"] is None


def test_movie_detail_equals_the_generic_field_loop(movies, user):
    # given one movie with cast and review stats
    lean = selectors.movie_queryset(refs_only=True).get(pk=movies[0].pk)
    full = selectors.movie_queryset().get(pk=movies[0].pk)
    context = {
        "request": request_for(user),
        "review_stats": selectors.movie_review_stats(movie=full),
    }
    serializer = MovieDetailSerializer(context=context)
    # when both paths render it
    fast = serializer.to_representation(lean)
    generic = serializers.Serializer.to_representation(serializer, full)
    # then they agree, cast included
    assert list(fast.items()) == list(generic.items())
    assert fast["cast"][0]["actor"]["name"] == "Zoë Ångström"
    assert fast["my_state"]["rating"] == 4


def test_orjson_renderer_bytes_equal_drf_json_renderer(movies):
    # given a list body with decimals, dates, non-ASCII and U+2028/U+2029
    rows = list(selectors.movie_queryset(refs_only=True).order_by("id"))
    data = {
        "results": MovieSerializer(rows, many=True, context={"request": request_for()}).data,
        "decimal": Decimal("3.50"),
        "text": "a\u2029b",
        "none": None,
    }
    # when both renderers encode it
    fast = ORJSONRenderer().render(data)
    reference = JSONRenderer().render(data)
    # then the bytes are identical
    assert fast == reference
    assert b"\\u2028" in fast


def test_orjson_renderer_honours_an_indent_request(movies):
    # given a client asking for indented JSON
    data = {"a": [1, 2]}
    # when rendered
    body = ORJSONRenderer().render(data, "application/json; indent=2", {})
    # then it is DRF's indented output
    assert body == JSONRenderer().render(data, "application/json; indent=2", {})
    assert b"\n  " in body


def test_graphql_movie_prefetches_only_what_is_selected(movies, gql, django_assert_num_queries):
    # given a movie with genres and actors
    movie_id = str(movies[0].pk)
    # when only the title is asked for, then one query runs
    with django_assert_num_queries(1):
        title = gql("query($id: ID!) { movie(id: $id) { title } }", {"id": movie_id})
    assert title["data"]["movie"]["title"] == movies[0].title


def test_graphql_actor_fields_beyond_name_still_load_in_one_query(
    movies, gql, django_assert_num_queries
):
    # given actors with a bio (not an id/name-only selection)
    movies[0].actors.update(bio="Born somewhere.")
    query = (
        "query($id: ID!) { movie(id: $id) { genres { name } actors { name bio } "
        "cast { actor { birthDate } character } } }"
    )
    # when the movie is read with those fields, then movie + genres + actors = 3 queries
    with django_assert_num_queries(3):
        body = gql(query, {"id": str(movies[0].pk)})
    # and every field is there
    movie = body["data"]["movie"]
    assert [actor["bio"] for actor in movie["actors"]] == ["Born somewhere."] * 2
    assert {genre["name"] for genre in movie["genres"]} == {"Drama", "Crime"}
    assert len(movie["cast"]) == 2
