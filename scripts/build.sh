#!/usr/bin/env bash
# Configures and builds Herald with a CMake preset (dev, release, asan-ubsan). Usage: build.sh [preset]
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-release}"
bash scripts/deps.sh
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" -j "$(nproc)"
