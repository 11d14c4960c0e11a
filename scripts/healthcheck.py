"""Container HEALTHCHECK: ask this container's own server, as the proxy would.

    python scripts/healthcheck.py /healthz

The request carries an allowed Host and X-Forwarded-Proto: https, so production
settings (ALLOWED_HOSTS, SECURE_SSL_REDIRECT) answer it instead of refusing or
redirecting it. Exit status 0 when the answer is 200, 1 otherwise.
"""

import os
import sys
import urllib.request


def main() -> int:
    path = sys.argv[1] if len(sys.argv) > 1 else "/healthz"
    hosts = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
    host = next((h.lstrip(".") for h in hosts if h != "*"), "localhost")
    request = urllib.request.Request(
        f"http://127.0.0.1:{os.environ.get('PORT', '8000')}{path}",
        headers={"Host": host, "X-Forwarded-Proto": "https"},
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - loopback
            return 0 if response.status == 200 else 1
    except OSError as exc:
        print(f"unhealthy: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
