"""Diary mutations: log a watch, change an entry, delete one (REST's POST, PATCH and
DELETE of /api/users/me/diary/); each calls the one service of diary/services.py."""

import graphene

from core.graphql.errors import renamed_fields
from core.graphql.mutations import OperationMutation
from diary import operations as ops
from diary import selectors, services
from diary.graphql.types import DiaryEntry
from movies.services.ratings import RATING_MESSAGE

# The services name their fields as REST does; these are this API's argument names.
_NAMES = {"movie_id": "movieId", "watched_on": "watchedOn", "review_id": "reviewId"}


def _entry_arguments() -> dict:
    return {
        "watched_on": graphene.String(
            description="YYYY-MM-DD, not in the future; left out on logWatch: today."
        ),
        "rewatch": graphene.Boolean(
            description="Left out on logWatch: true when an earlier entry of the movie exists."
        ),
        "rating": graphene.Float(description=f"{RATING_MESSAGE} null: none."),
        "liked": graphene.Boolean(description="Liked on this watch."),
        "review_id": graphene.ID(description="The caller's review of this movie; null: none."),
        "tags": graphene.List(graphene.NonNull(graphene.String), description="Tags, by name."),
    }


def _entry(user, entry_id):
    return selectors.diary_entry_detail(user=user, entry_id=entry_id)


class LogWatch(OperationMutation):
    """Log a watch of a movie in the caller's diary (the rules: README "Diary")."""

    class Meta:
        name = "LogWatchPayload"
        operation = ops.LOG_WATCH

    Arguments = type(
        "Arguments",
        (),
        {"movie_id": graphene.ID(required=True, description="The movie."), **_entry_arguments()},
    )

    entry = graphene.Field(DiaryEntry, required=True, description="The entry as stored.")

    @staticmethod
    def mutate(root, info, movie_id, **values):
        user = info.context.user
        with renamed_fields(**_NAMES):
            entry = services.diary_entry_create(user=user, movie_id=movie_id, **values)
        return LogWatch(entry=_entry(user, entry.pk))


class UpdateDiaryEntry(OperationMutation):
    """Change the fields sent of one of the caller's entries (null clears rating, review)."""

    class Meta:
        name = "UpdateDiaryEntryPayload"
        operation = ops.UPDATE_DIARY_ENTRY

    Arguments = type(
        "Arguments",
        (),
        {"id": graphene.ID(required=True, description="The entry."), **_entry_arguments()},
    )

    entry = graphene.Field(DiaryEntry, required=True, description="The entry as stored.")

    @staticmethod
    def mutate(root, info, id, **values):
        user = info.context.user
        with renamed_fields(**_NAMES):
            entry = services.diary_entry_update(user=user, entry_id=id, **values)
        return UpdateDiaryEntry(entry=_entry(user, entry.pk))


class DeleteDiaryEntry(OperationMutation):
    """Delete one of the caller's entries; `watched` and the rating stay as they are."""

    class Meta:
        name = "DeleteDiaryEntryPayload"
        operation = ops.DELETE_DIARY_ENTRY

    class Arguments:
        id = graphene.ID(required=True, description="The entry.")

    ok = graphene.Boolean(required=True, description="True when the entry is gone.")

    @staticmethod
    def mutate(root, info, id):
        services.diary_entry_delete(user=info.context.user, entry_id=id)
        return DeleteDiaryEntry(ok=True)


class Mutation(graphene.ObjectType):
    """Diary writes."""

    log_watch = LogWatch.Field(description="Log a watch of a movie in your diary.")
    update_diary_entry = UpdateDiaryEntry.Field(description="Change one of your diary entries.")
    delete_diary_entry = DeleteDiaryEntry.Field(description="Delete one of your diary entries.")
