"""GraphQL door of discovery: `trendingMovies(window:, first:)`, and the
`recommendations(first:)` field it adds to the caller's profile (`me`)."""

import graphene
from django.db.models import prefetch_related_objects
from django.utils import timezone

from core.graphql.auth import require_user
from core.graphql.selection import selection
from discovery import recommendations, trending
from lists.graphql.types import UserProfile
from movies.graphql.types import Movie, load_refs, movie_lookups, prime_movie_states
from movies.models import Movie as MovieModel
from movies.selectors.rows import rows_by_pks

SCORE_DIGITS = 6


class TrendingMovie(graphene.ObjectType):
    """One trending movie and its score."""

    movie = graphene.Field(Movie, required=True, description="The movie.")
    score = graphene.Float(
        required=True, description="Recent activity decayed by age (README.md, 'Discovery')."
    )


class TrendingMovies(graphene.ObjectType):
    """The trending movies of a window (as GET /api/movies/trending/)."""

    window = graphene.String(required=True, description="day or week.")
    as_of = graphene.DateTime(required=True, description="The time the ages are counted to.")
    results = graphene.List(
        graphene.NonNull(TrendingMovie), required=True, description="Best first, ties by id."
    )


class RecommendationSource(graphene.Enum):
    """Where the recommendations come from."""

    PERSONAL = recommendations.PERSONAL
    TRENDING = recommendations.TRENDING

    @property
    def description(self):
        return {
            RecommendationSource.PERSONAL: "From the caller's likes (collaborative filtering).",
            RecommendationSource.TRENDING: "The week's trending movies (no likes to go on).",
        }.get(self)


class Recommendation(graphene.ObjectType):
    """One recommended movie."""

    movie = graphene.Field(Movie, required=True, description="The movie.")
    score = graphene.Float(required=True, description="Sum of the neighbour scores.")
    because = graphene.List(
        graphene.NonNull(graphene.ID),
        required=True,
        description="Ids of the caller's liked movies that led here, the largest share first "
        "(empty when the source is TRENDING).",
    )


class Recommendations(graphene.ObjectType):
    """The caller's recommendations (as GET /api/users/me/recommendations/)."""

    source = graphene.Field(
        RecommendationSource, required=True, description="PERSONAL or TRENDING."
    )
    results = graphene.List(
        graphene.NonNull(Recommendation), required=True, description="Best first, ties by id."
    )


def movie_rows(info, rows, node_path, *, unseen: bool = False) -> list[dict]:
    """(movie id, score, extra) rows with their movies, loaded as the selection needs
    (a fixed number of queries; `unseen`: movies the caller never touched, whose myState
    is known blank without a query); a movie deleted since the ranking was stored is
    left out."""
    sel = selection(info).child(*node_path)
    ids = [movie_id for movie_id, _score, _extra in rows]
    # The rows from a statement compiled once (building the queryset cost more than
    # running it), then what the selection needs, as a queryset's prefetch would.
    movies = rows_by_pks(MovieModel, ids)
    prefetch_related_objects(movies, *movie_lookups(sel, refs=True))
    by_id = {movie.pk: movie for movie in movies}
    load_refs(list(by_id.values()), sel)
    prime_movie_states(info, list(by_id.values()), sel, unseen=unseen)
    return [
        {"movie": by_id[movie_id], "score": round(score, SCORE_DIGITS), **extra}
        for movie_id, score, extra in rows
        if movie_id in by_id
    ]


def _recommendations(root, info, first=None):
    limit = trending.limit_clean(first, field="first")
    found = recommendations.recommendations(user=require_user(info), limit=limit)
    rows = [(row.movie_id, row.score, {"because": row.because}) for row in found.rows]
    # Never a movie the caller rated, listed or logged: myState needs no query.
    results = movie_rows(info, rows, ("results", "movie"), unseen=True)
    return {"source": found.source, "results": results}


class Query(graphene.ObjectType):
    """Discovery reads."""

    trending_movies = graphene.Field(
        TrendingMovies,
        required=True,
        window=graphene.String(description="day (default) or week."),
        first=graphene.Int(description=f"How many movies (default {trending.LIMIT_DEFAULT})."),
        description="The movies with the most recent activity, decayed by age (as GET "
        "/api/movies/trending/).",
    )

    @staticmethod
    def resolve_trending_movies(root, info, window=None, first=None):
        window = trending.window_clean(window)
        limit = trending.limit_clean(first, field="first")
        now = timezone.now()
        ranked = trending.trending(window=window, now=now)[:limit]
        # The response cache keys an anonymous query by its text, not by the hour.
        trending.depends_on_clock()
        rows = [(movie_id, score, {}) for movie_id, score in ranked]
        return {
            "window": window,
            "as_of": trending.as_of(now),
            "results": movie_rows(info, rows, ("results", "movie")),
        }


# The caller's profile type belongs to the lists app, which does not know discovery:
# discovery adds its field here, before the schema is built (movie_api/schema.py
# imports this module through discovery/graphql/schema.py), as the diary does.
UserProfile._meta.fields["recommendations"] = graphene.Field(
    Recommendations,
    required=True,
    first=graphene.Int(description=f"How many movies (default {trending.LIMIT_DEFAULT})."),
    resolver=_recommendations,
    description="Movies for the caller: liked by the people who liked what the caller liked, "
    "or the week's trending ones for a caller with no likes yet; never one the caller rated, "
    "listed or logged (as GET /api/users/me/recommendations/).",
)
