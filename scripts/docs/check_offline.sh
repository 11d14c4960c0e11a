#!/usr/bin/env bash
# Fails when the built docs site (folder $1) would ask another host for a script, a
# stylesheet, a font or an image: the site must work offline. Links the reader clicks
# (<a href="https://...">) are fine.
set -euo pipefail
site=${1:-site}
found=$(grep -rhoE '<(script|link|img|iframe)[^>]*(src|href)="(https?:)?//[^"]*"' --include='*.html' "$site" || true)
found+=$(grep -rhoE '@import[^;]*(https?:)?//[^;]*|url\((https?:)?//[^)]*\)' --include='*.css' "$site" || true)
if [ -n "$found" ]; then
  echo "The docs site requests other hosts:" >&2
  echo "$found" | sort -u >&2
  exit 1
fi
echo "docs site: no request to another host"
