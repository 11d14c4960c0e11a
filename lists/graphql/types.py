"""GraphQL types of the movie lists, and the caller's profile that shows them."""

import graphene
from graphene.types.generic import GenericScalar

from core.graphql.paging import connection_type, page_args, paginate
from core.graphql.selection import selection
from lists import selectors
from lists.export import account_export
from lists.models import MovieListEntry
from movies.graphql.queries import review_page
from movies.graphql.types import Movie, ReviewConnection, prime_movie_states
from users.graphql.types import ProfileFields


class MovieListKind(graphene.Enum):
    """One of a user's movie lists."""

    FAVORITE = MovieListEntry.Kind.FAVORITE.value
    WATCHED = MovieListEntry.Kind.WATCHED.value
    WATCHLIST = MovieListEntry.Kind.WATCHLIST.value

    @property
    def description(self):
        return {
            MovieListKind.FAVORITE: "Favorite movies.",
            MovieListKind.WATCHED: "Movies the user has watched.",
            MovieListKind.WATCHLIST: "Movies the user wants to watch.",
        }.get(self)


class MovieListItem(graphene.ObjectType):
    """A movie on one of the caller's lists."""

    movie = graphene.Field(Movie, required=True, description="The movie.")
    added_at = graphene.DateTime(required=True, description="When it was added to the list.")


MovieListConnection = connection_type(
    MovieListItem, "MovieListItem", "A page of one of the caller's movie lists, newest first."
)


def _movie_list_page(info, user, kind, first, after):
    page = paginate(selectors.movie_list_entries(user=user, kind=kind), first=first, after=after)
    movie_sel = selection(info).child("edges", "node", "movie")
    prime_movie_states(info, [entry.movie for entry in page.rows], movie_sel)
    return page


class UserProfile(ProfileFields):
    """The signed-in caller's own profile and lists."""

    favorites = graphene.Field(
        MovieListConnection, required=True, **page_args(), description="Favorite movies."
    )
    watched = graphene.Field(
        MovieListConnection, required=True, **page_args(), description="Watched movies."
    )
    watchlist = graphene.Field(
        MovieListConnection, required=True, **page_args(), description="Movies to watch."
    )
    reviews = graphene.Field(
        ReviewConnection, required=True, **page_args(), description="Own reviews, newest first."
    )
    favorite_movie_ids = graphene.List(
        graphene.NonNull(graphene.ID),
        required=True,
        description="Ids of the favorite movies, in list order (as REST's favorite_movie_ids).",
    )
    watched_movie_ids = graphene.List(
        graphene.NonNull(graphene.ID),
        required=True,
        description="Ids of the watched movies, in list order.",
    )
    watchlist_movie_ids = graphene.List(
        graphene.NonNull(graphene.ID),
        required=True,
        description="Ids of the movies on the watchlist, in list order.",
    )
    export = GenericScalar(
        required=True,
        description="Everything the account holds as one JSON document, the same as REST "
        "GET /api/users/me/export/ (format: docs/account-export.md).",
    )

    @staticmethod
    def resolve_favorites(root, info, first=None, after=None):
        return _movie_list_page(info, root, MovieListEntry.Kind.FAVORITE, first, after)

    @staticmethod
    def resolve_watched(root, info, first=None, after=None):
        return _movie_list_page(info, root, MovieListEntry.Kind.WATCHED, first, after)

    @staticmethod
    def resolve_watchlist(root, info, first=None, after=None):
        return _movie_list_page(info, root, MovieListEntry.Kind.WATCHLIST, first, after)

    @staticmethod
    def resolve_favorite_movie_ids(root, info):
        return selectors.list_movie_ids(root)["favorite_movie_ids"]

    @staticmethod
    def resolve_watched_movie_ids(root, info):
        return selectors.list_movie_ids(root)["watched_movie_ids"]

    @staticmethod
    def resolve_watchlist_movie_ids(root, info):
        return selectors.list_movie_ids(root)["watchlist_movie_ids"]

    @staticmethod
    def resolve_export(root, info):
        return account_export(user=root)

    @staticmethod
    def resolve_reviews(root, info, first=None, after=None):
        return review_page(info, {"user": root.id}, first, after)
