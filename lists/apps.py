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
        from lists.selectors import movie_states_for
        from movies.viewer_state import register_movie_states

        register_movie_states(movie_states_for)
