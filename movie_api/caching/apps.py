from django.apps import AppConfig


class CachingConfig(AppConfig):
    name = "movie_api.caching"
    label = "response_cache"
    verbose_name = "Response cache"

    def ready(self):
        from movie_api.caching import invalidation

        invalidation.install()
