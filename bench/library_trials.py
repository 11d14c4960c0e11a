"""Library trials (docs/architecture.md, "Libraries we tried"): each hand-written piece
timed against the well-kept library that does the same job, side by side in one run.

The candidates are not requirements of the product: install them beside it, never into
the project's environment, then run this with the bench settings on the size S data
(built by `python -m bench.run` the first time) and the Redis and PostgreSQL you use:

    pip install --target /tmp/libs-extra --no-deps drf-orjson-renderer==1.8.0 \\
        django-prometheus==2.5.0 django-health-check==4.8.0 dnspython==2.9.2 \\
        django-guid==3.6.1 django-ratelimit==4.1.0 django-multidb-router==0.11
    PYTHONPATH=/tmp/libs-extra DJANGO_SETTINGS_MODULE=bench.settings \\
        DATABASE_URL=sqlite:///bench/data/S-42-<hash>.sqlite3 \\
        REDIS_URL=redis://127.0.0.1:6379/<db> \\
        TRIALS_REPLICA_URL=postgres://postgres@127.0.0.1:5432/<db> \\
        python -m bench.library_trials [--iterations 200] [--rounds 3]

Method as bench/run.py's: per iteration every variant of a piece runs once, in shuffled
order; the figure is the median over rounds of each round's median. Short on purpose
(the machine is shared): a few hundred calls per variant.
"""

import argparse
import asyncio
import base64
import json
import os
import random
import statistics
import time
from decimal import Decimal
from urllib.parse import urlencode

import django
import orjson
from django.conf import settings

DEAD_REPLICA = "postgres://postgres@127.0.0.1:1/none"


def configure() -> None:
    replica = os.environ["TRIALS_REPLICA_URL"]
    import environ

    env = environ.Env()
    # A live replica (the primary's own database, never in recovery: lag 0) and a dead
    # one (nothing listens on port 1): how each router copes with a replica that is down.
    for alias, url in (("replica_0", replica), ("replica_1", DEAD_REPLICA)):
        entry = env.db_url_config(url)
        entry.update(CONN_MAX_AGE=60, CONN_HEALTH_CHECKS=False, OPTIONS={"connect_timeout": 1})
        settings.DATABASES[alias] = entry
    settings.REPLICA_DATABASES = ["replica_0", "replica_1"]
    # django-guid refuses to run unless installed as an app.
    settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "django_guid"]
    django.setup()


def race(variants: dict, iterations: int, rounds: int, warmup: int = 20) -> dict:
    """Median ms per variant: the median over rounds of each round's median."""
    names = list(variants)
    for _ in range(warmup):
        for name in names:
            variants[name]()
    medians = {name: [] for name in names}
    for _ in range(rounds):
        times = {name: [] for name in names}
        for _ in range(iterations):
            random.shuffle(names)
            for name in names:
                started = time.perf_counter_ns()
                variants[name]()
                times[name].append(time.perf_counter_ns() - started)
        for name in names:
            medians[name].append(statistics.median(times[name]) / 1e6)
    return {name: round(statistics.median(values), 4) for name, values in medians.items()}


def report(piece: str, figures: dict, **facts) -> None:
    print(json.dumps({"piece": piece, "median_ms": figures, **facts}))


# ------------------------------------------------------------------ the JSON renderer


def trial_renderer(args) -> None:
    from drf_orjson_renderer.renderers import ORJSONRenderer as LibraryRenderer
    from rest_framework.renderers import JSONRenderer
    from rest_framework.test import APIRequestFactory

    from movies.api.views import MovieViewSet, _orjson_default
    from movies.api.views import ORJSONRenderer as OurRenderer

    view = MovieViewSet.as_view({"get": "list"})
    pages = {
        size: view(APIRequestFactory().get("/api/movies/", {"page_size": size})).data
        for size in (20, 100)
    }

    class OursBefore(OurRenderer):
        """Ours as it was before this trial: the two 3-byte sequences searched for."""

        def render(self, data, accepted_media_type=None, renderer_context=None):
            body = orjson.dumps(data, default=_orjson_default)
            if b"\xe2\x80\xa8" in body or b"\xe2\x80\xa9" in body:
                body = body.replace(b"\xe2\x80\xa8", b"\\u2028").replace(
                    b"\xe2\x80\xa9", b"\\u2029"
                )
            return body

    ours, library, drf = OurRenderer(), LibraryRenderer(), JSONRenderer()
    before = OursBefore()
    variants = {}
    for size, data in pages.items():
        variants[f"ours_before_{size}"] = lambda data=data: before.render(data)
        variants[f"ours_{size}"] = lambda data=data: ours.render(data, "application/json")
        variants[f"library_{size}"] = lambda data=data: library.render(data, "application/json")
        variants[f"drf_json_{size}"] = lambda data=data: drf.render(data, "application/json")
    figures = race(variants, args.iterations, args.rounds)
    # What DRF's own renderer writes is the contract (tests/test_fast_paths.py).
    edge = {"text": "line\u2028separator", "big": 2**70, "price": Decimal("9.50")}
    same = {}
    for name, renderer in (("ours", ours), ("library", library)):
        try:
            same[name] = renderer.render(edge, "application/json") == drf.render(edge)
        except Exception as exc:  # noqa: BLE001 - a trial reports what failed
            same[name] = f"raises {exc.__class__.__name__}"
    page_same = {
        "ours": ours.render(pages[20]) == drf.render(pages[20]),
        "library": library.render(pages[20]) == drf.render(pages[20]),
    }
    report("renderer", figures, bytes_as_drf_on_a_page=page_same, bytes_as_drf_on_edges=same)


# ------------------------------------------------------------------ keyset pagination


def trial_pagination(args) -> None:
    from rest_framework.pagination import CursorPagination
    from rest_framework.test import APIRequestFactory

    from movies.api.review_pages import _encode_cursor
    from movies.api.reviews import MovieReviewViewSet
    from movies.models import Movie, Review

    class LibraryPagination(CursorPagination):
        ordering = ("-created_at", "-id")
        page_size = 20

    class LibraryViewSet(MovieReviewViewSet):
        pagination_class = LibraryPagination

    hot = Movie.objects.order_by("-review_count").first()
    reviews = Review.objects.filter(movie=hot).order_by("-created_at", "-id")
    depth = int(hot.review_count * 0.8)
    deep = reviews[depth]
    ours_deep = _encode_cursor([("created_at", True), ("id", True)], deep, False)
    # DRF's cursor: the first ordering field's value (str()) and an offset for ties.
    library_deep = base64.b64encode(urlencode({"p": str(deep.created_at)}).encode()).decode()
    factory = APIRequestFactory()
    ours = MovieReviewViewSet.as_view({"get": "list"})
    library = LibraryViewSet.as_view({"get": "list"})
    path = f"/api/movies/{hot.pk}/reviews/"

    def call(view, cursor):
        response = view(factory.get(path, {"cursor": cursor}), movie_id=hot.pk)
        assert response.status_code == 200, response.data
        return response

    variants = {
        "ours_first": lambda: call(ours, ""),
        "ours_deep": lambda: call(ours, ours_deep),
        "library_first": lambda: call(library, ""),
        "library_deep": lambda: call(library, library_deep),
    }
    figures = race(variants, args.iterations, args.rounds)
    first_ids = {
        name: [row["id"] for row in call(view, cursor).data["results"]]
        for name, view, cursor in (("ours", ours, ours_deep), ("library", library, library_deep))
    }
    report(
        "keyset pagination",
        figures,
        hot_movie_reviews=hot.review_count,
        deep_row=depth,
        deep_over_first={
            "ours": round(figures["ours_deep"] / figures["ours_first"], 3),
            "library": round(figures["library_deep"] / figures["library_first"], 3),
        },
        same_deep_page=first_ids["ours"] == first_ids["library"],
        library_count=call(library, "").data.get("count", "absent"),
        bad_cursor_status={
            name: view(factory.get(path, {"cursor": "junk"}), movie_id=hot.pk).status_code
            for name, view in (("ours", ours), ("library", library))
        },
    )


# ------------------------------------------------------------------ the replica router


def trial_replicas(args) -> None:
    from django.db import connections
    from multidb import PinningReplicaRouter

    from core.replicas import ReplicaRouter, health
    from movies.models import Movie

    outcome = {}

    def reader(router, name):
        def read():
            alias = router.db_for_read(Movie)
            try:
                with connections[alias].cursor() as cursor:
                    cursor.execute("SELECT 1")
                outcome[name][0] += 1
            except Exception:  # noqa: BLE001 - counted: a read the caller saw fail
                outcome[name][1] += 1
                connections[alias].close()

        return read

    health.reset()
    variants = {"ours": reader(ReplicaRouter(), "ours")}
    variants["library"] = reader(PinningReplicaRouter(), "library")
    outcome.update({name: [0, 0] for name in variants})
    figures = race(variants, args.iterations, args.rounds)
    report(
        "replica router (one of two replicas down)",
        figures,
        reads_ok_failed={name: tuple(counts) for name, counts in outcome.items()},
    )


# ------------------------------------------------------------------ request context, health


def trial_operations(args) -> None:
    from django.http import HttpResponse
    from django.test import RequestFactory
    from django_guid.middleware import guid_middleware
    from django_prometheus.middleware import (
        PrometheusAfterMiddleware,
        PrometheusBeforeMiddleware,
    )
    from health_check.checks import Cache, Database
    from health_check.views import HealthCheckView
    from opskit import RequestContextMiddleware

    from core.views import healthz

    def view(request):
        return HttpResponse(b"[]", content_type="application/json")

    ours = RequestContextMiddleware(view)
    library = guid_middleware(PrometheusBeforeMiddleware(PrometheusAfterMiddleware(view)))
    factory = RequestFactory()
    health_view = HealthCheckView.as_view(checks=[Cache, Database])
    json_request = {"HTTP_ACCEPT": "application/json"}

    def library_health():
        response = asyncio.run(health_view(factory.get("/ht/", **json_request)))
        assert response.status_code == 200, response.content

    def our_health():
        assert healthz(factory.get("/healthz")).status_code == 200

    figures = race(
        {
            "ours_request_context": lambda: ours(factory.get("/api/movies/")),
            "library_request_context": lambda: library(factory.get("/api/movies/")),
            "bare_view": lambda: view(factory.get("/api/movies/")),
            "ours_health": our_health,
            "library_health": library_health,
        },
        args.iterations,
        args.rounds,
    )
    report("request id + metrics middleware; health check", figures)


# ------------------------------------------------------------------ the rate limiter


class RoundTrips:
    """Counts the commands this process sends to Redis."""

    def __init__(self):
        from redis.connection import AbstractConnection

        self.count = 0
        original = AbstractConnection.send_packed_command

        def counted(connection, command, check_health=True):
            self.count += 1
            return original(connection, command, check_health)

        AbstractConnection.send_packed_command = counted


def trial_ratelimit(args) -> None:
    from django.contrib.auth.models import AnonymousUser
    from django.core.cache import caches
    from django.test import RequestFactory
    from django_ratelimit.core import is_ratelimited
    from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

    from core.security.ratelimit import check_rate, default_limits

    settings.RATELIMIT_USE_CACHE = "security"
    trips = RoundTrips()
    factory = RequestFactory()
    generation_key = "trials:generation"
    caches["security"].set(generation_key, 1)

    def request():
        made = factory.get("/api/movies/", REMOTE_ADDR=f"10.0.{random.randint(0, 255)}.1")
        made.user = AnonymousUser()
        return made

    def ours():
        # A cached anonymous hit: both limits and the cache generation, one call.
        made = request()
        assert check_rate(made, default_limits(made), read=[generation_key]).allowed

    def library():
        made = request()
        for group in ("anon", "user"):
            assert not is_ratelimited(made, group=group, key="ip", rate="600/m", increment=True)
        caches["security"].get(generation_key)

    class View:
        throttle_scope = None

    def drf_throttles():
        made = request()
        for throttle in (AnonRateThrottle(), UserRateThrottle()):
            throttle.cache = caches["security"]
            throttle.rate = "600/min"
            throttle.num_requests, throttle.duration = throttle.parse_rate(throttle.rate)
            assert throttle.allow_request(made, View())
        caches["security"].get(generation_key)

    variants = {"ours": ours, "django_ratelimit": library, "drf_throttles": drf_throttles}
    per_call = {}
    for name, variant in variants.items():
        before = trips.count
        for _ in range(20):
            variant()
        per_call[name] = (trips.count - before) / 20
    figures = race(variants, args.iterations, args.rounds)
    report(
        "rate limiter (anonymous hit: 2 limits + the cache generation)",
        figures,
        redis_commands_per_hit=per_call,
    )


TRIALS = {
    "renderer": trial_renderer,
    "pagination": trial_pagination,
    "replicas": trial_replicas,
    "operations": trial_operations,
    "ratelimit": trial_ratelimit,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", default=",".join(TRIALS))
    args = parser.parse_args()
    configure()
    for name in args.only.split(","):
        TRIALS[name](args)


if __name__ == "__main__":
    main()
