from django.apps import AppConfig


class MoviesConfig(AppConfig):
    """The catalog: genres, actors, movies with their cast, reviews and rating statistics."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "movies"

    def ready(self):
        from core.caching.invalidation import watch
        from movies.models import (
            Actor,
            Casting,
            CrewCredit,
            Genre,
            Keyword,
            Movie,
            MovieActivity,
            MovieTrend,
            Rating,
            Review,
            TrendWindow,
        )

        # Registers the receivers that keep rating statistics exact when an account's
        # ratings and reviews are deleted with it (movies.services.ratings).
        from movies.services import ratings  # noqa: F401

        # Every catalog table is read by cached answers (lists, details, reviews, genres,
        # actors; docs/caching.md): its writes bump its own generation.
        watch(
            Genre,
            Keyword,
            Actor,
            Movie,
            Movie.genres.through,
            Movie.keywords.through,
            Casting,
            CrewCredit,
            Rating,
            Review,
            # Trending's counts and decayed sums (movies/activity.py, trends.py), written
            # with raw SQL that bumps them; moving the sums to a new hour bumps nothing.
            MovieActivity,
            MovieTrend,
            TrendWindow,
        )
