#!/usr/bin/env bash
# Runs the department-owner page in headless Chromium (see README.md).
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
  echo "chromium is not installed: run scripts/install-deps.sh" >&2
  exit 1
fi
# Install exactly what the lock file says, once (and again if it changes).
if [ ! -d node_modules/playwright-core ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --silent --no-audit --no-fund
fi
node --test page_text.test.mjs page.test.mjs
