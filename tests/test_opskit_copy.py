"""customer_support carries the same operations kit as the movie API, byte for byte.

The two projects never import each other's code, so the kit (request ids, JSON logs,
metrics, readiness, Sentry scrubbing) is one file kept in two places. Change
movie_api/opskit.py, then copy it to customer_support/support_site/opskit.py.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_customer_support_has_the_same_opskit():
    original = (ROOT / "movie_api" / "opskit.py").read_text()
    copy = (ROOT / "customer_support" / "support_site" / "opskit.py").read_text()
    assert copy == original, "copy movie_api/opskit.py to customer_support/support_site/"
