"""The figures the API guide quotes, read from the settings and modules that declare them.

Run in a child process with an empty environment and no `.env` file, so the page shows
the shipped defaults whatever the caller's environment says:

    python -m scripts.docs.figures     # prints them as JSON
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _read() -> dict:
    import environ

    # The shipped defaults, not a developer's .env.
    environ.Env.read_env = classmethod(lambda *args, **kwargs: None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "movie_api.settings.base"
    # Django refuses an empty key at start-up; no figure depends on it.
    os.environ.setdefault("SECRET_KEY", "figures-only")
    import django

    django.setup()
    from django.conf import settings

    from core.graphql import input_limits, limits, paging
    from core.pagination import PageNumberPagination

    jwt = settings.SIMPLE_JWT
    return {
        "access_minutes": int(jwt["ACCESS_TOKEN_LIFETIME"].total_seconds() // 60),
        "refresh_hours": int(jwt["REFRESH_TOKEN_LIFETIME"].total_seconds() // 3600),
        "refresh_max_age_days": settings.JWT_REFRESH_MAX_AGE.days,
        "otp_ttl_seconds": settings.OTP_TTL_SECONDS,
        "login_failures_per_hour": settings.LOGIN_MAX_FAILURES_PER_ACCOUNT_HOUR,
        "login_failures_per_address_minute": settings.LOGIN_MAX_FAILURES_PER_ADDRESS_MINUTE,
        "throttle_rates": settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
        "page_size": settings.REST_FRAMEWORK["PAGE_SIZE"],
        "max_page_size": PageNumberPagination.max_page_size,
        "graphql_first_default": paging.DEFAULT_PAGE_SIZE,
        "graphql_first_max": paging.MAX_PAGE_SIZE,
        "graphql_max_body_bytes": limits.DEFAULT_MAX_BODY_BYTES,
        "graphql_max_tokens": limits.MAX_LEXICAL_TOKENS,
        "graphql_max_selections": limits.MAX_SELECTIONS,
        "graphql_max_field_repeats": limits.MAX_FIELD_REPEATS,
        "graphql_max_directives": input_limits.MAX_DIRECTIVES,
        "graphql_max_variables": input_limits.MAX_VARIABLES,
        "graphql_max_input_values": input_limits.MAX_INPUT_VALUES,
        "graphql_max_depth": settings.GRAPHQL_MAX_DEPTH,
        "graphql_max_aliases": settings.GRAPHQL_MAX_ALIASES,
        "apq_max_bytes": settings.GRAPHQL_PERSISTED_QUERY_MAX_BYTES,
        "apq_timeout_seconds": settings.GRAPHQL_PERSISTED_QUERY_TIMEOUT,
        "edge_s_maxage": settings.CACHE_EDGE_S_MAXAGE,
        "edge_swr": settings.CACHE_EDGE_STALE_WHILE_REVALIDATE,
    }


def figures() -> dict:
    """The figures, read in a child process with a clean environment."""
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-m", "scripts.docs.figures"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


if __name__ == "__main__":
    print(json.dumps(_read()))
