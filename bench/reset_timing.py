"""Does a password reset request take as long for an unknown account as for a known one?

`python -m bench.reset_timing [--floor 0.1] [--iterations 30] [--rounds 3] [--gate 1.1]`

In-process, on a throwaway in-memory SQLite database (the test settings): each
iteration shuffles four variants and calls each once through Django's test client,
timed with perf_counter_ns:

    phone-known     POST /api/users/password/reset/ {"phone_number": <an account's phone>}
    phone-unknown   the same with a number nobody holds
    name-known      {"username": <an account's name>}
    name-unknown    {"username": <a name nobody holds>}

Every call uses a fresh number/account and a fresh client address, so no send cap is
reached and each call does its full work. The SMS goes to the console backend with its
logger silenced: the provider's own latency is not ours to measure (see
docs/guide/accounts.md). The figure is the ratio of medians known/unknown per round,
and the reported ratio is the median over the rounds, as in bench/README.md. Prints a
JSON summary; exit status 1 when a ratio is outside [1/gate, gate].

`--floor` is PASSWORD_RESET_MIN_SECONDS for the run: 0 shows the raw difference of
work, the default 0.1 s (above this path's own work, so the run stays short) shows the
padding at work; production's 1.0 s also covers an SMS provider's round trip.
"""

import argparse
import json
import logging
import os
import random
import statistics
import sys
import time

VARIANTS = ["phone-known", "phone-unknown", "name-known", "name-unknown"]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--floor", type=float, default=0.1)
    parser.add_argument("--iterations", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--gate", type=float, default=1.1)
    args = parser.parse_args(argv)

    os.environ["DJANGO_SETTINGS_MODULE"] = "movie_api.settings.test"
    os.environ.setdefault("DATABASE_URL", "sqlite://:memory:")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    from users.models import User

    setup_test_environment()
    settings.PASSWORD_RESET_MIN_SECONDS = args.floor
    connection.creation.create_test_db(verbosity=0)
    settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"].update(otp_resend="1000000/min")
    logging.getLogger("users.sms").disabled = True
    logging.getLogger("django.request").disabled = True

    total = args.warmup + args.iterations * args.rounds
    counter = iter(range(10**6))
    password = User().password  # unusable; the accounts never sign in here

    def account():
        n = next(counter)
        return User.objects.create(
            username=f"timing{n:06d}",
            email=f"timing{n:06d}@example.com",
            phone_number=f"+1202555{n % 10000:04d}" if n < 10000 else f"+1415555{n % 10000:04d}",
            phone_verified_at=timezone.now(),
            is_active=True,
            password=password,
        )

    def bodies():
        known_phone, known_name = account(), account()
        # Unknown: numbers and names generated the same way, never saved.
        free = [next(counter), next(counter)]
        unknown_phone = (
            f"+1202555{free[0] % 10000:04d}" if free[0] < 10000 else f"+1415555{free[0]:04d}"
        )
        return {
            "phone-known": {"phone_number": known_phone.phone_number},
            "phone-unknown": {"phone_number": unknown_phone},
            "name-known": {"username": known_name.username},
            "name-unknown": {"username": f"timing{free[1]:06d}"},
        }

    client = Client()
    samples = {v: [] for v in VARIANTS}
    statuses = set()
    for iteration in range(total):
        calls = bodies()
        order = VARIANTS[:]
        random.shuffle(order)
        for variant in order:
            address = f"10.{iteration // 250 % 250}.{iteration % 250}.{VARIANTS.index(variant)}"
            start = time.perf_counter_ns()
            response = client.post(
                "/api/users/password/reset/",
                calls[variant],
                content_type="application/json",
                REMOTE_ADDR=address,
            )
            elapsed = time.perf_counter_ns() - start
            statuses.add((variant, response.status_code))
            if iteration >= args.warmup:
                samples[variant].append(elapsed)

    def ratio(known, unknown, round_index):
        lo, hi = round_index * args.iterations, (round_index + 1) * args.iterations
        return statistics.median(samples[known][lo:hi]) / statistics.median(samples[unknown][lo:hi])

    ratios = {
        "phone known/unknown": statistics.median(
            ratio("phone-known", "phone-unknown", r) for r in range(args.rounds)
        ),
        "username known/unknown": statistics.median(
            ratio("name-known", "name-unknown", r) for r in range(args.rounds)
        ),
    }
    report = {
        "median_ms": {v: round(statistics.median(s) / 1e6, 3) for v, s in samples.items()},
        "ratios": {k: round(v, 3) for k, v in ratios.items()},
        "floor_s": args.floor,
        "gate": [round(1 / args.gate, 3), args.gate],
        "statuses": sorted({status for _, status in statuses}),
        "iterations": args.iterations,
        "rounds": args.rounds,
    }
    print(json.dumps(report, indent=2))
    ok = all(1 / args.gate <= r <= args.gate for r in ratios.values())
    ok = ok and report["statuses"] == [200]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
