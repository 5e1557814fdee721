#!/usr/bin/env bash
# The README's first command: examples/local-cluster/cluster.sh start leaves 3 supervisords and
# 3 agents running and reachable, and `stop` leaves nothing behind. Runs on its own ports and
# folder, with the binaries of BUILD_DIR.
# Usage: local_cluster.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
SRC=$1
export BUILD_DIR=$2 SKIP_BUILD=1 BASE_PORT=${BASE_PORT:-62100}
export RUN_DIR; RUN_DIR=$(mktemp -d /tmp/svclXXXXXX)
CLUSTER=$SRC/examples/local-cluster/cluster.sh
trap '"$CLUSTER" stop >/dev/null 2>&1 || true; rm -rf "$RUN_DIR"' EXIT

leftovers() { pgrep -f "$RUN_DIR" || true; }

"$CLUSTER" start > "$RUN_DIR/start.out" 2>&1 || { cat "$RUN_DIR/start.out"; exit 1; }
relay_running() {  # PORT: the agent sees its relay RUNNING (startsecs=1: awaited)
  local out
  for _ in $(seq 100); do
    out=$("$BUILD_DIR/agent/supvisorsctl" -s "http://127.0.0.1:$1" local_status supvisors_relay) &&
      grep -q RUNNING <<< "$out" && return 0
    sleep 0.2
  done
  echo "agent $1: $out"; return 1
}
for i in 0 1 2; do
  port=$((BASE_PORT + 10 * i))
  # the agent serves its own table and forwards plain supervisorctl to its supervisord
  relay_running "$port"
  out=$(supervisorctl -s "http://127.0.0.1:$port" status supvisors_relay)
  grep -q RUNNING <<< "$out" || { echo "supervisorctl via $port: $out"; exit 1; }
done
[ "$(pgrep -fc "supervisord -c $RUN_DIR")" = 3 ] || { echo "expected 3 supervisords"; exit 1; }
[ "$(pgrep -fc "supvisorsd -c $RUN_DIR")" = 3 ] || { echo "expected 3 agents"; exit 1; }
# a second start refuses to run the cluster twice
if "$CLUSTER" start > /dev/null 2>&1; then echo "a second start should fail"; exit 1; fi

# The cluster forms and DISTRIBUTION starts the applications of the rules (awaited, bounded).
apps_running() {
  local out
  for _ in $(seq 300); do
    out=$("$BUILD_DIR/agent/supvisorsctl" -s "http://127.0.0.1:$BASE_PORT" application_info \
      database web_front 2>&1) && [ "$(grep -c RUNNING <<< "$out")" = 2 ] && return 0
    sleep 0.2
  done
  echo "the applications did not start: $out"
  # What the agents saw and decided, for the diagnosis.
  for name in alpha beta gamma; do
    echo "--- $name"
    grep -E "warning|error|decision|->" "$RUN_DIR/$name/supvisorsd.log" | tail -40 || true
  done
  return 1
}
apps_running

# Every process the supervisords run (their programs' shells and those shells' children),
# recorded before the stop: none may survive it.
descendants() { local p; for p in $(pgrep -P "$1"); do echo "$p"; descendants "$p"; done; }
children=()
for pid in $(pgrep -f "supervisord -c $RUN_DIR"); do children+=($(descendants "$pid")); done
[ "${#children[@]}" -ge 6 ] || { echo "expected the relays and the programs, got ${#children[@]}"; exit 1; }

"$CLUSTER" stop > "$RUN_DIR/stop.out" 2>&1
alive_children() { local p; for p in "${children[@]}"; do kill -0 "$p" 2>/dev/null && echo "$p"; done; true; }
for _ in $(seq 100); do [ -z "$(leftovers)$(alive_children)" ] && break; sleep 0.1; done
if [ -n "$(leftovers)$(alive_children)" ]; then
  echo "left behind:"; ps -o pid,stat,cmd -p "$( (leftovers; alive_children) | tr '\n' ',')0"; exit 1
fi
echo PASS
