#!/usr/bin/env bash
# Headless Chromium and its WebDriver for scripts/ci/browser_csp_check.py (the CSP check
# of the admin, Swagger UI, ReDoc and GraphiQL; tests/test_csp_browser.py, slow tier).
set -euo pipefail
if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then
    exit 0
fi
apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium chromium-driver
