"""App config for support tickets."""

from django.apps import AppConfig


class TicketsConfig(AppConfig):
    """Support tickets that may refer to a movie in the movie API."""

    name = "tickets"
    default_auto_field = "django.db.models.BigAutoField"
