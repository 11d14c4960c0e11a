"""REST door of discovery: thin views over discovery.trending and
discovery.recommendations.

- `/api/movies/trending/`           GET, anyone (`?window=day|week`, `?limit=`);
- `/api/users/me/recommendations/`  GET, the signed-in caller (`?limit=`).
"""

from django.utils import timezone
from drf_yasg import openapi
from drf_yasg.utils import swagger_auto_schema
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.caching import shared
from discovery import recommendations, trending
from discovery.api import serializers as s
from movies import selectors
from movies.api.serializers import MovieSerializer
from movies.viewer_state import movie_states_for, untouched_states

SCORE_DIGITS = 6

_LIMIT = openapi.Parameter(
    "limit",
    openapi.IN_QUERY,
    description=f"How many movies (default {trending.LIMIT_DEFAULT}).",
    type=openapi.TYPE_INTEGER,
    minimum=1,
    maximum=trending.TRENDING_MAX,
)


def movie_cards(request, movie_ids: list[int], *, unseen: bool = False) -> dict[int, dict]:
    """The cards of `movie_ids` (as the movie list shows them), by id: two queries (the
    movies from a statement compiled once, their refs), and the caller's `my_state` for
    all of them at once (three more), or none when the caller is known never to have
    touched them (`unseen`: their state is the blank one)."""
    movies = selectors.movies_by_ids(movie_ids)
    if unseen:
        states = untouched_states(movie_ids)
    else:
        states = movie_states_for(user=request.user, movie_ids=movie_ids)
    context = {"request": request, "my_states": states}
    cards = MovieSerializer(movies, many=True, context=context).data
    return {card["id"]: card for card in cards}


def _blank_states(data: dict) -> dict:
    """The part every caller of the URL shares: `my_state` blanked in a copy."""
    results = [{**row, "movie": {**row["movie"], "my_state": None}} for row in data["results"]]
    return {**data, "results": results}


def _fill_states(request, data: dict) -> dict:
    """`data` with the caller's `my_state` filled in (three queries; none anonymous)."""
    cards = [row["movie"] for row in data["results"]]
    if request.user.is_authenticated:
        states = movie_states_for(user=request.user, movie_ids=[card["id"] for card in cards])
        for card in cards:
            card["my_state"] = states[card["id"]]
    return data


def cached_answer(request, kind: str, compute) -> dict:
    """`compute()`'s data, from the cache while the generations of every table it read
    are current (core/caching/shared.py): the cards and scores are stored once, the
    caller's `my_state` is read fresh. `kind` holds what the URL does not say."""
    return shared.answer(
        request,
        kind,
        compute=compute,
        split=_blank_states,
        merge=lambda data: _fill_states(request, data),
    )


def rows_data(request, rows, *, unseen: bool = False) -> list[dict]:
    """(movie id, score, extra fields) rows with each movie's card (`unseen` as in
    `movie_cards`); a movie deleted since the ranking was stored is left out."""
    cards = movie_cards(request, [movie_id for movie_id, _score, _extra in rows], unseen=unseen)
    return [
        {"movie": cards[movie_id], "score": round(score, SCORE_DIGITS), **extra}
        for movie_id, score, extra in rows
        if movie_id in cards
    ]


class TrendingView(APIView):
    """The movies with the most recent activity (ratings, reviews, list adds, diary
    entries), decayed by age: `?window=day` (default) or `week`."""

    permission_classes = [AllowAny]

    @swagger_auto_schema(
        manual_parameters=[
            openapi.Parameter(
                "window",
                openapi.IN_QUERY,
                description=f"day (default) or week. {trending.WINDOW_MESSAGE}",
                type=openapi.TYPE_STRING,
                enum=list(trending.WINDOWS),
            ),
            _LIMIT,
        ],
        responses={200: s.TrendingSerializer},
    )
    def get(self, request):
        window = trending.window_clean(request.query_params.get("window"))
        limit = trending.limit_clean(request.query_params.get("limit"))
        now = timezone.now()
        end = trending.as_of(now)

        def compute():
            ranked = trending.trending(window=window, now=now)[:limit]
            return {
                "window": window,
                "as_of": end.isoformat().replace("+00:00", "Z"),
                "results": rows_data(request, [(m, score, {}) for m, score in ranked]),
            }

        # Keyed by the hour too: the next hour's ranking is another answer.
        return Response(cached_answer(request, f"discovery:trending:{end.isoformat()}", compute))


class RecommendationsView(APIView):
    """Movies for the caller: liked by the people who liked what the caller liked
    (`source: personal`), or the week's trending ones for a caller with no likes yet
    (`source: trending`); never one the caller rated, listed or logged."""

    permission_classes = [IsAuthenticated]

    @swagger_auto_schema(manual_parameters=[_LIMIT], responses={200: s.RecommendationsSerializer})
    def get(self, request):
        limit = trending.limit_clean(request.query_params.get("limit"))

        def compute():
            found = recommendations.recommendations(user=request.user, limit=limit)
            rows = [(row.movie_id, row.score, {"because": row.because}) for row in found.rows]
            # Never a movie the caller rated, listed or logged: its my_state is the
            # blank one, known without reading the caller's ratings, lists and diary
            # again (they were read to leave those movies out).
            return {"source": found.source, "results": rows_data(request, rows, unseen=True)}

        # Per caller: the answer is theirs, my_state included, so it is stored whole and
        # served as stored (no query on a hit). It read the caller's ratings, list
        # entries and diary, so any write there leaves it dead, as it would change the
        # movies and their blank my_state. A trending answer depends on the clock and is
        # never stored here (trending caches its ranking itself). "whole": not the key
        # of the entries stored with my_state blanked before, which must not be served.
        kind = f"discovery:recommendations:whole:{request.user.pk}"
        return Response(shared.remembered(shared.key(request, kind), compute))
