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

"$CLUSTER" stop > "$RUN_DIR/stop.out" 2>&1
for _ in $(seq 100); do [ -z "$(leftovers)" ] && break; sleep 0.1; done
if [ -n "$(leftovers)" ]; then echo "left behind:"; ps -o pid,stat,cmd -p "$(leftovers | tr '\n' ',')0"; exit 1; fi
echo PASS
