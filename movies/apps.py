from django.apps import AppConfig


class MoviesConfig(AppConfig):
    """The catalog: genres, actors, movies with their cast, reviews and rating statistics."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "movies"

    def ready(self):
        # Registers the receivers that keep rating statistics exact when an account's
        # reviews are deleted with it (movies.services.ratings).
        from movies.services import ratings  # noqa: F401
