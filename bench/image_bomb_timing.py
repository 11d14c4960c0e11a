"""What does a refused decode-bomb upload cost the server?

    .venv/bin/python -m bench.image_bomb_timing [--iterations 30]

A 38-byte lossless WebP that declares 4999 x 5000 pixels (just under the 25-megapixel
cap) used to be decoded and re-encoded: ~2 s of a worker per profile-picture upload.
`core.images` now refuses it from the header (more than MAX_IMAGE_PIXELS_PER_BYTE
pixels per byte). This script times, in-process (the WSGI stack of the production
settings, DEBUG off, on a throwaway SQLite file), `PATCH /api/users/me/` with that file
as the profile picture; for comparison the same request with a real 1200 x 1800 JPEG
(decoded and re-encoded) and with no picture at all (a bio only: what any request to
that endpoint costs); and `clean_image` alone on the bomb, the check itself. It prints
the median and worst time of each and the statuses answered. The target is a refusal
in under 20 ms; docs/security.md ("Hardening II: uploads and the proxy") records a
run. Nothing here is a test: figures depend on the machine.
"""

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = 20


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--iterations", type=int, default=30)
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="image-bomb-timing-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'db.sqlite3'}"
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    import logging

    logging.getLogger("django.request").setLevel(logging.ERROR)  # 400s are the point
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from PIL import Image
    from rest_framework.test import APIClient
    from rest_framework_simplejwt.tokens import RefreshToken

    from core.images import clean_image
    from core.tests.image_bombs import webp_bomb
    from users.models import User

    call_command("migrate", verbosity=0)
    user = User.objects.create_user("bomber", "bomber@example.com", "Bomb-pass-42", is_active=True)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")

    photo = io.BytesIO()
    Image.effect_noise((1200, 1800), 40).convert("RGB").save(photo, format="JPEG", quality=85)
    files = {
        "bomb": ("bomb.webp", webp_bomb(), "image/webp"),
        "real": ("poster.jpg", photo.getvalue(), "image/jpeg"),
        "none": None,
    }
    timings: dict[str, list[float]] = {kind: [] for kind in [*files, "check"]}
    statuses: dict[str, Counter] = {kind: Counter() for kind in [*files, "check"]}
    for i in range(args.iterations + 3):
        for kind, file in files.items():
            if file is None:
                body = {"bio": f"round {i}"}
            else:
                body = {"profile_picture": SimpleUploadedFile(file[0], file[1], file[2])}
            started = time.perf_counter_ns()
            response = client.patch("/api/users/me/", body, format="multipart")
            elapsed = (time.perf_counter_ns() - started) / 1e6
            statuses[kind][response.status_code] += 1
            if i >= 3:  # the first rounds warm up caches and code paths
                timings[kind].append(elapsed)
        upload = SimpleUploadedFile("bomb.webp", files["bomb"][1], "image/webp")
        started = time.perf_counter_ns()
        try:
            clean_image(upload)
            statuses["check"]["accepted"] += 1
        except ValidationError:
            statuses["check"]["refused"] += 1
        if i >= 3:
            timings["check"].append((time.perf_counter_ns() - started) / 1e6)

    print(f"PATCH /api/users/me/, {args.iterations} iterations each, in-process")
    labels = {
        "bomb": f"bomb.webp ({len(files['bomb'][1])} bytes, 4999 x 5000)",
        "real": f"poster.jpg ({len(files['real'][1]) // 1024} KB, 1200 x 1800)",
        "none": "no picture (bio only)",
        "check": "clean_image(bomb.webp) alone",
    }
    for kind, label in labels.items():
        values = timings[kind]
        answers = ", ".join(f"{code} x{n}" for code, n in sorted(statuses[kind].items()))
        print(
            f"  {label:38} median {statistics.median(values):7.2f} ms"
            f"  worst {max(values):7.2f} ms  {answers}"
        )
    # The refusal is the check; the rest of the request (authentication, the multipart
    # parse, the answer) costs what any request to the endpoint costs, picture or not.
    worst = max(timings["check"])
    verdict = "met" if worst < TARGET_MS else "NOT met"
    print(f"  target: the refusal under {TARGET_MS} ms: {verdict} (worst {worst:.2f} ms)")
    ratio = statistics.median(timings["bomb"]) / statistics.median(timings["none"])
    print(f"  a refused bomb costs {ratio:.2f} x a request without a picture (medians)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
