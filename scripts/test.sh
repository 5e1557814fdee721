#!/usr/bin/env bash
# The test command: installs what is missing (Debian 12, as root), builds everything with
# warnings as errors, and runs every test registered with CTest.
# Usage: scripts/test.sh [extra ctest args...]   (BUILD_DIR=... to choose the build folder)
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/deps.sh
BUILD_DIR=${BUILD_DIR:-build}
cmake -S . -B "$BUILD_DIR" -G Ninja -DSUPVISORS_WERROR=ON -DBUILD_TESTING=ON
cmake --build "$BUILD_DIR" -j "$(nproc)"
SRC_DIR=$(pwd)
cd "$BUILD_DIR"
rm -rf faults-results  # each fault test writes its outcome there (test/netns)
status=0
ctest --output-on-failure -j "$(nproc)" --timeout 600 "$@" || status=$?
python3 "$SRC_DIR/test/netns/faults.py" faults-results summary || true
exit $status
