#!/usr/bin/env bash
# The benchmark suite: one command for every figure of docs/BENCHMARKS.md.
#
#   bench/run.sh          the full run (about 20 minutes on 2 cores), figures in bench/results/
#   bench/run.sh quick    a smoke run: 1 window of 5 s, 5 crashes (figures not for the docs)
#
# Then `/usr/bin/python3 bench/report.py` rewrites the figures section of docs/BENCHMARKS.md
# (run.sh does it at the end of a full run; a quick run writes to bench/results-quick/).
#
# Footprint (issue 3): for N in 100 and 500 programs, without and with the supvisors-relay
# event listener (and with it but a 10 s poll_period: "slow"), it starts one supervisord
# (N x `sleep infinity`, all started, minfds 5 x N + 400) and one supvisorsd (poll_period 1 s),
# then measures
#   - idle:  R windows of S seconds: CPU of the agent and of supervisord, agent memory;
#   - churn: the same while 2 programs per second are stopped and 2 started, through
#            supervisord's XML-RPC;
#   - crash: C times kill -9 of a RUNNING program, delay until the agent shows it not RUNNING.
# Everything runs on loopback (agent ports BASE_PORT..+31, default 63100) and in a temp folder;
# everything started is stopped at the end, also on failure or Ctrl-C.
#
# Environment: BUILD_DIR (default build-bench), BASE_PORT (default 63100), SKIP_BUILD=1,
# SIZES ("100 500"), RELAYS ("off on slow"; slow = the relay with poll_period 10 s), KEEP=1 to keep the temp folder (configs, logs).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
MODE=${1:-full}
BUILD_DIR=${BUILD_DIR:-$ROOT/build-bench}
BASE_PORT=${BASE_PORT:-63100}
SIZES=${SIZES:-"100 500"}
RELAYS=${RELAYS:-"off on slow"}
PY=/usr/bin/python3   # the python that has supervisor (reference P20)

case "$MODE" in
  full) REPS=3 WINDOW=30 CRASHES=20 SETTLE=5 RESULTS=$HERE/results ;;
  quick) REPS=1 WINDOW=5 CRASHES=5 SETTLE=2 RESULTS=$HERE/results-quick ;;
  *) echo "usage: $0 [quick]" >&2; exit 2 ;;
esac
CHURN_PROGRAMS=10 CHURN_RATE=2 POLL_PERIOD=1 SLOW_POLL_PERIOD=10

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DBUILD_TESTING=OFF -DSUPVISORS_BENCH=ON >/dev/null
  cmake --build "$BUILD_DIR" -j "$(nproc)" --target supvisorsd supvisors-relay footprint_bench
fi
BIN=$BUILD_DIR/agent
BENCH=$BUILD_DIR/bench/footprint_bench

TMP=$(mktemp -d /tmp/svbench.XXXXXX)   # short: unix socket paths are limited to 107 bytes
SAMPLES=$TMP/samples.txt
: > "$SAMPLES"
AGENT_PID= SUP_PID=

alive() { [ -n "$1" ] && kill -0 "$1" 2>/dev/null; }

# Stops the agent and supervisord of the current case, then anything left in their sessions.
stop_case() {
  local pid
  for pid in $AGENT_PID $SUP_PID; do alive "$pid" && kill -TERM "$pid" 2>/dev/null || true; done
  for pid in $AGENT_PID $SUP_PID; do
    for _ in $(seq 600); do alive "$pid" || break; sleep 0.1; done   # at most 60 s
    # Each leads its own session (setsid): nothing of theirs may survive.
    pkill -KILL -s "$pid" 2>/dev/null || true
  done
  AGENT_PID= SUP_PID=
}
cleanup() {
  local rc=$?
  stop_case
  if [ $rc -ne 0 ] || [ "${KEEP:-0}" = 1 ]; then echo "bench: rc $rc; logs kept in $TMP" >&2; else rm -rf "$TMP"; fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Writes the supervisord and agent configs of one case into $1.
write_configs() {
  local dir=$1 n=$2 relay=$3 port=$4 i programs=""
  mkdir -p "$dir/logs"
  {
    cat <<EOF
[supervisord]
logfile=$dir/supervisord.log
pidfile=$dir/supervisord.pid
childlogdir=$dir/logs
identifier=bench
minfds=$((5 * n + 400))

[unix_http_server]
file=$dir/s.sock
chmod=0700

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[program:crashme]
command=sleep infinity
autostart=false
autorestart=false
startsecs=0
EOF
    if [ "$relay" != off ]; then
      local buffer=$((4 * n)); [ $buffer -lt 1024 ] && buffer=1024
      cat <<EOF

[eventlistener:supvisors_relay]
command=$BIN/supvisors-relay ipc://$dir/relay.ipc
events=PROCESS_STATE,PROCESS_GROUP_ADDED,PROCESS_GROUP_REMOVED,SUPERVISOR_STATE_CHANGE
buffer_size=$buffer
autorestart=true
EOF
    fi
    for ((i = 0; i < n; i++)); do
      printf '\n[program:p%04d]\ncommand=sleep infinity\nautostart=true\n' "$i"
      programs+=$(printf 'p%04d,' "$i")
    done
    printf '\n[group:bench]\nprograms=%s\n' "${programs%,}"
  } > "$dir/supervisord.conf"
  cat > "$dir/supvisorsd.conf" <<EOF
[supvisors]
supvisors_list = <bench>127.0.0.1:$port
logfile = $dir/supvisorsd.log
loglevel = info

[supervisor]
serverurl = unix://$dir/s.sock
poll_period = $([ "$relay" = slow ] && echo $SLOW_POLL_PERIOD || echo $POLL_PERIOD)

[agent]
identifier = bench
relay_endpoint = $([ "$relay" != off ] && echo "ipc://$dir/relay.ipc" || echo none)
EOF
}

# One case: N programs, relay on/off. Appends "n relay load key=value..." lines to $SAMPLES.
run_case() {
  local n=$1 relay=$2 port=$3 dir=$TMP/n$1-$2 rep line
  echo "== $n programs, relay $relay (agent port $port, files in $dir)"
  write_configs "$dir" "$n" "$relay" "$port"
  "$BIN/supvisorsd" -c "$dir/supvisorsd.conf" --check > "$dir/check.txt" 2>&1 ||
    { cat "$dir/check.txt" >&2; return 1; }
  if ss -ltn 2>/dev/null | grep -q "127.0.0.1:$port "; then
    echo "port $port is in use: set BASE_PORT" >&2; return 1
  fi
  # P19: supervisord needs ~5 fds per program; it raises its soft limit to minfds itself, but
  # only up to the hard limit.
  if [ "$(ulimit -Hn)" != unlimited ] && [ "$(ulimit -Hn)" -lt $((5 * n + 400)) ]; then
    echo "the hard limit of open files ($(ulimit -Hn)) is below $((5 * n + 400))" >&2; return 1
  fi
  setsid "$BIN/supvisorsd" -c "$dir/supvisorsd.conf" > "$dir/supvisorsd.out" 2>&1 < /dev/null &
  AGENT_PID=$!
  (ulimit -n $((5 * n + 400)); exec setsid /usr/bin/supervisord -n -c "$dir/supervisord.conf" \
    > "$dir/supervisord.out" 2>&1 < /dev/null) &
  SUP_PID=$!
  "$BENCH" wait --agent "$port" --supervisor "unix://$dir/s.sock" --running "$n" --timeout 120
  sleep "$SETTLE"
  for load in idle churn; do
    for ((rep = 1; rep <= REPS; rep++)); do
      local churn=()
      [ $load = churn ] && churn=(--churn "unix://$dir/s.sock" --churn-programs "$CHURN_PROGRAMS"
                                  --churn-rate "$CHURN_RATE")
      line=$("$BENCH" window --agent-pid "$AGENT_PID" --supervisord-pid "$SUP_PID" \
               --seconds "$WINDOW" "${churn[@]}")
      echo "   $load #$rep: $line"
      echo "$n $relay $load $line" >> "$SAMPLES"
    done
  done
  if [ "$relay" = on ]; then   # where the agent's memory goes
    "$PY" "$HERE/smaps.py" "$AGENT_PID" > "$TMP/smaps-n$n-$relay.json"
  fi
  "$BENCH" crash --agent "$port" --supervisor "unix://$dir/s.sock" --program crashme \
    --count "$CRASHES" > "$dir/crash.txt" 2> "$dir/crash.log" ||
    { cat "$dir/crash.log" >&2; return 1; }
  echo "   crash (ms): $(sort -n "$dir/crash.txt" | tr '\n' ' ')"
  echo "$n $relay crash $(tr '\n' ' ' < "$dir/crash.txt")" >> "$SAMPLES"
  stop_case
}

port=$BASE_PORT
for n in $SIZES; do
  for relay in $RELAYS; do
    run_case "$n" "$relay" "$port"
    port=$((port + 10))
  done
done

"$PY" "$HERE/report.py" record-footprint --samples "$SAMPLES" --results "$RESULTS" \
  --smaps-dir "$TMP" --params "reps=$REPS window_s=$WINDOW crashes=$CRASHES \
churn_programs=$CHURN_PROGRAMS churn_rate_per_s=$CHURN_RATE"
if [ "$MODE" = full ]; then
  "$PY" "$HERE/report.py" docs --results "$RESULTS" --doc "$ROOT/docs/BENCHMARKS.md"
fi
echo "bench: figures in $RESULTS"
