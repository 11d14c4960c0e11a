"""GraphQL types of accounts: the caller's own profile and their movie lists."""

import graphene
from graphene.types.generic import GenericScalar

from movie_api.graphql.paging import connection_type, page_args, paginate
from movie_api.graphql.selection import selection
from movies.graphql.types import Movie, ReviewConnection, prime_movie_states
from users import selectors
from users.models import MovieListEntry


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


class AuthUser(graphene.ObjectType):
    """The identity that comes with a token pair."""

    id = graphene.ID(required=True, description="Database id of the user.")
    username = graphene.String(required=True, description="Username.")
    email = graphene.String(required=True, description="Email address.")

    @staticmethod
    def resolve_id(root, info):
        return root["id"] if isinstance(root, dict) else root.id

    @staticmethod
    def resolve_username(root, info):
        return root["username"] if isinstance(root, dict) else root.username

    @staticmethod
    def resolve_email(root, info):
        return root["email"] if isinstance(root, dict) else root.email


def _movie_list_page(info, user, kind, first, after):
    page = paginate(selectors.movie_list_entries(user=user, kind=kind), first=first, after=after)
    movie_sel = selection(info).child("edges", "node", "movie")
    prime_movie_states(info, [entry.movie for entry in page.rows], movie_sel)
    return page


class UserProfile(graphene.ObjectType):
    """The signed-in caller's own profile and lists."""

    id = graphene.ID(required=True, description="Database id of the user.")
    username = graphene.String(required=True, description="Username.")
    email = graphene.String(required=True, description="Email address.")
    phone_number = graphene.String(description="Verified phone number (E.164).")
    phone_verified = graphene.Boolean(required=True, description="The phone number is verified.")
    bio = graphene.String(required=True, description="Short biography (may be empty).")
    profile_picture_url = graphene.String(description="Absolute URL of the picture, if any.")
    is_staff = graphene.Boolean(required=True, description="May curate the catalog.")
    date_joined = graphene.DateTime(required=True, description="When the account was created.")
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
    export = GenericScalar(
        required=True,
        description="Everything the account holds as one JSON document, the same as REST "
        "GET /api/users/me/export/ (format: docs/account-export.md).",
    )

    @staticmethod
    def resolve_phone_verified(root, info):
        return root.phone_verified_at is not None

    @staticmethod
    def resolve_profile_picture_url(root, info):
        if not root.profile_picture:
            return None
        return info.context.build_absolute_uri(root.profile_picture.url)

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
    def resolve_export(root, info):
        return selectors.account_export(user=root)

    @staticmethod
    def resolve_reviews(root, info, first=None, after=None):
        from movies.graphql.queries import review_page

        return review_page(info, {"user": root.id}, first, after)
