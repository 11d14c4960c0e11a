"""Claiming a key, replaying its answer, keeping it: Stripe's semantics.

- The first request with a key claims it (a row with no answer yet), runs, and its
  answer is kept for IDEMPOTENCY_KEY_TTL_SECONDS (24 h).
- The same key again, same request: the kept answer (status and body).
- The same key for another request (method, path or body): IdempotencyKeyReused.
- The same key while the first request still runs: IdempotencyKeyInUse. A claim whose
  request never finished (its worker died) is free again after IDEMPOTENCY_LOCK_SECONDS.
- An answer that did not run or failed (401, 429, 5xx) is not kept, nor one that
  carries tokens (sign-in, code verification, refresh: tokens are never stored in clear,
  as django-oauth-toolkit's are not); the key is released and a retry runs again.
"""

import contextlib
import hashlib
import re
from dataclasses import dataclass
from datetime import timedelta

import orjson
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.idempotency.models import IdempotencyKey

# Keys in an answer's JSON (REST's top level, a GraphQL root field's payload) that carry
# credentials: such an answer is not kept.
CREDENTIAL_KEYS = frozenset({"access", "refresh", "access_token", "refresh_token"})
NOT_KEPT_STATUSES = frozenset({401, 429})
MULTIPART_BOUNDARY = re.compile(r"boundary=([^;]+)", re.IGNORECASE)


class IdempotencyKeyReused(Exception):
    """The key was used for another request."""


class IdempotencyKeyInUse(Exception):
    """The key's first request has not finished."""


@dataclass(frozen=True)
class Answer:
    status: int
    content_type: str
    body: bytes


def fingerprint(*, method: str, path: str, query: str, content_type: str, body: bytes) -> str:
    """What makes two requests "the same": method, path, query and body. A JSON body is
    compared by value (key order and spacing do not count); a multipart body without
    its boundary, which clients draw at random for each send (a retried upload)."""
    if content_type.startswith("application/json"):
        with contextlib.suppress(orjson.JSONDecodeError):
            body = orjson.dumps(orjson.loads(body), option=orjson.OPT_SORT_KEYS)
    elif content_type.startswith("multipart/"):
        boundary = MULTIPART_BOUNDARY.search(content_type)
        if boundary:
            body = body.replace(boundary.group(1).strip('"').encode("latin-1"), b"")
    digest = hashlib.sha256()
    for part in (method.encode(), path.encode(), query.encode()):
        digest.update(part + b"\0")
    digest.update(body)
    return digest.hexdigest()


def idempotency_key_claim(*, caller: str, key: str, fingerprint: str) -> IdempotencyKey | Answer:
    """The new claim to run the request under, or the kept Answer to replay.

    Raises IdempotencyKeyReused or IdempotencyKeyInUse. The claim is committed at once
    (its own transaction), so a concurrent duplicate sees it.
    """
    for _attempt in range(3):
        now = timezone.now()
        try:
            with transaction.atomic():
                return IdempotencyKey.objects.create(
                    caller=caller,
                    key=key,
                    fingerprint=fingerprint,
                    created_at=now,
                    expires_at=now + timedelta(seconds=settings.IDEMPOTENCY_KEY_TTL_SECONDS),
                )
        except IntegrityError:
            pass
        kept = IdempotencyKey.objects.filter(caller=caller, key=key).first()
        if kept is None:
            continue  # released in the meantime: claim it
        abandoned = kept.status is None and kept.created_at <= now - timedelta(
            seconds=settings.IDEMPOTENCY_LOCK_SECONDS
        )
        if kept.expires_at <= now or abandoned:
            IdempotencyKey.objects.filter(pk=kept.pk, created_at=kept.created_at).delete()
            continue
        if kept.fingerprint != fingerprint:
            raise IdempotencyKeyReused
        if kept.status is None:
            raise IdempotencyKeyInUse
        return Answer(kept.status, kept.content_type, bytes(kept.body))
    raise IdempotencyKeyInUse


def idempotency_key_finish(*, claim: IdempotencyKey, answer: Answer | None) -> None:
    """Keep `answer` under the claim, or release the claim when it must not be kept
    (None: the request raised)."""
    if answer is None or not keeps(answer):
        IdempotencyKey.objects.filter(pk=claim.pk).delete()
        return
    IdempotencyKey.objects.filter(pk=claim.pk).update(
        status=answer.status, content_type=answer.content_type, body=answer.body
    )


def keeps(answer: Answer) -> bool:
    """Whether an answer is kept for replay (see the module's docstring)."""
    if answer.status >= 500 or answer.status in NOT_KEPT_STATUSES:
        return False
    return not _carries_credentials(answer)


def _carries_credentials(answer: Answer) -> bool:
    if not answer.content_type.startswith("application/json"):
        return False
    try:
        document = orjson.loads(answer.body)
    except orjson.JSONDecodeError:
        return False
    if not isinstance(document, dict):
        return False
    data = document.get("data")
    payloads = [document, *(data.values() if isinstance(data, dict) else ())]
    return any(isinstance(p, dict) and CREDENTIAL_KEYS & p.keys() for p in payloads)


def idempotency_keys_prune(*, now=None) -> int:
    """Delete the expired keys; how many went."""
    deleted, _ = IdempotencyKey.objects.expired(now=now or timezone.now()).delete()
    return deleted
