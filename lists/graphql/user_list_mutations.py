"""Mutations of the lists users make: REST's POST, PATCH and DELETE under /api/lists/,
each calling the one service of lists/user_list_services.py."""

import graphene

from core.graphql.auth import require_user
from core.graphql.errors import renamed_fields
from core.ids import id_argument
from lists import user_list_selectors as selectors
from lists import user_list_services as services
from lists.graphql.user_list_types import UserList, UserListItem

# The services name their fields as REST does; these are this API's argument names.
_NAMES = {"is_public": "isPublic", "is_ranked": "isRanked", "movie_id": "movieId"}


def _list_arguments(*, creating: bool) -> dict:
    return {
        "name": graphene.String(required=creating, description="The list's name (not blank)."),
        "description": graphene.String(description="What the list is about."),
        "is_public": graphene.Boolean(
            description="Public (the default): anyone may read it. Private: only you."
        ),
        "is_ranked": graphene.Boolean(description="The positions are a ranking (default false)."),
    }


def _item(user_list, movie_id):
    return selectors.list_items(user_list=user_list, movie_id=movie_id)[0]


class CreateList(graphene.Mutation):
    """Make a new, empty list of the caller's."""

    class Meta:
        name = "CreateListPayload"

    Arguments = type("Arguments", (), _list_arguments(creating=True))

    list = graphene.Field(UserList, required=True, description="The list as stored.")

    @staticmethod
    def mutate(root, info, **values):
        user = require_user(info)
        with renamed_fields(**_NAMES):
            return CreateList(list=services.user_list_create(user=user, **values))


class UpdateList(graphene.Mutation):
    """Change the fields sent of one of the caller's lists."""

    class Meta:
        name = "UpdateListPayload"

    Arguments = type(
        "Arguments",
        (),
        {
            "id": graphene.ID(required=True, description="The list."),
            **_list_arguments(creating=False),
        },
    )

    list = graphene.Field(UserList, required=True, description="The list as stored.")

    @staticmethod
    def mutate(root, info, id, **values):
        user = require_user(info)
        with renamed_fields(**_NAMES):
            user_list = services.user_list_update(user=user, list_id=id_argument(id), **values)
        return UpdateList(list=user_list)


class DeleteList(graphene.Mutation):
    """Delete one of the caller's lists and its movies."""

    class Meta:
        name = "DeleteListPayload"

    class Arguments:
        id = graphene.ID(required=True, description="The list.")

    ok = graphene.Boolean(required=True, description="True when the list is gone.")

    @staticmethod
    def mutate(root, info, id):
        services.user_list_delete(user=require_user(info), list_id=id_argument(id))
        return DeleteList(ok=True)


class AddListItem(graphene.Mutation):
    """Put a movie on one of the caller's lists (the others from `position` move down)."""

    class Meta:
        name = "AddListItemPayload"

    class Arguments:
        list_id = graphene.ID(required=True, description="The list.")
        movie_id = graphene.ID(required=True, description="The movie.")
        note = graphene.String(description="Why it is on the list.")
        position = graphene.Int(description="1 to itemCount + 1; left out: last.")

    item = graphene.Field(UserListItem, required=True, description="The movie on the list.")

    @staticmethod
    def mutate(root, info, list_id, movie_id, **values):
        user = require_user(info)
        with renamed_fields(**_NAMES):
            item = services.list_item_add(
                user=user, list_id=id_argument(list_id, field="listId"), movie_id=movie_id, **values
            )
        return AddListItem(item=_item(item.list, item.movie_id))


class UpdateListItem(graphene.Mutation):
    """Move a movie of one of the caller's lists to `position` and/or change its note."""

    class Meta:
        name = "UpdateListItemPayload"

    class Arguments:
        list_id = graphene.ID(required=True, description="The list.")
        movie_id = graphene.ID(required=True, description="The movie on it.")
        position = graphene.Int(description="The new position, 1 to itemCount; the others shift.")
        note = graphene.String(description="Why it is on the list.")

    item = graphene.Field(UserListItem, required=True, description="The movie on the list.")

    @staticmethod
    def mutate(root, info, list_id, movie_id, **values):
        user = require_user(info)
        with renamed_fields(**_NAMES):
            item = services.list_item_update(
                user=user,
                list_id=id_argument(list_id, field="listId"),
                movie_id=id_argument(movie_id, field="movieId"),
                **values,
            )
        return UpdateListItem(item=_item(item.list, item.movie_id))


class RemoveListItem(graphene.Mutation):
    """Take a movie off one of the caller's lists (the ones after it move up)."""

    class Meta:
        name = "RemoveListItemPayload"

    class Arguments:
        list_id = graphene.ID(required=True, description="The list.")
        movie_id = graphene.ID(required=True, description="The movie on it.")

    ok = graphene.Boolean(required=True, description="True when the movie is off the list.")

    @staticmethod
    def mutate(root, info, list_id, movie_id):
        services.list_item_remove(
            user=require_user(info),
            list_id=id_argument(list_id, field="listId"),
            movie_id=id_argument(movie_id, field="movieId"),
        )
        return RemoveListItem(ok=True)


class Mutation(graphene.ObjectType):
    """Writes of the lists users make."""

    create_list = CreateList.Field(description="Make a list (as POST /api/lists/).")
    update_list = UpdateList.Field(description="Change one of your lists.")
    delete_list = DeleteList.Field(description="Delete one of your lists.")
    add_list_item = AddListItem.Field(description="Put a movie on one of your lists.")
    update_list_item = UpdateListItem.Field(
        description="Move a movie on one of your lists, or change its note."
    )
    remove_list_item = RemoveListItem.Field(description="Take a movie off one of your lists.")
