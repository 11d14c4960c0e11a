"""Does registration take as long for a known phone or email as for a new one?

    .venv/bin/python -m bench.registration_timing [--iterations 40] [--sms-ms 150]

`POST /api/users/register/` must not reveal by its timing which phones and emails
are registered (docs/guide/accounts.md). This benchmark times it in-process
(the WSGI stack of the production settings, DEBUG off, on a throwaway SQLite file)
with the production password hasher, and a stand-in SMS provider that takes
`--sms-ms` per message, as a real one does. Each iteration registers, in shuffled
order, a brand-new account, a verified user's phone and (on a new phone) a verified
user's email, each from its own client address so no limit is reached. It prints the
median of each (and the statuses answered: they must not differ either) and the ratios
known/new of the medians; the goal is 0.8-1.25. A ratio far below 1 means the known
path skips work. Figures before and after the fix: docs/guide/accounts.md.
Nothing here is a test: figures depend on the machine, ratios much less so.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--iterations", type=int, default=40)
    parser.add_argument("--sms-ms", type=float, default=150.0)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="register-timing-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'db.sqlite3'}"
    os.environ["OTP_SENDS_PER_ADDRESS_HOUR"] = "1000000"
    os.environ.setdefault("THROTTLE_REGISTER", "100000000/min")
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    from django.conf import global_settings
    from django.core.management import call_command
    from django.test import Client, override_settings

    from users import sms
    from users.models import User

    call_command("migrate", verbosity=0)

    def slow_provider(*, to, body):
        time.sleep(args.sms_ms / 1000)

    sms.send_sms = slow_provider
    client = Client()
    rng = random.Random(args.seed)
    timings: dict[str, list[float]] = {"new": [], "known_phone": [], "known_email": []}
    addresses = (f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}" for n in range(1, 10**6))

    # Verified users whose phone or email the "known" registrations reuse (set up with
    # the bench settings' fast hasher; only the registrations below are timed).
    known = [
        User.objects.create_user(
            f"known{i}",
            f"known{i}@example.com",
            "Known-pass-42",
            phone_number=f"+1415555{i:04d}",
            is_active=True,
        )
        for i in range(args.iterations * 2 + 6)
    ]
    statuses: dict[str, Counter] = {kind: Counter() for kind in timings}
    with override_settings(PASSWORD_HASHERS=global_settings.PASSWORD_HASHERS):
        for i in range(args.iterations + 3):
            cases = [
                ("new", f"+1202555{i:04d}", f"new{i}@example.com"),
                ("known_phone", known[2 * i % len(known)].phone_number, f"kp{i}@example.com"),
                ("known_email", f"+1303555{i:04d}", known[(2 * i + 1) % len(known)].email),
            ]
            rng.shuffle(cases)
            for kind, phone, email in cases:
                body = {
                    "username": f"{kind}{i}".replace("_", ""),
                    "email": email,
                    "password": "Sturdy-pass-42",
                    "password_confirm": "Sturdy-pass-42",
                    "phone_number": phone,
                }
                started = time.perf_counter_ns()
                response = client.post(
                    "/api/users/register/",
                    body,
                    content_type="application/json",
                    REMOTE_ADDR=next(addresses),
                )
                elapsed = (time.perf_counter_ns() - started) / 1e6
                statuses[kind][response.status_code] += 1
                if i >= 3:  # the first rounds warm up caches and code paths
                    timings[kind].append(elapsed)

    medians = {kind: statistics.median(values) for kind, values in timings.items()}
    print(f"iterations {args.iterations}, SMS provider {args.sms_ms:.0f} ms, production hasher")
    for kind, value in medians.items():
        answers = ", ".join(f"{code} x{n}" for code, n in sorted(statuses[kind].items()))
        print(f"  {kind:12} median {value:8.1f} ms   statuses {answers}")
    for kind in ("known_phone", "known_email"):
        print(f"  ratio {kind}/new = {medians[kind] / medians['new']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
