#!/usr/bin/env bash
# Configures and builds VoC Loop with Ninja and ccache.
#   scripts/build.sh [Release|RelWithDebInfo|Debug] [build-dir]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_TYPE="${1:-RelWithDebInfo}"
BUILD_DIR="${2:-build}"
JOBS="${VOC_JOBS:-$(nproc)}"
export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/ccache}"
export CCACHE_BASEDIR="$PWD"
if [ ! -f "$BUILD_DIR/build.ninja" ] || ! grep -q "CMAKE_BUILD_TYPE:STRING=$BUILD_TYPE" "$BUILD_DIR/CMakeCache.txt" 2>/dev/null; then
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE="$BUILD_TYPE"
fi
cmake --build "$BUILD_DIR" -- -j"$JOBS"
