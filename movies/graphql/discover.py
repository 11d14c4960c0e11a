"""GraphQL of discovery: a movie's `keywords` and its `similar` movies.

`Movie.keywords` reads the `keywords` prefetch `keyword_lookups` adds when the field is
selected (one query a page). `Movie.similar(first:)` reads
`movies.selectors.movie_similar` (two queries), then the movies themselves with exactly
what the selection needs, as `movie(id)` reads one (movies/graphql/types.py).
"""

import graphene
from django.db.models import Prefetch

from core.graphql.selection import Selection, selection
from movies import selectors
from movies.models import Keyword as KeywordModel
from movies.models import Movie as MovieModel
from movies.selectors.similar import DEFAULT_SIMILAR, MAX_SIMILAR
from movies.shapes import Kind


class Keyword(graphene.ObjectType):
    """A keyword such as "time travel" (TMDB's keywords)."""

    id = graphene.ID(required=True, description="Database id of the keyword.")
    name = graphene.String(required=True, description="Name, unique regardless of case.")


class PersonRef(graphene.ObjectType):
    """A person as a similar movie's reason names them: `{id, name}` (see `actor(id)`)."""

    id = graphene.ID(required=True, description="Database id of the person (an actor id).")
    name = graphene.String(required=True, description="Full name.")


def _genre_type():
    from movies.graphql.types import Genre

    return Genre


class SimilarReasons(graphene.ObjectType):
    """What a similar movie shares with the movie asked about, each list by name."""

    genres = graphene.List(
        graphene.NonNull(_genre_type), required=True, description="Shared genres."
    )
    people = graphene.List(
        graphene.NonNull(PersonRef),
        required=True,
        description="People in the cast or crew of both.",
    )
    keywords = graphene.List(
        graphene.NonNull(Keyword), required=True, description="Shared keywords."
    )

    @staticmethod
    def resolve_genres(root, info):
        return root["genres"]

    @staticmethod
    def resolve_people(root, info):
        return root["people"]

    @staticmethod
    def resolve_keywords(root, info):
        return root["keywords"]


def _movie_type():
    from movies.graphql.types import Movie

    return Movie


class SimilarMovie(graphene.ObjectType):
    """A movie like another, with its score and what they share."""

    movie = graphene.Field(graphene.NonNull(_movie_type), description="The similar movie.")
    score = graphene.Int(
        required=True, description="3 per shared person, 2 per shared keyword, 1 per shared genre."
    )
    because = graphene.Field(
        graphene.NonNull(SimilarReasons), description="What it shares with the movie."
    )


def keywords_field(common: dict) -> graphene.List:
    """`Movie.keywords`: the movie's keywords by name."""
    return graphene.List(
        graphene.NonNull(Keyword),
        resolver=lambda root, info: selectors.movie_keywords(root),
        **common,
    )


def keyword_lookups(sel: Selection, prefix: str = "") -> list:
    """The keywords prefetch when `keywords` is selected (id and name only)."""
    if "keywords" not in sel:
        return []
    return [Prefetch(f"{prefix}keywords", queryset=KeywordModel.objects.only("id", "name"))]


def _similar(root, info, first=None):
    from movies.graphql.types import load_refs, movie_columns, movie_lookups, prime_movie_states

    rows = selectors.movie_similar(movie=root, first=first) or []
    sel = selection(info).child("movie")
    columns = movie_columns(sel)
    queryset = MovieModel.objects.all() if columns is None else MovieModel.objects.only(*columns)
    lookups = movie_lookups(sel, refs=True)
    movies = queryset.prefetch_related(*lookups).in_bulk([row.movie_id for row in rows])
    found = list(movies.values())
    load_refs(found, sel)
    prime_movie_states(info, found, sel)
    return [
        SimilarMovie(movie=movies[row.movie_id], score=row.score, because=row.because)
        for row in rows
    ]


def similar_field(common: dict) -> graphene.List:
    """`Movie.similar(first:)`: movies like this one, best first."""
    return graphene.List(
        graphene.NonNull(SimilarMovie),
        first=graphene.Int(
            description=f"How many, best first: {DEFAULT_SIMILAR} by default, 1 to {MAX_SIMILAR}."
        ),
        resolver=_similar,
        **common,
    )


# The GraphQL fields of the kinds declared for discovery (movies/shapes.py).
FIELDS = {Kind.KEYWORDS: keywords_field, Kind.SIMILAR: similar_field}
