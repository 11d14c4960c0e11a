"""Catalog queries: the same selectors and FilterSets as the REST list views."""

import graphene
from django.db.models import prefetch_related_objects
from graphene.utils.str_converters import to_snake_case

from core.graphql.arguments import FilterArguments
from core.graphql.auth import current_user
from core.graphql.errors import renamed_fields
from core.graphql.paging import page_args, paginate, paginate_shared
from core.graphql.selection import selection
from core.ids import id_argument
from movies import selectors
from movies.filters import ActorFilterSet, GenreFilterSet, MovieFilterSet, ReviewFilterSet
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
    movie_columns,
    movie_lookups,
    prime_movie_states,
    refs_suffice,
    reviews_queryset,
)

MOVIE_ARGUMENTS = FilterArguments(
    MovieFilterSet,
    rename={"ordering": "order_by"},
    types={"crew": graphene.ID},
    notes={"ordering": "Newest first by default; camelCase keys (-averageRating) work too."},
)
REVIEW_ARGUMENTS = FilterArguments(
    ReviewFilterSet,
    rename={"ordering": "order_by"},
    types={"movie": graphene.ID, "user": graphene.ID},
    notes={"ordering": "camelCase keys (-createdAt) work too."},
)
GENRE_ARGUMENTS = FilterArguments(GenreFilterSet)
ACTOR_ARGUMENTS = FilterArguments(ActorFilterSet)


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
    filters = MOVIE_ARGUMENTS.filters(arguments)
    if "ordering" in filters:
        filters["ordering"] = ordering_value(filters["ordering"])
    return filters


def movie_page(info, queryset, first, after, *, node_path=("edges", "node")):
    """A page of movies with exactly the prefetches its selection needs.

    A signed-in caller's page of rows is shared through the cache (anonymous callers
    get whole answers from the response cache instead); myState is read afterwards,
    for this caller, from the database (docs/caching.md, "Signed-in reads").
    """
    sel = selection(info).child(*node_path)
    queryset = queryset.prefetch_related(None).prefetch_related(*movie_lookups(sel, refs=True))
    if current_user(info) is None:
        page = paginate(queryset, first=first, after=after)
        load_refs(page.rows, sel)
    else:
        # The tag says whether the stored rows carry refs: the SQL does not show it.
        page = paginate_shared(
            queryset,
            first=first,
            after=after,
            prepare=lambda rows: load_refs(rows, sel),
            tag=f"movies refs={refs_suffice(sel)}",
        )
    prime_movie_states(info, page.rows, sel)
    return page


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
        description="One movie; null when there is no such movie (a malformed id: BAD_USER_INPUT).",
    )
    all_movies = graphene.Field(
        MovieConnection,
        **MOVIE_ARGUMENTS.arguments(),
        **page_args(),
        description="Movies matching the filters, a page at a time (same filters and order "
        "as GET /api/movies/).",
    )
    genre = graphene.Field(
        Genre,
        id=graphene.ID(required=True, description="Database id of the genre."),
        description="One genre; null when there is no such genre (a malformed id: BAD_USER_INPUT).",
    )
    all_genres = graphene.Field(
        GenreConnection,
        **GENRE_ARGUMENTS.arguments(),
        **page_args(),
        description="Genres by name, a page at a time.",
    )
    actor = graphene.Field(
        Actor,
        id=graphene.ID(required=True, description="Database id of the actor."),
        description="One actor; null when there is no such actor (a malformed id: BAD_USER_INPUT).",
    )
    all_actors = graphene.Field(
        ActorConnection,
        **ACTOR_ARGUMENTS.arguments(),
        **page_args(),
        description="Actors by name, a page at a time.",
    )

    all_reviews = graphene.Field(
        ReviewConnection,
        **REVIEW_ARGUMENTS.arguments(),
        **page_args(),
        description="Reviews matching the filters, a page at a time (same as "
        "GET /api/movies/reviews/).",
    )
    review = graphene.Field(
        Review,
        id=graphene.ID(required=True, description="Database id of the review."),
        description="One review; null when there is no such review (malformed id: BAD_USER_INPUT).",
    )

    @staticmethod
    def resolve_all_reviews(root, info, first=None, after=None, **arguments):
        filters = REVIEW_ARGUMENTS.filters(arguments)
        if "ordering" in filters:
            filters["ordering"] = ordering_value(filters["ordering"])
        return review_page(info, filters, first, after)

    @staticmethod
    def resolve_review(root, info, id):
        review = selectors.review_get(review_id=id_argument(id))
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
        # Only the columns and prefetches the selection reads: `movie(id) { title }` is
        # one query for two columns.
        movie = selectors.movie_get(
            movie_id=id_argument(id),
            lookups=movie_lookups(sel, refs=True),
            fields=movie_columns(sel),
        )
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
        return selectors.genre_get(genre_id=id_argument(id))

    @staticmethod
    def resolve_all_genres(root, info, first=None, after=None, **arguments):
        filters = GENRE_ARGUMENTS.filters(arguments)
        return paginate(selectors.genre_list(filters=filters), first=first, after=after)

    @staticmethod
    def resolve_actor(root, info, id):
        return selectors.actor_get(actor_id=id_argument(id))

    @staticmethod
    def resolve_all_actors(root, info, first=None, after=None, **arguments):
        filters = ACTOR_ARGUMENTS.filters(arguments)
        return paginate(selectors.actor_list(filters=filters), first=first, after=after)
