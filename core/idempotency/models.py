"""The Idempotency-Key a caller sent, with the first answer, kept until it expires."""

from django.db import models


class IdempotencyKeyQuerySet(models.QuerySet):
    def expired(self, *, now):
        return self.filter(expires_at__lte=now)


class IdempotencyKey(models.Model):
    """One caller's key: the request it was first used for and, once finished, its answer.

    In the database, not the cache: the response cache's Redis may evict (allkeys-lru),
    and a key dropped early would run a retried write twice. `status` is None while the
    first request is still running (a duplicate then answers 409).
    """

    caller = models.CharField(max_length=80)
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField(null=True)
    content_type = models.CharField(max_length=100, blank=True)
    body = models.BinaryField(blank=True, default=b"")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)

    objects = IdempotencyKeyQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["caller", "key"], name="idempotency_key_per_caller")
        ]

    def __str__(self):
        return f"{self.caller} {self.key}"
