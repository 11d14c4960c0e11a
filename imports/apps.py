from django.apps import AppConfig


class ImportsConfig(AppConfig):
    """Importing a viewing history from Letterboxd, IMDb and Trakt, and the Letterboxd export.

    It writes through the tables of `diary`, `movies` (ratings) and `lists` (watchlist);
    none of them imports this app.
    """

    default_auto_field = "django.db.models.BigAutoField"
    name = "imports"
