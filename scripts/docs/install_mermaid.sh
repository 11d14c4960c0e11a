#!/usr/bin/env bash
# Vendors Mermaid for the docs site, so the site renders its diagrams offline: Material
# loads Mermaid from unpkg.com unless a `mermaid` global already exists, and mkdocs.yml
# loads this copy first. The file (2.6 MB) is fetched from the npm registry with npm's
# own client at install time, checked against a pinned SHA-256, and kept in a
# git-ignored folder (docs/vendor/mermaid/) next to its licence. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/../.."

VERSION=11.17.2
# sha256sum of mermaid-$VERSION.tgz as the registry serves it (npm also checks its
# sha512 integrity against the registry's metadata).
SHA256=6ad2f42c3fc26bbf9e45cbb6d11898972573ea52b33a5f4ff51952899f950ffd
DEST=docs/vendor/mermaid

if [ -f "$DEST/mermaid.min.js" ] && [ "$(cat "$DEST/VERSION" 2>/dev/null)" = "$VERSION" ]; then
  exit 0
fi
# npm (with Node, which the guide's JavaScript examples also run on: tests/test_guide_examples.py)
# from Debian when it is missing, as scripts/ci/install_browser.sh does for Chromium.
if ! command -v npm >/dev/null; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "npm is needed to fetch Mermaid for the docs site: apt-get install npm (as root)" >&2
    exit 1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends npm
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "mermaid@$VERSION" >/dev/null)
echo "$SHA256  $work/mermaid-$VERSION.tgz" | sha256sum --check --quiet
tar -xzf "$work/mermaid-$VERSION.tgz" -C "$work" package/dist/mermaid.min.js package/LICENSE
mkdir -p "$DEST"
cp "$work/package/dist/mermaid.min.js" "$DEST/mermaid.min.js"
cp "$work/package/LICENSE" "$DEST/LICENSE"
echo "$VERSION" >"$DEST/VERSION"
echo "Mermaid $VERSION vendored into $DEST"
