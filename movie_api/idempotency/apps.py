from django.apps import AppConfig


class IdempotencyConfig(AppConfig):
    name = "movie_api.idempotency"
    label = "idempotency"
    verbose_name = "Idempotency keys"
