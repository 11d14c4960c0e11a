"""REST similar movies: `GET /api/movies/{id}/similar/?first=20`.

The rows come from `movies.selectors.movie_similar` (ranked, with what each shares);
each movie is shown as a credit shows it (`shapes.CREDIT_MOVIE`: id, title, year,
poster), read for the whole answer in one query. The answer is the same for every
caller, so all of it is the shared part (`core.caching.shared`), stored under the
generations of the tables it read (movies, genre and keyword links, castings, crew
credits, genres, keywords, people) and served while they are current; anonymous
answers are also stored whole by the response cache (docs/caching.md).
"""

from drf_yasg import openapi
from rest_framework import serializers

from core.caching import shared
from core.errors import NotFound
from core.ids import to_db_id
from movies import selectors
from movies.api.people import CreditMovieSerializer
from movies.api.serializers import NamedRefSerializer
from movies.models import Movie
from movies.selectors.similar import DEFAULT_SIMILAR, MAX_SIMILAR
from movies.shapes import CREDIT_MOVIE

_movie = CreditMovieSerializer._render

FIRST_PARAMETER = openapi.Parameter(
    "first",
    openapi.IN_QUERY,
    description=f"How many, best first: {DEFAULT_SIMILAR} by default, 1 to {MAX_SIMILAR}.",
    type=openapi.TYPE_INTEGER,
    minimum=1,
    maximum=MAX_SIMILAR,
)


def _refs(help_text: str) -> NamedRefSerializer:
    return NamedRefSerializer(many=True, read_only=True, help_text=help_text)


class SimilarReasonsSerializer(serializers.Serializer):
    """What a similar movie shares with the movie asked about, each list by name."""

    genres = _refs("Shared genres.")
    people = _refs("People in the cast or crew of both.")
    keywords = _refs("Shared keywords.")


class SimilarMovieSerializer(serializers.Serializer):
    """One similar movie: `{movie: {id, title, year, poster}, score, because}`."""

    movie = CreditMovieSerializer(read_only=True)
    score = serializers.IntegerField(
        read_only=True,
        help_text="3 per shared person, 2 per shared keyword, 1 per shared genre.",
    )
    because = SimilarReasonsSerializer(read_only=True)


class SimilarPageSerializer(serializers.Serializer):
    """The similar movies, best first (ties: lowest id first)."""

    results = SimilarMovieSerializer(many=True, read_only=True)


def _refs_data(refs) -> list[dict]:
    return [{"id": ref.id, "name": ref.name} for ref in refs]


def similar_data(view, request, movie_id) -> dict:
    """The similar movies of `movie_id`: the shared part on a hit, else computed (a
    missing movie is NotFound, a bad `first` Invalid; neither is stored)."""

    def compute() -> dict:
        pk = to_db_id(movie_id)
        rows = (
            None
            if pk is None
            else selectors.movie_similar(movie=pk, first=request.query_params.get("first") or None)
        )
        if rows is None:
            raise NotFound.of("movie", movie_id)
        columns = [column for column in CREDIT_MOVIE.columns() if column != "id"]
        movies = Movie.objects.only(*columns).in_bulk([row.movie_id for row in rows])
        # The poster's absolute URL needs the request, from the serializer's context.
        serializer = CreditMovieSerializer(context=view.get_serializer_context())
        return {
            "results": [
                {
                    "movie": _movie(serializer, movies[row.movie_id]),
                    "score": row.score,
                    "because": {kind: _refs_data(refs) for kind, refs in row.because.items()},
                }
                for row in rows
            ]
        }

    # Nothing of the caller's own: the whole answer is shared, nothing to blank or add.
    return shared.answer(request, "movies:similar", compute=compute, split=dict, merge=_same)


def _same(data: dict) -> dict:
    return data
