#!/usr/bin/env bash
# Regenerate the README's screenshots (docs/screenshots/) from the demo data:
#   scripts/screenshots.sh
# runs tests/browser/test_screenshots.py (Playwright + /usr/bin/chromium, SQLite, eager
# Celery), which checks each page and saves it to var/screenshots/docs/, then copies the
# PNGs to docs/screenshots/ and refuses any over 200 KB (the viewport only, not the full page).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
SRC=var/screenshots/docs
DEST=docs/screenshots
MAX_BYTES=$((200 * 1024))

rm -rf "$SRC"
DJANGO_SETTINGS_MODULE=portal.settings.test REQUIRE_SERVICES=1 \
  .venv/bin/pytest -q -p no:cacheprovider tests/browser/test_screenshots.py

mkdir -p "$DEST"
status=0
for png in "$SRC"/*.png; do
  size=$(stat -c %s "$png")
  if [ "$size" -gt "$MAX_BYTES" ]; then
    echo "too big for the docs: $png ($size bytes > $MAX_BYTES)" >&2
    status=1
    continue
  fi
  cp "$png" "$DEST/"
  echo "$DEST/$(basename "$png") ($((size / 1024)) KB)"
done
exit $status
