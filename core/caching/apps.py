from django.apps import AppConfig


class CachingConfig(AppConfig):
    name = "core.caching"
    label = "response_cache"
    verbose_name = "Response cache"

    def ready(self):
        from core.caching import invalidation

        invalidation.install()
