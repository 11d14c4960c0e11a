#!/usr/bin/env bash
# Debian's nginx for the tests that run the shipped proxy recipe (deploy/nginx.conf) in
# front of gunicorn: tests/replay/ (`make security-replay`, and the slow tier). The tests
# start nginx themselves, on a free loopback port with a configuration of their own
# folder; the package's own site (port 80) is never used. Idempotent: installs only
# when nginx is missing. Needs root (CI runs as root).
set -euo pipefail

if command -v nginx >/dev/null || [ -x /usr/sbin/nginx ]; then
    echo "nginx already installed: $(/usr/sbin/nginx -v 2>&1 || true)"
    exit 0
fi

export DEBIAN_FRONTEND=noninteractive
# Another apt run (a parallel install) holds the lock: wait for it rather than fail.
for attempt in $(seq 1 60); do
    if apt-get update -qq && apt-get install -y -qq --no-install-recommends nginx; then
        break
    fi
    # The package's post-install step starts its own service on port 80 where it can;
    # when that fails (the port is taken) the binary is installed all the same, and the
    # binary is all the tests use.
    if [ -x /usr/sbin/nginx ]; then
        echo "nginx installed; its service did not start (the tests do not use it)" >&2
        break
    fi
    if [ "$attempt" = 60 ]; then
        echo "apt-get could not install nginx" >&2
        exit 1
    fi
    echo "apt-get busy or failing (attempt $attempt); retrying in 10 s" >&2
    sleep 10
done
/usr/sbin/nginx -v
