"""The movie API's own Prometheus metrics (the HTTP ones are in libs/opskit).

Counters are safe across gunicorn workers (multiprocess mode); the cache figures are
read from Redis at scrape time by `RedisCacheCollector`.
"""

import logging

from django.core.cache import cache
from prometheus_client import Counter, Gauge
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

logger = logging.getLogger(__name__)

THROTTLE_REFUSALS = Counter(
    "movie_api_throttle_refusals_total", "Requests refused by a throttle, by scope.", ["scope"]
)
OTP_EVENTS = Counter(
    "movie_api_otp_events_total",
    "One-time codes: sent, send_failed, verified, verify_failed.",
    ["event"],
)
SMS_ERRORS = Counter(
    "movie_api_sms_errors_total",
    "SMS backend errors: invalid_number (refused by the provider) or unavailable.",
    ["kind"],
)
# Read replicas (core/replicas.py): where reads were routed and how far behind
# each replica was when this process last asked (at most once a second).
READ_ROUTES = Counter(
    "movie_api_db_read_routes_total",
    "Read routing decisions of the replica router, by database alias.",
    ["alias"],
)
REPLICA_LAG = Gauge(
    "movie_api_replica_lag_seconds",
    "Replay lag of each replica as last measured by a process (0 = caught up).",
    ["alias"],
    multiprocess_mode="livemax",
)


class RedisCacheCollector:
    """Cache hits and misses as Redis counts them (nothing when the cache is not Redis)."""

    def collect(self):
        client = getattr(cache, "client", None)
        if client is None or not hasattr(client, "get_client"):
            return
        try:
            stats = client.get_client(write=False).info("stats")
        except Exception as exc:  # noqa: BLE001 - a scrape must not fail with Redis
            logger.warning("Cache statistics unavailable: %s", exc.__class__.__name__)
            return
        hits, misses = stats.get("keyspace_hits", 0), stats.get("keyspace_misses", 0)
        yield CounterMetricFamily(
            "movie_api_cache_hits", "Cache lookups that found a key (Redis).", value=hits
        )
        yield CounterMetricFamily(
            "movie_api_cache_misses", "Cache lookups that found nothing (Redis).", value=misses
        )
        yield GaugeMetricFamily(
            "movie_api_cache_hit_ratio",
            "Hits / (hits + misses) since Redis started.",
            value=hits / (hits + misses) if hits + misses else 0.0,
        )
