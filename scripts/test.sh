#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test (ctest): unit tests,
# integration tests against real redis-server and PostgreSQL processes that
# the tests start themselves, the end-to-end loop, and the Helm chart check.
#   scripts/test.sh [extra ctest arguments, e.g. -R ingest or -L unit]
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
BUILD_DIR="${VOC_BUILD_DIR:-build}"
# Release, like run.sh, so both share one incremental build.
./scripts/build.sh Release "$BUILD_DIR"
JOBS="${VOC_TEST_JOBS:-2}"
ctest --test-dir "$BUILD_DIR" --output-on-failure -j"$JOBS" "$@"
