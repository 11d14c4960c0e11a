"""Catalog queries: the same selectors and FilterSets as the REST list views."""

import graphene
from django.db.models import prefetch_related_objects
from graphene.utils.str_converters import to_snake_case

from movie_api.graphql_utils import page_args, paginate, renamed_fields, selection
from movies import selectors
from movies.graphql.types import (
    Actor,
    ActorConnection,
    Genre,
    GenreConnection,
    Movie,
    MovieConnection,
    Review,
    ReviewConnection,
    load_refs,
    movie_lookups,
    prime_movie_states,
    reviews_queryset,
)
from movies.models import RATING_MAX, RATING_MIN

RATING_RANGE = f"{RATING_MIN}-{RATING_MAX}"

# GraphQL argument -> MovieFilterSet name (the REST query parameter).
MOVIE_FILTERS = {
    "search": "search",
    "title": "title",
    "genre": "genre",
    "actor": "actor",
    "min_rating": "min_rating",
    "max_rating": "max_rating",
    "year": "year",
    "min_year": "min_year",
    "max_year": "max_year",
    "imdb_id": "imdb_id",
    "tmdb_id": "tmdb_id",
    "order_by": "ordering",
}


def ordering_value(order_by: str) -> str:
    """`orderBy` takes the REST names (`-average_rating`) or camelCase (`-averageRating`)."""
    keys = []
    for key in order_by.split(","):
        key = key.strip()
        sign = "-" if key.startswith("-") else ""
        keys.append(sign + to_snake_case(key.lstrip("-")))
    return ",".join(keys)


def movie_filters(arguments: dict) -> dict:
    """The filter dict `movie_list` takes, from allMovies' arguments."""
    filters = {
        MOVIE_FILTERS[name]: value
        for name, value in arguments.items()
        if name in MOVIE_FILTERS and value is not None
    }
    if "ordering" in filters:
        filters["ordering"] = ordering_value(filters["ordering"])
    return filters


def movie_page(info, queryset, first, after, *, node_path=("edges", "node")):
    """A page of movies with exactly the prefetches its selection needs."""
    sel = selection(info).child(*node_path)
    queryset = queryset.prefetch_related(None).prefetch_related(*movie_lookups(sel, refs=True))
    page = paginate(queryset, first=first, after=after)
    load_refs(page.rows, sel)
    prime_movie_states(info, page.rows, sel)
    return page


# GraphQL argument -> ReviewFilterSet name (the REST query parameter).
REVIEW_FILTERS = {
    "movie": "movie",
    "user": "user",
    "rating": "rating",
    "min_rating": "min_rating",
    "max_rating": "max_rating",
    "genre": "genre",
    "text": "text",
    "order_by": "ordering",
}


def review_page(info, filters, first, after):
    """A page of `review_list(filters)`, nested movies prefetched as selected."""
    sel = selection(info).child("edges", "node")
    with renamed_fields(ordering="orderBy"):
        queryset = reviews_queryset(sel, filters)
    page = paginate(queryset, first=first, after=after)
    movies = [review.movie for review in page.rows]
    if "movie" in sel:
        load_refs(movies, sel.child("movie"))
    prime_movie_states(info, movies, sel.child("movie"))
    return page


class Query(graphene.ObjectType):
    """Catalog reads: movies, genres, actors (public)."""

    movie = graphene.Field(
        Movie,
        id=graphene.ID(required=True, description="Database id of the movie."),
        description="One movie; null when there is no such movie.",
    )
    all_movies = graphene.Field(
        MovieConnection,
        search=graphene.String(description="Case-insensitive text in the title or plot."),
        title=graphene.String(description="Case-insensitive substring of the title."),
        genre=graphene.String(description="Genre id, or genre name (case-insensitive)."),
        actor=graphene.String(description="Actor id, or part of an actor's name."),
        min_rating=graphene.Float(description=f"Average rating at least this (0-{RATING_MAX})."),
        max_rating=graphene.Float(description=f"Average rating at most this (0-{RATING_MAX})."),
        year=graphene.Int(description="Release year."),
        min_year=graphene.Int(description="Released in this year or later."),
        max_year=graphene.Int(description="Released in this year or earlier."),
        imdb_id=graphene.String(description="IMDb id, e.g. tt0133093."),
        tmdb_id=graphene.Int(description="TMDB id."),
        order_by=graphene.String(
            description="title, release_date, average_rating, review_count or created_at "
            "(camelCase accepted), `-` for descending, comma-separated; newest first by "
            "default. Same as REST `ordering`."
        ),
        **page_args(),
        description="Movies matching the filters, a page at a time (same filters and order "
        "as GET /api/movies/).",
    )
    genre = graphene.Field(
        Genre,
        id=graphene.ID(required=True, description="Database id of the genre."),
        description="One genre; null when there is no such genre.",
    )
    all_genres = graphene.Field(
        GenreConnection,
        name=graphene.String(description="Case-insensitive substring of the name."),
        **page_args(),
        description="Genres by name, a page at a time.",
    )
    actor = graphene.Field(
        Actor,
        id=graphene.ID(required=True, description="Database id of the actor."),
        description="One actor; null when there is no such actor.",
    )
    all_actors = graphene.Field(
        ActorConnection,
        name=graphene.String(description="Case-insensitive substring of the name."),
        **page_args(),
        description="Actors by name, a page at a time.",
    )

    all_reviews = graphene.Field(
        ReviewConnection,
        movie=graphene.ID(description="Reviews of this movie (database id)."),
        user=graphene.ID(description="Reviews by this user (database id)."),
        rating=graphene.Int(description=f"Exactly this rating ({RATING_RANGE})."),
        min_rating=graphene.Int(description=f"Rating at least this ({RATING_RANGE})."),
        max_rating=graphene.Int(description=f"Rating at most this ({RATING_RANGE})."),
        genre=graphene.String(description="Reviews of movies in this genre: id or name."),
        text=graphene.String(description="Case-insensitive substring of the text."),
        order_by=graphene.String(
            description="created_at, updated_at or rating (camelCase accepted), `-` for "
            "descending; newest first by default. Same as REST `ordering`."
        ),
        **page_args(),
        description="Reviews matching the filters, a page at a time (same as "
        "GET /api/movies/reviews/).",
    )
    review = graphene.Field(
        Review,
        id=graphene.ID(required=True, description="Database id of the review."),
        description="One review; null when there is no such review.",
    )

    @staticmethod
    def resolve_all_reviews(root, info, first=None, after=None, **arguments):
        filters = {
            REVIEW_FILTERS[name]: value
            for name, value in arguments.items()
            if name in REVIEW_FILTERS and value is not None
        }
        if "ordering" in filters:
            filters["ordering"] = ordering_value(filters["ordering"])
        return review_page(info, filters, first, after)

    @staticmethod
    def resolve_review(root, info, id):
        review = selectors.review_get(review_id=id)
        if review is not None:
            sel = selection(info)
            if "movie" in sel:
                lookups = movie_lookups(sel.child("movie"), prefix="movie__", refs=True)
                if lookups:
                    prefetch_related_objects([review], *lookups)
                load_refs([review.movie], sel.child("movie"))
                prime_movie_states(info, [review.movie], sel.child("movie"))
        return review

    @staticmethod
    def resolve_movie(root, info, id):
        sel = selection(info)
        # Prefetch only what the selection reads: `movie(id) { title }` is one query.
        movie = selectors.movie_get(movie_id=id, lookups=movie_lookups(sel, refs=True))
        if movie is None:
            return None
        load_refs([movie], sel)
        prime_movie_states(info, [movie], sel)
        return movie

    @staticmethod
    def resolve_all_movies(root, info, first=None, after=None, **arguments):
        with renamed_fields(ordering="orderBy"):
            queryset = selectors.movie_list(filters=movie_filters(arguments))
        return movie_page(info, queryset, first, after)

    @staticmethod
    def resolve_genre(root, info, id):
        return selectors.genre_get(genre_id=id)

    @staticmethod
    def resolve_all_genres(root, info, name=None, first=None, after=None):
        filters = {"name": name} if name is not None else {}
        return paginate(selectors.genre_list(filters=filters), first=first, after=after)

    @staticmethod
    def resolve_actor(root, info, id):
        return selectors.actor_get(actor_id=id)

    @staticmethod
    def resolve_all_actors(root, info, name=None, first=None, after=None):
        filters = {"name": name} if name is not None else {}
        return paginate(selectors.actor_list(filters=filters), first=first, after=after)
