from django.apps import AppConfig


class UsersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "users"

    def ready(self):
        # Reviews show their author's username (REST and GraphQL, cached): a rename or
        # a deleted account bumps; a login (`last_login`) or a new account does not.
        from django.contrib.auth import get_user_model

        from core.caching.invalidation import watch

        watch(get_user_model(), fields=("username",))
