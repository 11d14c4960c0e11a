from django.apps import AppConfig


class ListsConfig(AppConfig):
    """Each user's movie lists (favorites, watched, watchlist) and `my_state`.

    This app depends on `movies` and `users`; neither of them imports it. The catalog
    shows `my_state` on every movie through a hook (movies/viewer_state.py) that this
    app fills in when it starts.
    """

    default_auto_field = "django.db.models.BigAutoField"
    name = "lists"

    def ready(self):
        from core.caching.invalidation import watch
        from lists.models import UserList, UserListItem
        from lists.selectors import movie_states_for
        from movies.viewer_state import register_movie_states

        register_movie_states(movie_states_for)
        # Anonymous reads of public lists (both doors) are cached whole: every write to
        # a list or its items bumps their generation (docs/caching.md). The owner's
        # username (users/apps.py), the movies, their genres and cast (movies/apps.py)
        # are watched by their own apps.
        watch(UserList, UserListItem)
        from django.db.models.signals import pre_delete

        from movies.models import Movie

        pre_delete.connect(_renumber_lists_of, sender=Movie, dispatch_uid="lists-renumber")


def _renumber_lists_of(sender, instance, using, **kwargs):
    """A movie deleted from the catalog leaves its lists by cascade: once that commits,
    number their movies 1..n again (lists/user_list_services.py list_renumber)."""
    from django.db import transaction

    from lists.models import UserListItem
    from lists.user_list_services import list_renumber

    list_ids = list(
        UserListItem.objects.using(using).filter(movie=instance).values_list("list_id", flat=True)
    )
    if list_ids:
        transaction.on_commit(
            lambda: [list_renumber(list_id=list_id) for list_id in list_ids], using=using
        )
