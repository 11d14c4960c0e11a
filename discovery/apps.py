from django.apps import AppConfig


class DiscoveryConfig(AppConfig):
    """What to watch next: trending movies and recommendations (README.md, "Discovery").

    Above `diary`, `lists`, `movies` and `users`, since it reads the activity of all of
    them (ratings, reviews, list adds, diary entries); none of them imports it. It adds
    `recommendations` to the caller's GraphQL profile, as the diary adds its fields.
    """

    default_auto_field = "django.db.models.BigAutoField"
    name = "discovery"

    def ready(self):
        from core.caching.invalidation import watch
        from discovery.models import MovieNeighbour
        from lists.models import MovieListEntry
        from movies.activity import track

        # Trending and the recommendations read list adds and the neighbours: their
        # writes bump their generations, so a cached ranking is never served stale.
        watch(MovieListEntry, MovieNeighbour)

        # Trending's counts follow every event written one row at a time (saves,
        # deletes, cascades); the set-based writes call movies.activity.count()
        # themselves. Connected here, above every app that owns an event.
        track()
