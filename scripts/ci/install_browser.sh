#!/usr/bin/env bash
# Debian's Chromium and chromedriver for the browser tests (tests/browser/, customer_support's
# tickets/tests/browser/). Idempotent: installs only what is missing; nothing downloads a browser
# outside the Debian packages. Needs root (CI runs as root).
set -euo pipefail

if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then
    echo "chromium and chromedriver already installed: $(chromium --version 2>/dev/null || true)"
    exit 0
fi

export DEBIAN_FRONTEND=noninteractive
# Another apt run (a parallel install) holds the lock: wait for it rather than fail.
for attempt in $(seq 1 60); do
    if apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium chromium-driver; then
        break
    fi
    if [ "$attempt" = 60 ]; then
        echo "apt-get could not install chromium chromium-driver" >&2
        exit 1
    fi
    echo "apt-get busy or failing (attempt $attempt); retrying in 10 s" >&2
    sleep 10
done
command -v chromium && command -v chromedriver
