#!/usr/bin/env bash
# The local example cluster: three supervisords (alpha, beta, gamma), each with its own unix
# socket and the supvisors-relay event listener, and three supvisorsd agents beside them, all
# on this machine (loopback and files under RUN_DIR).
#
#   cluster.sh start    install what is missing (Debian 12, as root), build, start all six
#   cluster.sh status   what each agent sees of its supervisord
#   cluster.sh stop     stop the agents and the supervisords with all their children
#
# Environment: BASE_PORT (default 61000: alpha 61000, beta 61010, gamma 61020; each agent also
# uses port+1 for peers and port+2 for events), RUN_DIR (default examples/local-cluster/run),
# BUILD_DIR (default build-product), SKIP_BUILD=1 to use binaries already built in BUILD_DIR.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BASE_PORT=${BASE_PORT:-61000}
RUN_DIR=${RUN_DIR:-$HERE/run}
BUILD_DIR=${BUILD_DIR:-$ROOT/build-product}
BIN=$BUILD_DIR/agent
NAMES=(alpha beta gamma)

port_of() { local i; for i in "${!NAMES[@]}"; do if [ "${NAMES[$i]}" = "$1" ]; then echo $((BASE_PORT + 10 * i)); fi; done; }

# Waits until "$@" succeeds, at most $1 seconds.
await() { local limit=$1; shift; for _ in $(seq $((limit * 10))); do "$@" && return 0; sleep 0.1; done; return 1; }
alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
dead() { ! alive "$1"; }

build() {
  "$ROOT/scripts/deps.sh"
  if [ "${SKIP_BUILD:-0}" != 1 ]; then
    cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DBUILD_TESTING=OFF -DSUPVISORS_BENCH=OFF >/dev/null
    cmake --build "$BUILD_DIR" -j "$(nproc)" --target supvisorsd supvisorsctl supvisors-relay
  fi
}

fill() {  # fill TEMPLATE NAME > output
  local name=$2 run=$RUN_DIR/$2
  sed -e "s|@NAME@|$name|g" -e "s|@RUN@|$run|g" -e "s|@BIN@|$BIN|g" -e "s|@HERE@|$HERE|g" \
      -e "s|@PORT_alpha@|$(port_of alpha)|g" -e "s|@PORT_beta@|$(port_of beta)|g" \
      -e "s|@PORT_gamma@|$(port_of gamma)|g" "$1"
}

start() {
  build
  for name in "${NAMES[@]}"; do
    local run=$RUN_DIR/$name
    mkdir -p "$run"
    if alive "$run/supervisord.pid" || alive "$run/supvisorsd.pid"; then
      echo "$name is already running (cluster.sh stop first)" >&2; exit 1
    fi
    fill "$HERE/supervisord.conf.in" "$name" > "$run/supervisord.conf"
    fill "$HERE/agent.conf.in" "$name" > "$run/supvisorsd.conf"
    "$BIN/supvisorsd" -c "$run/supvisorsd.conf" --check > "$run/check.txt" 2>&1 || {
      cat "$run/check.txt" >&2; exit 1; }
  done
  for name in "${NAMES[@]}"; do
    local run=$RUN_DIR/$name
    # Agents first: the relay of each supervisord then finds its agent at once.
    setsid "$BIN/supvisorsd" -c "$run/supvisorsd.conf" > "$run/supvisorsd.out" 2>&1 < /dev/null &
    echo $! > "$run/supvisorsd.pid"
    /usr/bin/supervisord -c "$run/supervisord.conf"   # daemonizes; pid in supervisord.pid
  done
  for name in "${NAMES[@]}"; do
    local port; port=$(port_of "$name")
    # Answering, and with its supervisord read (the relay is one of its processes).
    await 30 "$BIN/supvisorsctl" -s "http://127.0.0.1:$port" local_status supvisors_relay \
      >/dev/null 2>&1 || {
      echo "the agent $name did not answer on port $port; see $RUN_DIR/$name/supvisorsd.out" >&2
      exit 1; }
  done
  local a b g; a=$(port_of alpha); b=$(port_of beta); g=$(port_of gamma)
  cat <<TXT
The local cluster runs: 3 supervisords and 3 supvisorsd agents (files in $RUN_DIR).

  instance  agent (HTTP, XML-RPC)     supervisord socket
  alpha     http://127.0.0.1:$a    unix://$RUN_DIR/alpha/supervisor.sock
  beta      http://127.0.0.1:$b    unix://$RUN_DIR/beta/supervisor.sock
  gamma     http://127.0.0.1:$g    unix://$RUN_DIR/gamma/supervisor.sock

The three agents form one cluster, elect a Master and start the applications of rules.xml
(database, then web_front, then monitor) where the rules place them. Try (ctl=$BIN/supvisorsctl):
  \$ctl -s http://127.0.0.1:$a sstate                       (the cluster's state and Master)
  \$ctl -s http://127.0.0.1:$a application_info             (database and web_front RUNNING)
  \$ctl -s http://127.0.0.1:$b sstatus                      (every process, and where it runs)
  \$ctl -s http://127.0.0.1:$a decisions                    (what the Master started, and why)
  \$ctl -s http://127.0.0.1:$b test_start_application CONFIG player
  \$ctl -s http://127.0.0.1:$b start_application CONFIG player
  \$ctl -s http://127.0.0.1:$g stop_application database    (by stop_sequence, on every host)
  \$ctl -s http://127.0.0.1:$a local_status                 (alpha's own supervisord)
  kill -STOP \$(cat $RUN_DIR/alpha/supvisorsd.pid) \$(cat $RUN_DIR/alpha/supervisord.pid)
  \$ctl -s http://127.0.0.1:$b sstatus monitor:*           (alpha frozen: watcher on beta,
                                                          beta Master; kill -CONT to thaw)
  supervisorctl -s http://127.0.0.1:$g status          (plain supervisorctl, through the agent)
  supervisorctl -s http://127.0.0.1:$b tail -f web_front:web_front_01
  $BIN/supvisorsd -c $RUN_DIR/alpha/supvisorsd.conf --check    (the resolved config and rules)
  $0 status
  $0 stop
TXT
}

status() {
  for name in "${NAMES[@]}"; do
    echo "== $name (http://127.0.0.1:$(port_of "$name"))"
    "$BIN/supvisorsctl" -s "http://127.0.0.1:$(port_of "$name")" local_status || true
  done
}

stop() {
  for name in "${NAMES[@]}"; do
    local run=$RUN_DIR/$name
    if alive "$run/supvisorsd.pid"; then kill "$(cat "$run/supvisorsd.pid")"; fi
    if alive "$run/supervisord.pid"; then kill "$(cat "$run/supervisord.pid")"; fi
  done
  for name in "${NAMES[@]}"; do
    local run=$RUN_DIR/$name
    for pidfile in "$run/supvisorsd.pid" "$run/supervisord.pid"; do
      [ -f "$pidfile" ] || continue
      local pid; pid=$(cat "$pidfile")
      if ! await 30 dead "$pidfile"; then
        echo "$pidfile: $pid still alive after 30 s, killing it" >&2
        kill -9 "$pid" 2>/dev/null || true
      fi
      # supervisord and the agent lead their own sessions: nothing of theirs may survive.
      pkill -KILL -s "$pid" 2>/dev/null || true
      rm -f "$pidfile"
    done
  done
  echo "The local cluster is stopped."
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|status|stop" >&2; exit 2 ;;
esac
