"""Benchmark baselines B0-B5 (docs/performance.md), served under /__bench__/ by bench/urls.py.

Each is the floor of one layer, so the endpoints are measured as ratios to them:

- B0 `b0/`: precomputed bytes; framework and server overhead only.
- B1 `b1/` (list, `page` and `page_size` like the endpoint) and `b1/<id>/` (detail):
  the movie endpoints' SQL through `.values()` (the list's total memoised like theirs),
  stitched by hand and encoded with orjson. No serializer, no DRF. Its body equals the
  endpoint's for an anonymous caller (tested).
- B2 `b2/`: the SQL the movie list endpoint ran, replayed on a raw cursor (DB floor).
- B3 `b3/`: a naive DRF list (ModelSerializer, no select/prefetch): 2 + 2N queries.
- B4 `b4/`: G1 through `schema.execute` directly, without the GraphQL view.
- B5 `b5/`: G1 from a document parsed and validated once, run by `graphql.execute`.

Never part of the product URLs: only bench/urls.py (the bench settings' ROOT_URLCONF)
includes them (tests/test_query_budget.py proves the product routes lack them).
"""

import functools

import orjson
from django.conf import settings
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, HttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from graphql import execute, parse, validate
from rest_framework import generics, permissions, serializers

from core.caching.counts import exact_count
from core.pagination import PageNumberPagination
from movies.models import RATING_STATS_FIELDS, Actor, Casting, CrewCredit, Genre, Keyword, Movie
from movies.selectors import movie_rating_stats, movie_review_stats
from movies.shapes import MOVIE_CARD, MOVIE_DETAIL, Kind, Shape

# The GraphQL scenarios (docs/performance.md) with this schema's field names.
G1_QUERY = (
    "query G1 { allMovies(first: 20) { edges { node { id title year averageRating "
    "reviewCount genres { id name } actors { id name } } } } }"
)
G3_QUERY = G1_QUERY.replace("first: 20", "first: 100").replace("query G1", "query G3")
G5_QUERY = "query G5($id: ID!) { movie(id: $id) { title } }"

# The columns the movie card and detail read (movies/shapes.py), for `.values()`. The
# detail's rating stats (both summaries) are read by a query of their own, as B1 always has.
MOVIE_FIELDS = MOVIE_CARD.columns()
_STATS_KINDS = (Kind.RATING_STATS, Kind.REVIEW_STATS)
DETAIL_FIELDS = Shape(
    tuple(field for field in MOVIE_DETAIL.fields if field.kind not in _STATS_KINDS)
).columns()
ORJSON_OPTIONS = orjson.OPT_UTC_Z


def _default(value):
    # Decimal ratings: a JSON number with their two decimals, as the endpoint renders them.
    return float(value)


def _json(data, status=200) -> HttpResponse:
    body = orjson.dumps(data, default=_default, option=ORJSON_OPTIONS)
    return HttpResponse(body, status=status, content_type="application/json")


# --- B0 ---------------------------------------------------------------------------

B0_BODY = orjson.dumps({"count": 0, "next": None, "previous": None, "results": []})


def b0_view(request):
    """B0: precomputed bytes."""
    return HttpResponse(B0_BODY, content_type="application/json")


# --- B1 ---------------------------------------------------------------------------


# Each kind's value in B1's body, from a `.values()` row: the endpoint's value written the
# cheapest way (dates and decimals are left to orjson). A generated dict literal per
# shape (`Shape.renderer`), as the endpoint's serializer has.
_B1_VALUES = {
    Kind.ID: "row['{source}']",
    Kind.INT: "row['{source}']",
    Kind.TEXT: "row['{source}']",
    Kind.DATE: "row['{source}']",
    Kind.DATETIME: "row['{source}']",
    Kind.DECIMAL: "row['{source}']",
    Kind.YEAR: "(v.year if (v := row['{source}']) else None)",
    Kind.FILE: "(request.build_absolute_uri(media + v) if (v := row['{source}']) else None)",
    Kind.GENRES: "genres_of[row['id']]",
    Kind.ACTORS: "[{{'id': c[0], 'name': c[1]}} for c in cast_of[row['id']]]",
    Kind.CAST: (
        "[{{'actor': {{'id': c[0], 'name': c[1]}}, 'character': c[2], 'order': c[3]}}"
        " for c in cast_of[row['id']]]"
    ),
    Kind.CREW: "_crew_of(row['id'])",  # the detail's only: one query of its own
    Kind.KEYWORDS: "_keywords_of(row['id'])",
    Kind.MY_STATE: "None",  # anonymous
    # One query for the statistics columns; the deprecated summary (declared after it)
    # reuses the row.
    Kind.RATING_STATS: "movie_rating_stats(movie=(stats := _stats_of(row['id'])))",
    Kind.REVIEW_STATS: "movie_review_stats(movie=stats)",
}


def _keywords_of(movie_id: int) -> list[dict]:
    return list(Keyword.objects.filter(movies=movie_id).values("id", "name"))


def _stats_of(movie_id: int) -> Movie:
    return Movie.objects.only(*RATING_STATS_FIELDS).get(pk=movie_id)


def _crew_of(movie_id: int) -> list[dict]:
    return [
        {"person": {"id": person_id, "name": name}, "job": job, "department": department}
        for person_id, name, job, department in CrewCredit.objects.filter(movie_id=movie_id)
        .order_by("order", "id")
        .values_list("person_id", "person__name", "job", "department")
    ]


def _b1_renderer(shape: Shape, label: str):
    return shape.renderer(
        _B1_VALUES,
        params="row, genres_of, cast_of, request, media",
        namespace={
            "movie_rating_stats": movie_rating_stats,
            "movie_review_stats": movie_review_stats,
            "_stats_of": _stats_of,
            "_crew_of": _crew_of,
            "_keywords_of": _keywords_of,
        },
        label=label,
    )


B1_CARD = _b1_renderer(MOVIE_CARD, "B1 card")
B1_DETAIL = _b1_renderer(MOVIE_DETAIL, "B1 detail")


def _movie_rows(rows: list[dict], request, render) -> list[dict]:
    """Movie rows from `.values()` with genres and actors stitched in (2 queries), each
    rendered by `render` (B1_CARD or B1_DETAIL)."""
    ids = [row["id"] for row in rows]
    genres = (
        Movie.genres.through.objects.filter(movie_id__in=ids)
        .order_by("genre__name", "genre_id")
        .values_list("movie_id", "genre_id", "genre__name")
    )
    castings = (
        Casting.objects.filter(movie_id__in=ids)
        .order_by("order", "id")
        .values_list("movie_id", "actor_id", "actor__name", "character", "order")
    )
    genres_of = {movie_id: [] for movie_id in ids}
    for movie_id, genre_id, name in genres:
        genres_of[movie_id].append({"id": genre_id, "name": name})
    cast_of = {movie_id: [] for movie_id in ids}
    for movie_id, actor_id, name, character, order in castings:
        cast_of[movie_id].append((actor_id, name, character, order))
    media = settings.MEDIA_URL
    return [render(row, genres_of, cast_of, request, media) for row in rows]


def _page_link(request, number):
    if number is None:
        return None
    query = request.GET.copy()
    if number == 1:
        query.pop("page", None)
    else:
        query["page"] = str(number)
    encoded = query.urlencode()
    return request.build_absolute_uri(request.path + (f"?{encoded}" if encoded else ""))


def b1_list_view(request):
    """B1 list: COUNT, one page of `.values()`, genres, castings; stitched; orjson.

    The total comes from `exact_count`, as the endpoint's does (memoised per catalog
    generation), so B1 stays the floor of the same work.
    """
    try:
        size = min(max(int(request.GET.get("page_size", 20)), 1), 100)
        number = max(int(request.GET.get("page", 1)), 1)
    except ValueError:
        return _json({"detail": "bad page"}, status=400)
    queryset = Movie.objects.order_by("-created_at", "-id")
    count = exact_count(queryset)
    offset = (number - 1) * size
    if offset and offset >= count:
        raise Http404
    rows = _movie_rows(
        list(queryset.values(*MOVIE_FIELDS)[offset : offset + size]), request, B1_CARD
    )
    return _json(
        {
            "count": count,
            "next": _page_link(request, number + 1 if offset + size < count else None),
            "previous": _page_link(request, number - 1 if number > 1 else None),
            "results": rows,
        }
    )


def b1_detail_view(request, movie_id):
    """B1 detail: the movie's row, genres, castings, crew, keywords and review stats (6
    queries)."""
    found = list(Movie.objects.filter(pk=movie_id).values(*DETAIL_FIELDS)[:21])
    if not found:
        raise Http404
    (row,) = _movie_rows(found, request, B1_DETAIL)
    return _json(row)


# --- B2 ---------------------------------------------------------------------------

_replay: dict[str, list[str]] = {}


def capture_sql(path_info: str) -> list[str]:
    """The SQL statements the endpoint at `path_info` runs for an anonymous GET."""
    from django.test import Client

    with CaptureQueriesContext(connection) as captured:
        response = Client().get(path_info, HTTP_ACCEPT="application/json")
    if response.status_code != 200:
        raise RuntimeError(f"{path_info} answered {response.status_code}")
    return [query["sql"] for query in captured.captured_queries]


def b2_view(request):
    """B2: the movie list endpoint's SQL, captured once, replayed on a raw cursor."""
    target = request.GET.get("path", "/api/movies/")
    if target not in _replay:
        if not target.startswith("/api/"):
            raise Http404
        _replay[target] = capture_sql(target)
    rows = 0
    with connection.cursor() as cursor:
        for sql in _replay[target]:
            cursor.execute(sql)
            rows += len(cursor.fetchall())
    return _json({"statements": len(_replay[target]), "rows": rows})


# --- B3 ---------------------------------------------------------------------------


class NaiveGenreSerializer(serializers.ModelSerializer):
    """Genre as ModelSerializer (naive baseline)."""

    class Meta:
        model = Genre
        fields = ["id", "name"]


class NaiveActorSerializer(serializers.ModelSerializer):
    """Actor as ModelSerializer (naive baseline)."""

    class Meta:
        model = Actor
        fields = ["id", "name"]


class NaiveMovieSerializer(serializers.ModelSerializer):
    """The movie list shape the textbook way: nested ModelSerializers, no prefetch."""

    genres = NaiveGenreSerializer(many=True, read_only=True)
    actors = NaiveActorSerializer(many=True, read_only=True)

    class Meta:
        model = Movie
        fields = [*MOVIE_FIELDS, "genres", "actors"]


class NaivePagination(PageNumberPagination):
    # Naive: a COUNT on every request, as DRF does out of the box (no memoised total).
    django_paginator_class = Paginator


class NaiveMovieList(generics.ListAPIView):
    """B3: a naive DRF list; each movie costs two more queries (genres, actors)."""

    queryset = Movie.objects.order_by("-created_at", "-id")
    serializer_class = NaiveMovieSerializer
    pagination_class = NaivePagination
    permission_classes = [permissions.AllowAny]


# --- B4 / B5 ----------------------------------------------------------------------


def _schema():
    from movie_api.schema import schema

    return schema


def b4_view(request):
    """B4: G1 through graphene's `schema.execute`, no GraphQL view."""
    result = _schema().execute(G1_QUERY, context_value=request)
    if result.errors:
        return _json({"errors": [str(error) for error in result.errors]}, status=500)
    return _json({"data": result.data})


@functools.cache
def _g1_document():
    schema = _schema().graphql_schema
    document = parse(G1_QUERY)
    errors = validate(schema, document)
    if errors:
        raise RuntimeError(f"G1 does not validate: {errors}")
    return schema, document


def b5_view(request):
    """B5: G1 from a cached parsed and validated document, run by `graphql.execute`."""
    schema, document = _g1_document()
    result = execute(schema, document, context_value=request)
    if result.errors:
        return _json({"errors": [str(error) for error in result.errors]}, status=500)
    return _json({"data": result.data})


urlpatterns = [
    path("b0/", b0_view, name="bench-b0"),
    path("b1/", b1_list_view, name="bench-b1"),
    path("b1/<int:movie_id>/", b1_detail_view, name="bench-b1-detail"),
    path("b2/", b2_view, name="bench-b2"),
    path("b3/", NaiveMovieList.as_view(), name="bench-b3"),
    path("b4/", csrf_exempt(b4_view), name="bench-b4"),
    path("b5/", csrf_exempt(b5_view), name="bench-b5"),
]
