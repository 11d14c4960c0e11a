#!/usr/bin/env bash
# What the browser tests need (tests/browser/, customer_support's tickets/tests/browser/):
# Debian's Chromium and chromedriver, and axe-core (the accessibility checker the page tests
# run inside Chromium) from the npm registry, pinned by tests/browser/axe/package-lock.json
# into tests/browser/axe/node_modules (gitignored). Idempotent: installs only what is
# missing; nothing downloads a browser outside the Debian packages. Needs root (CI runs as
# root) when a Debian package is missing.
set -euo pipefail
cd "$(dirname "$0")/../.."

apt_install() {
    export DEBIAN_FRONTEND=noninteractive
    # Another apt run (a parallel install) holds the lock: wait for it rather than fail.
    for attempt in $(seq 1 60); do
        if apt-get update -qq && apt-get install -y -qq --no-install-recommends "$@"; then
            return 0
        fi
        if [ "$attempt" = 60 ]; then
            echo "apt-get could not install $*" >&2
            exit 1
        fi
        echo "apt-get busy or failing (attempt $attempt); retrying in 10 s" >&2
        sleep 10
    done
}

missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v chromedriver >/dev/null || missing+=(chromium-driver)
command -v npm >/dev/null || missing+=(npm)
if [ "${#missing[@]}" -gt 0 ]; then
    apt_install "${missing[@]}"
fi
echo "chromium and chromedriver: $(chromium --version 2>/dev/null || true)"

# axe-core: exactly the locked version (npm ci checks its integrity hash).
axe=tests/browser/axe
wanted=$(sed -n 's/.*"axe-core": "\(.*\)".*/\1/p' "$axe/package.json")
have=$(sed -n 's/.*"version": "\(.*\)".*/\1/p' "$axe/node_modules/axe-core/package.json" 2>/dev/null | head -1 || true)
if [ "$have" != "$wanted" ] || [ ! -f "$axe/node_modules/axe-core/axe.min.js" ]; then
    npm ci --prefix "$axe" --no-audit --no-fund --ignore-scripts
fi
echo "axe-core $wanted: $axe/node_modules/axe-core/axe.min.js"
