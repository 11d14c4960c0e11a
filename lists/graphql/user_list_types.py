"""GraphQL types and queries of the lists users make: `lists(owner:, movie:)` and
`list(id:) { items }`, over the selectors and rules REST's /api/lists/ uses."""

import graphene

from core.graphql.auth import current_user
from core.graphql.paging import Page, connection_type, page_args, page_bounds, paginate
from core.graphql.selection import selection
from core.ids import id_argument
from lists import user_list_selectors as selectors
from lists import user_list_services as services
from movies.graphql.types import Movie, prime_movie_states


class ListOwner(graphene.ObjectType):
    """The public face of a list's owner: no email, no phone."""

    id = graphene.ID(required=True, description="Database id of the user.")
    username = graphene.String(required=True, description="Username.")


class UserListItem(graphene.ObjectType):
    """One movie on a list, at its position."""

    position = graphene.Int(required=True, description="1 to the list's itemCount.")
    movie = graphene.Field(Movie, required=True, description="The movie.")
    note = graphene.String(required=True, description="Why it is on the list (may be empty).")
    added_at = graphene.DateTime(required=True, description="When it was put on the list.")


UserListItemConnection = connection_type(
    UserListItem, "UserListItem", "A page of a list's movies, by position."
)


class UserList(graphene.ObjectType):
    """A list a user made: public (anyone reads it) or private (its owner only)."""

    id = graphene.ID(required=True, description="Database id of the list.")
    name = graphene.String(required=True, description="The list's name.")
    description = graphene.String(required=True, description="What it is about (may be empty).")
    is_public = graphene.Boolean(required=True, description="Anyone may read it.")
    is_ranked = graphene.Boolean(
        required=True, description="The positions are a ranking (1 the best), not only an order."
    )
    owner = graphene.Field(ListOwner, required=True, description="Who made it.")
    item_count = graphene.Int(required=True, description="How many movies it holds.")
    created_at = graphene.DateTime(required=True, description="When it was made.")
    updated_at = graphene.DateTime(required=True, description="When it or its movies last changed.")
    items = graphene.Field(
        UserListItemConnection,
        required=True,
        **page_args(),
        description="Its movies by position (1 first); a deep page costs what the first does.",
    )

    @staticmethod
    def resolve_items(root, info, first=None, after=None):
        return list_items_page(info, root, first, after)


class _DensePage(Page):
    """A page whose total is the list's item_count (no COUNT)."""

    def __init__(self, user_list, rows, offset, has_next):
        super().__init__(None, rows, offset, has_next)
        self._total = user_list.item_count


def list_items_page(info, user_list, first, after) -> Page:
    """Positions offset+1 .. offset+first of the list (lists/user_list_selectors.py)."""
    offset, size = page_bounds(first, after)
    rows = selectors.list_items_page(user_list=user_list, offset=offset, size=size)
    movies_sel = selection(info).child("edges", "node", "movie")
    prime_movie_states(info, [item.movie for item in rows], movies_sel)
    return _DensePage(user_list, rows, offset, has_next=offset + size < user_list.item_count)


UserListConnection = connection_type(
    UserList, "UserList", "A page of lists, most recently changed first."
)


class Query(graphene.ObjectType):
    """Reads of the lists users make."""

    lists = graphene.Field(
        UserListConnection,
        required=True,
        owner=graphene.ID(description=selectors.FILTERS["owner"]),
        movie=graphene.ID(description=selectors.FILTERS["movie"]),
        **page_args(),
        description="The public lists, plus your own private ones when signed in "
        "(as GET /api/lists/).",
    )
    list = graphene.Field(
        UserList,
        required=True,
        id=graphene.ID(required=True, description="Database id of the list."),
        description="One list; a private list of someone else's is NOT_FOUND.",
    )

    @staticmethod
    def resolve_lists(root, info, first=None, after=None, **filters):
        queryset = selectors.user_lists(viewer=current_user(info), filters=filters)
        return paginate(queryset, first=first, after=after)

    @staticmethod
    def resolve_list(root, info, id):
        return services.user_list_visible(user=current_user(info), list_id=id_argument(id))
