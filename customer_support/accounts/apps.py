from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Help desk accounts: local users linked to movie API users."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
