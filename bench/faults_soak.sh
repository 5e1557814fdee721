#!/usr/bin/env bash
# The 10-minute packet-loss soak of the fault bed (docs/FAULTS.md): 20 % loss on one host's
# traffic for SVF_LOSS_SECONDS (600 by default), then the checks of the CI run. As root.
# Usage: bench/faults_soak.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
export SVF_LOSS_SECONDS=${SVF_LOSS_SECONDS:-600} SVF_TIMEOUT=${SVF_TIMEOUT:-900}
exec python3 test/netns/faults.py "${1:-build}" packet_loss
