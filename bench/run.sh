#!/usr/bin/env bash
# The benchmark suite: one command for every figure of docs/BENCHMARKS.md.
#
#   bench/run.sh          the full run (about 65 minutes on 2 cores), figures in bench/results/
#   bench/run.sh quick    a smoke run: 1 window of 5 s, 5 crashes, fewer calls and cycles
#                         (figures not for the docs)
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
#
# Statistics (issue 8): for N in 100 and 500 programs (relay, poll_period 1 s), the agent's CPU
# over R idle windows of S seconds with statistics OFF, ALL every 5 s (the default) and ALL every
# 1 s; the collector's own CPU per collection (get_statistics_status before and after), and
# footprint_bench collector: STATS_COLLECTIONS collections in its own process, back to back.
#
# Reads (issue 6): for N in 300 and 3,000 programs (all stopped but one, in one group; relay,
# minfds 5 x N + 400), one supervisord and one agent alone in its supvisors_list (OPERATION by
# itself); bench/api_bench times get_all_process_info on a kept-alive connection: READ_CALLS
# calls in a row (the reply cached for the snapshot), READ_GZIP_CALLS asking for gzip (as
# Python's xmlrpc.client does) and READ_CHANGES first calls after a process changed (the
# cached reply rebuilt).
#
# Applications (issue 6): 3 supervisords + 3 agents (alpha, beta, gamma), polling only, with
# the relay (poll_period 1 s both), then with the relay and supervisord's loop turned every
# 10 ms (a diagnosis); two applications of 30 programs in 3 ranks of 10, each rank spread over
# the 3 instances by the rules file: bench0 (startsecs=0) and bench1 (startsecs=1). api_bench times APP_CYCLES
# times start_application(CONFIG, app, True) then stop_application(app, True), sent to alpha
# (the Master), and checks every cycle (states, rank order in supervisord's logs).
#
# Everything runs on loopback (agent ports BASE_PORT..+71, default 63100, for the footprint
# and the statistics, one case at a time; +100..+112 for reads, +200..+282 for applications;
# the cluster part uses 63500..63522) and in a temp folder; everything started is stopped at
# the end, also on failure or Ctrl-C.
#
# Environment: BUILD_DIR (default build-bench), BASE_PORT (default 63100), SKIP_BUILD=1,
# PARTS ("footprint stats reads apps cluster scale"; "ab" with AB_BIN, see the part),
# SIZES ("100 500"), RELAYS ("off on slow rules"; slow = the relay with poll_period 10 s,
# rules = the relay with a rules file that manages the programs, whose validation loads
# libxml2 for a moment), READ_SIZES ("300 3000"), APP_MODES ("off on turned", see run_apps),
# KEEP=1 to keep the temp folder (configs, logs).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
MODE=${1:-full}
BUILD_DIR=${BUILD_DIR:-$ROOT/build-bench}
BASE_PORT=${BASE_PORT:-63100}
PARTS=${PARTS:-"footprint stats reads apps cluster scale"}
SIZES=${SIZES:-"100 500"}
RELAYS=${RELAYS:-"off on slow rules"}
READ_SIZES=${READ_SIZES:-"300 3000"}
APP_MODES=${APP_MODES:-"off on turned"}
PY=/usr/bin/python3   # the python that has supervisor (reference P20)

case "$MODE" in
  full) REPS=3 WINDOW=30 CRASHES=20 SETTLE=5 READ_CALLS=2000 READ_CHANGES=30 READ_GZIP_CALLS=50
        APP_CYCLES=10 STATS_COLLECTIONS=50
        RESULTS=$HERE/results ;;
  quick) REPS=1 WINDOW=5 CRASHES=5 SETTLE=2 READ_CALLS=200 READ_CHANGES=5 READ_GZIP_CALLS=5
         APP_CYCLES=2 STATS_COLLECTIONS=10
         RESULTS=$HERE/results-quick ;;
  *) echo "usage: $0 [quick]" >&2; exit 2 ;;
esac
CHURN_PROGRAMS=10 CHURN_RATE=2 POLL_PERIOD=1 SLOW_POLL_PERIOD=10

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DBUILD_TESTING=OFF -DSUPVISORS_BENCH=ON >/dev/null
  cmake --build "$BUILD_DIR" -j "$(nproc)" --target supvisorsd supvisors-relay footprint_bench \
    api_bench supvisorsctl
fi
BIN=$BUILD_DIR/agent
BENCH=$BUILD_DIR/bench/footprint_bench
API_BENCH=$BUILD_DIR/bench/api_bench
part() { [[ " $PARTS " == *" $1 "* ]]; }

TMP=$(mktemp -d /tmp/svbench.XXXXXX)   # short: unix socket paths are limited to 107 bytes
SAMPLES=$TMP/samples.txt
: > "$SAMPLES"
AGENT_PID= SUP_PID=
CASE_PIDS=()   # every agent and supervisord of the current case, each leading its own session

alive() { [ -n "$1" ] && kill -0 "$1" 2>/dev/null; }

# Stops the agents and supervisords of the current case, then anything left in their sessions.
stop_case() {
  local pid
  for pid in "${CASE_PIDS[@]}"; do alive "$pid" && kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${CASE_PIDS[@]}"; do
    for _ in $(seq 600); do alive "$pid" || break; sleep 0.1; done   # at most 60 s
    # Each leads its own session (setsid): nothing of theirs may survive.
    pkill -KILL -s "$pid" 2>/dev/null || true
  done
  AGENT_PID= SUP_PID= CASE_PIDS=()
}
# Starts supervisord -c $1 in its own session with `ulimit -n $2` (reference P19: it raises
# its soft limit to minfds itself, but only up to the hard limit); its pid in SUP_PID.
start_supervisord() {
  if [ "$(ulimit -Hn)" != unlimited ] && [ "$(ulimit -Hn)" -lt "$2" ]; then
    echo "the hard limit of open files ($(ulimit -Hn)) is below $2" >&2; return 1
  fi
  (ulimit -n "$2"; exec setsid /usr/bin/supervisord -n -c "$1" \
    > "$(dirname "$1")/supervisord.out" 2>&1 < /dev/null) &
  SUP_PID=$!
  CASE_PIDS+=("$SUP_PID")
}
# Checks supvisorsd -c $1 offline, then starts it in its own session; its pid in AGENT_PID.
start_agent() {
  local dir; dir=$(dirname "$1")
  "$BIN/supvisorsd" -c "$1" --check > "$dir/check.txt" 2>&1 || { cat "$dir/check.txt" >&2; return 1; }
  setsid "$BIN/supvisorsd" -c "$1" > "$dir/supvisorsd.out" 2>&1 < /dev/null &
  AGENT_PID=$!
  CASE_PIDS+=("$AGENT_PID")
}
port_free() {
  if ss -ltn 2>/dev/null | grep -q "127.0.0.1:$1 "; then
    echo "port $1 is in use: set BASE_PORT" >&2; return 1
  fi
}
load1() { cut -d' ' -f1 /proc/loadavg; }
cleanup() {
  local rc=$?
  stop_case
  if [ $rc -ne 0 ] || [ "${KEEP:-0}" = 1 ]; then echo "bench: rc $rc; logs kept in $TMP" >&2; else rm -rf "$TMP"; fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Writes the supervisord and agent configs of one case into $1.
write_configs() {  # DIR N RELAY PORT [STATS: default, off, on5, on1]
  local dir=$1 n=$2 relay=$3 port=$4 stats=${5:-default} i programs=""
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
events=PROCESS_STATE,PROCESS_GROUP_ADDED,PROCESS_GROUP_REMOVED,SUPERVISOR_STATE_CHANGE,TICK_5
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
  if [ "$relay" = rules ]; then  # the bench group managed: libxml2 loaded to validate it
    cat > "$dir/rules.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<root>
    <application name="bench">
        <starting_strategy>LESS_LOADED</starting_strategy>
        <running_failure_strategy>RESTART_PROCESS</running_failure_strategy>
        <programs>
            <program pattern="p">
                <expected_loading>1</expected_loading>
            </program>
        </programs>
    </application>
</root>
EOF
  fi
  cat > "$dir/supvisorsd.conf" <<EOF
[supvisors]
supvisors_list = <bench>127.0.0.1:$port
logfile = $dir/supvisorsd.log
loglevel = info
$(case $stats in off) echo "stats_enabled = OFF" ;; on5) echo "stats_collecting_period = 5" ;;
                  on1) echo "stats_collecting_period = 1" ;; esac)
$([ "$relay" = rules ] && echo "rules_files = $dir/rules.xml")

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
  # Statistics off: the footprint of issue 3 is the agent's own; statistics have their figures.
  write_configs "$dir" "$n" "$relay" "$port" off
  port_free "$port"
  start_agent "$dir/supvisorsd.conf"
  start_supervisord "$dir/supervisord.conf" $((5 * n + 400))
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

# ---- statistics (issue 8) -----------------------------------------------------------------

run_stats() {  # N PORT
  local n=$1 port=$2 stats dir rep line before after file=$TMP/stats-n$1.txt
  : > "$file"
  for stats in off on5 on1; do
    dir=$TMP/stats-n$n-$stats
    echo "== statistics $stats, $n programs (agent port $port, files in $dir)"
    write_configs "$dir" "$n" on "$port" "$stats"
    port_free "$port"
    start_agent "$dir/supvisorsd.conf"
    start_supervisord "$dir/supervisord.conf" $((5 * n + 400))
    "$BENCH" wait --agent "$port" --supervisor "unix://$dir/s.sock" --running "$n" --timeout 300
    sleep "$SETTLE"
    before=$("$BENCH" stats-status --agent "$port")
    for ((rep = 1; rep <= REPS; rep++)); do
      line=$("$BENCH" window --agent-pid "$AGENT_PID" --supervisord-pid "$SUP_PID" \
               --seconds "$WINDOW")
      echo "   idle #$rep: $line"
      echo "cpu-$stats $(sed -n 's/.*agent_cpu_pct=\([0-9.]*\).*/\1/p' <<< "$line")" >> "$file"
    done
    after=$("$BENCH" stats-status --agent "$port")
    echo "   collector: before $before, after $after"
    if [ "$stats" != off ]; then
      awk -v b="$before" -v a="$after" -v k="collect-$stats" 'BEGIN {
        split(b, x, /[ =]/); split(a, y, /[ =]/)
        if (y[2] > x[2]) printf "%s %.3f\n", k, 1000 * (y[4] - x[4]) / (y[2] - x[2]) }' >> "$file"
    fi
    if [ "$stats" = on1 ]; then
      line=$("$BENCH" collector --supervisor "unix://$dir/s.sock" --count "$STATS_COLLECTIONS")
      echo "   in-process collector: $line"
      echo "inproc $(sed -n 's/.* cpu_ms=\([0-9.]*\).*/\1/p' <<< "$line")" >> "$file"
    fi
    stop_case
  done
  local p="programs=$n,relay=on,poll_s=$POLL_PERIOD,reps=$REPS,window_s=$WINDOW"
  local cpu='"section": "Statistics (issue 8): agent CPU (% of one core), relay + poll 1 s", "order": 45'
  local one='"section": "Statistics (issue 8): CPU of one collection (host + every process tree)", "order": 46'
  record "$file" cpu-off "stats-agent-cpu-n$n-off" pct "$p,stats=OFF" \
    "{$cpu, \"rank\": $n, \"row\": \"$n programs\", \"column\": \"statistics OFF\"}"
  record "$file" cpu-on5 "stats-agent-cpu-n$n-on5" pct "$p,stats=ALL,period_s=5" \
    "{$cpu, \"rank\": $n, \"row\": \"$n programs\", \"column\": \"ALL every 5 s (default)\"}"
  record "$file" cpu-on1 "stats-agent-cpu-n$n-on1" pct "$p,stats=ALL,period_s=1" \
    "{$cpu, \"rank\": $n, \"row\": \"$n programs\", \"column\": \"ALL every 1 s\"}"
  record "$file" collect-on1 "stats-collection-cpu-n$n" ms "$p,stats=ALL,period_s=1" \
    "{$one, \"rank\": $((n * 10 + 1)), \"row\": \"$n programs, in the agent (mean over its windows)\"}"
  record "$file" inproc "stats-collection-inproc-n$n" ms "programs=$n,collections=$STATS_COLLECTIONS" \
    "{$one, \"rank\": $((n * 10 + 2)), \"row\": \"$n programs, collector alone (mean of $STATS_COLLECTIONS in a row)\"}"
}

# ---- reads (issue 6) -----------------------------------------------------------------------

# One figure from the "KEY value" lines of FILE: the values of KEY.
record() {  # record FILE KEY NAME UNIT PARAMS DISPLAY
  local values
  values=$(awk -v k="$2" '$1 == k { print $2 }' "$1")
  [ -n "$values" ] || { echo "bench: no '$2' samples in $1" >&2; return 1; }
  # shellcheck disable=SC2086
  "$PY" "$HERE/report.py" record --results "$RESULTS" --name "$3" --unit "$4" --params "$5" \
    --display "$6" $values
}

write_reads_configs() {  # DIR N PORT
  local dir=$1 n=$2 port=$3 i programs=""
  mkdir -p "$dir/logs"
  {
    cat <<EOF
[supervisord]
logfile=$dir/supervisord.log
pidfile=$dir/supervisord.pid
childlogdir=$dir/logs
identifier=reads
minfds=$((5 * n + 400))

[unix_http_server]
file=$dir/s.sock
chmod=0700

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[eventlistener:supvisors_relay]
command=$BIN/supvisors-relay ipc://$dir/relay.ipc
events=PROCESS_STATE,PROCESS_GROUP_ADDED,PROCESS_GROUP_REMOVED,SUPERVISOR_STATE_CHANGE,TICK_5
buffer_size=$((4 * n > 1024 ? 4 * n : 1024))
autorestart=true

[program:toggle]
command=sleep infinity
autostart=false
autorestart=false
startsecs=0
EOF
    for ((i = 0; i < n - 2; i++)); do
      printf '\n[program:p%04d]\ncommand=sleep infinity\nautostart=false\n' "$i"
      programs+=$(printf 'p%04d,' "$i")
    done
    printf '\n[group:bench]\nprograms=%s\n' "${programs%,}"
  } > "$dir/supervisord.conf"
  cat > "$dir/supvisorsd.conf" <<EOF
[supvisors]
supvisors_list = <reads>127.0.0.1:$port
logfile = $dir/supvisorsd.log
loglevel = info

[supervisor]
serverurl = unix://$dir/s.sock
poll_period = $POLL_PERIOD

[agent]
identifier = reads
relay_endpoint = ipc://$dir/relay.ipc
EOF
}

# get_all_process_info with N processes in the cluster view: N-2 stopped programs, `toggle`
# and the relay.
run_reads() {  # N PORT
  local n=$1 port=$2 dir=$TMP/reads-n$1 load0 bytes params kind what order
  echo "== reads: $n processes (agent port $port, files in $dir)"
  write_reads_configs "$dir" "$n" "$port"
  port_free "$port"
  start_agent "$dir/supvisorsd.conf"
  start_supervisord "$dir/supervisord.conf" $((5 * n + 400))
  "$API_BENCH" ready --agent "$port" --processes "$n" --timeout 300
  sleep "$SETTLE"
  load0=$(load1)
  "$API_BENCH" reads --agent "$port" --calls "$READ_CALLS" --changes "$READ_CHANGES" \
    --gzip-calls "$READ_GZIP_CALLS" --supervisor "unix://$dir/s.sock" --program toggle > "$dir/reads.txt" ||
    { echo "bench: api_bench reads failed; files in $dir" >&2; return 1; }
  bytes=$(awk '$1 == "bytes" { print $2 }' "$dir/reads.txt")
  params="processes=$n,response_bytes=$bytes,relay=true,poll_period_s=$POLL_PERIOD,\
load_1min_before=$load0,load_1min_after=$(load1),client=api_bench_cpp-httplib_keep-alive_TCP_NODELAY"
  for kind in hit first after gzip; do
    case $kind in
      hit) what="cached reply, $READ_CALLS calls in a row" order=1 ;;
      first) what="first call after a process changed (reply rebuilt)" order=2 ;;
      after) what="the call after that one" order=3 ;;
      gzip) what="cached reply, asking for gzip as Python's xmlrpc.client does" order=4 ;;
    esac
    record "$dir/reads.txt" "$kind" "api-all-process-info-n$n-$kind" ms "$params,calls=$kind" \
      "{\"section\": \"get_all_process_info (issue 6)\", \"order\": 40, \"rank\": $((n * 10 + order)), \"row\": \"$n processes, $what\"}"
  done
  echo "   $(awk '$1 == "hit" { print $2 }' "$dir/reads.txt" | sort -n |
    awk '{ a[n++] = $1 } END { printf "hit: median %.3f ms, max %.3f ms", a[int(n / 2)], a[n - 1] }'); first: $(awk '$1 == "first" { printf "%.1f ", $2 }' "$dir/reads.txt")ms"
  stop_case
}

# ---- applications (issue 6) ----------------------------------------------------------------

APP_NICKS=(alpha beta gamma)
APP_MEMBERS=30   # 3 ranks of 10

# The member names: r<rank>_<index>; member i runs on APP_NICKS[i % 3] (the rules say so).
app_member() { printf 'r%d_%02d' $(($1 / 10 + 1)) "$1"; }

write_apps_configs() {  # DIR RELAY BASE_PORT
  local top=$1 relay=$2 base=$3 h i app list="" nick dir programs
  for h in 0 1 2; do list+="<${APP_NICKS[$h]}>127.0.0.1:$((base + 10 * h)),"; done
  {
    echo '<?xml version="1.0" encoding="UTF-8"?>'
    echo '<root>'
    for app in bench0 bench1; do
      echo "  <application name=\"$app\">"
      echo '    <starting_strategy>CONFIG</starting_strategy>'
      echo '    <programs>'
      for ((i = 0; i < APP_MEMBERS; i++)); do
        echo "      <program name=\"$(app_member $i)\"><identifiers>${APP_NICKS[$((i % 3))]}</identifiers><start_sequence>$((i / 10 + 1))</start_sequence></program>"
      done
      echo '    </programs>'
      echo '  </application>'
    done
    echo '</root>'
  } > "$top/rules.xml"
  for h in 0 1 2; do
    nick=${APP_NICKS[$h]}
    dir=$top/$nick
    mkdir -p "$dir/logs"
    {
      cat <<EOF
[supervisord]
logfile=$dir/supervisord.log
pidfile=$dir/supervisord.pid
childlogdir=$dir/logs
identifier=$nick
minfds=1024

[unix_http_server]
file=$dir/s.sock
chmod=0700

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface
EOF
      if [ "$relay" = on ]; then
        cat <<EOF

[eventlistener:supvisors_relay]
command=$BIN/supvisors-relay ipc://$dir/relay.ipc
events=PROCESS_STATE,PROCESS_GROUP_ADDED,PROCESS_GROUP_REMOVED,SUPERVISOR_STATE_CHANGE,TICK_5
buffer_size=1024
autorestart=true
EOF
      fi
      # Every supervisord has all 60 programs; the rules place each on one instance.
      for app in bench0 bench1; do
        programs=""
        for ((i = 0; i < APP_MEMBERS; i++)); do
          printf '\n[program:%s_%s]\ncommand=sleep infinity\nprocess_name=%s\nautostart=false\nstartsecs=%s\n' \
            "$app" "$(app_member $i)" "$(app_member $i)" "${app#bench}"
          programs+="${app}_$(app_member $i),"
        done
        printf '\n[group:%s]\nprograms=%s\n' "$app" "${programs%,}"
      done
    } > "$dir/supervisord.conf"
    cat > "$dir/supvisorsd.conf" <<EOF
[supvisors]
supvisors_list = ${list%,}
rules_files = $top/rules.xml
logfile = $dir/supvisorsd.log
loglevel = info

[supervisor]
serverurl = unix://$dir/s.sock
poll_period = $POLL_PERIOD

[agent]
identifier = $nick
relay_endpoint = $([ "$relay" = on ] && echo "ipc://$dir/relay.ipc" || echo none)
EOF
  done
}

# MODE: off (polling only), on (the relay), turned (the relay, and bench/turn_supervisord.py
# turning each supervisord's loop every 10 ms: a diagnosis of what supervisord's 1 s poll()
# costs, not a product setting).
run_apps() {  # MODE BASE_PORT
  local how=$1 base=$2 top=$TMP/apps-$1 h app dir urls="" logs="" sockets=() load0 mode label
  local startsecs out params bad order section="start_application and stop_application (issue 6)"
  echo "== applications: $how (agent ports $base, $((base + 10)), $((base + 20)); files in $top)"
  mkdir -p "$top"
  write_apps_configs "$top" "$([ "$how" = off ] && echo off || echo on)" "$base"
  for h in 0 1 2; do port_free $((base + 10 * h)); port_free $((base + 10 * h + 1)); done
  for h in 0 1 2; do
    dir=$top/${APP_NICKS[$h]}
    start_agent "$dir/supvisorsd.conf"
    start_supervisord "$dir/supervisord.conf" 1024
    urls+="unix://$dir/s.sock,"
    logs+="$dir/supervisord.log,"
    sockets+=("$dir/s.sock")
  done
  for h in 0 1 2; do
    "$API_BENCH" ready --agent $((base + 10 * h)) --processes $((2 * APP_MEMBERS)) \
      --application bench1 --members "$APP_MEMBERS" --timeout 120
  done
  if [ "$how" = turned ]; then
    "$PY" "$HERE/turn_supervisord.py" 0.01 3600 "${sockets[@]}" &
    CASE_PIDS+=("$!")
  fi
  sleep "$SETTLE"
  case $how in
    off) mode=polling label="polling 1 s, no relay" order=1 ;;
    on) mode=relay label="relay + poll 1 s" order=2 ;;
    turned) mode=relay-turned order=3
      label="relay, supervisord's loop turned every 10 ms (diagnosis)" ;;
  esac
  for app in bench0 bench1; do
    startsecs=${app#bench} out=$top/$app.txt
    load0=$(load1)
    "$API_BENCH" apps --agent "$base" --application "$app" --members "$APP_MEMBERS" \
      --cycles "$APP_CYCLES" --supervisors "${urls%,}" --logs "${logs%,}" > "$out" \
      2> "$top/$app.log" ||
      { cat "$top/$app.log" >&2; echo "bench: no cycle of $app passed; files in $top" >&2; return 1; }
    bad=$(grep -c '^bad-' "$out" || true)
    if [ "$bad" -gt 0 ]; then
      echo "   $app: $bad of $APP_CYCLES cycles failed a check (left out of the figures):" >&2
      sed 's/^/     /' "$top/$app.log" >&2
    fi
    params="programs=$APP_MEMBERS,ranks=3,instances=3,startsecs=$startsecs,\
relay=$([ "$how" = off ] && echo false || echo true),poll_period_s=$POLL_PERIOD,\
tick_period_s=0.1,strategy=CONFIG,called_on=alpha_the_Master,cycles=$APP_CYCLES,\
cycles_failing_a_check=$bad,load_1min_before=$load0,load_1min_after=$(load1)"
    [ "$how" = turned ] && params+=",supervisord_loop_turned_every_s=0.01"
    record "$out" start "api-start-application-startsecs$startsecs-$mode" ms "$params" \
      "{\"section\": \"$section\", \"order\": 41, \"rank\": $((startsecs * 100 + order)), \"row\": \"start_application, startsecs=$startsecs, $label\"}"
    record "$out" stop "api-stop-application-startsecs$startsecs-$mode" ms "$params" \
      "{\"section\": \"$section\", \"order\": 41, \"rank\": $((1000 + startsecs * 100 + order)), \"row\": \"stop_application (startsecs=$startsecs), $label\"}"
    echo "   $app: start $(awk '$1 == "start" { printf "%.0f ", $2 }' "$out")ms; stop $(awk '$1 == "stop" { printf "%.0f ", $2 }' "$out")ms"
  done
  stop_case
}

# ---- the parts -----------------------------------------------------------------------------

if part footprint; then
  port=$BASE_PORT
  for n in $SIZES; do
    for relay in $RELAYS; do
      run_case "$n" "$relay" "$port"
      port=$((port + 10))
    done
  done
  "$PY" "$HERE/report.py" record-footprint --samples "$SAMPLES" --results "$RESULTS" \
    --smaps-dir "$TMP" --params "reps=$REPS window_s=$WINDOW crashes=$CRASHES \
churn_programs=$CHURN_PROGRAMS churn_rate_per_s=$CHURN_RATE stats=off \
load_average_start=$(cut -d' ' -f1-3 /proc/loadavg | tr ' ' /)"
fi
if part stats; then
  port=$((BASE_PORT + 60))
  for n in $SIZES; do
    run_stats "$n" "$port"
    port=$((port + 10))
  done
fi
if part reads; then
  port=$((BASE_PORT + 100))
  for n in $READ_SIZES; do
    run_reads "$n" "$port"
    port=$((port + 10))
  done
fi
if part apps; then
  port=$((BASE_PORT + 200))
  for how in $APP_MODES; do
    run_apps "$how" "$port"
    port=$((port + 30))
  done
fi
# Cluster (issue 5): bench/cluster_bench.py on the local example cluster (ports 63500..63522):
# launch, silent-agent detection and the 10-minute false-positive soak (about 12 minutes).
if part cluster; then
  if [ "$MODE" = full ]; then cluster_args=(--launches 5 --detections 12 --failovers 10 --soak 600)
  else cluster_args=(--launches 1 --detections 3 --failovers 2 --soak 60 --stall 10 --stall-at 10); fi
  "$PY" "$HERE/cluster_bench.py" "$BUILD_DIR" --results "$RESULTS" "${cluster_args[@]}"
fi
# Scale (issue 9): bench/scale_bench.py on the netns fault bed (test/netns/bed.py; needs root):
# launch to OPERATION and idle peer traffic per agent at 3, 10 and 30 instances, with the
# default tick_period (0.1 s) and with 1 s (about 20 minutes on 2 cores). Without root it is
# skipped with a message (exit 77), the other parts stand.
# ab: this build's idle agent against another build's, side by side (AB_BIN: the folder of the
# other build's supvisorsd and supvisors-relay, e.g. copies of those of build-bench/agent taken
# before a change). Each agent runs alone beside its own supervisord (AB_PROGRAMS programs, the relay,
# statistics off), AB_SETTLE s to settle, then 2 windows of WINDOW s (schedstat); AB_ROUNDS
# rounds, the order of the two builds swapped every other round, since a machine drifts by
# about 10 % between rounds. Prints the figures and the change; records nothing (a comparison of
# two builds is no figure of one). Not in the default PARTS.
if part ab; then
  [ -x "${AB_BIN:-}/supvisorsd" ] && [ -x "$AB_BIN/supvisors-relay" ] ||
    { echo "bench ab: AB_BIN must be a folder with the other build's supvisorsd and supvisors-relay" >&2
      exit 2; }
  this_bin=$BIN
  declare -A ab_sum=() ab_count=()
  for ((round = 1; round <= ${AB_ROUNDS:-4}; round++)); do
    order=(this other); [ $((round % 2)) -eq 0 ] && order=(other this)
    for build in "${order[@]}"; do
      if [ "$build" = this ]; then BIN=$this_bin; else BIN=$AB_BIN; fi
      dir=$TMP/ab-$round-$build port=$((BASE_PORT + 90))
      write_configs "$dir" "${AB_PROGRAMS:-100}" on "$port" off
      port_free "$port"
      start_agent "$dir/supvisorsd.conf"
      start_supervisord "$dir/supervisord.conf" $((5 * ${AB_PROGRAMS:-100} + 400))
      "$BENCH" wait --agent "$port" --supervisor "unix://$dir/s.sock" \
        --running "${AB_PROGRAMS:-100}" --timeout 120
      sleep "${AB_SETTLE:-40}"
      for w in 1 2; do
        line=$("$BENCH" window --agent-pid "$AGENT_PID" --supervisord-pid "$SUP_PID" \
                 --seconds "$WINDOW")
        cpu=$(sed -n 's/.*agent_cpu_pct=\([0-9.]*\).*/\1/p' <<< "$line")
        echo "ab: round $round, $build ($BIN): agent CPU $cpu % of a core"
        ab_sum[$build]=$(awk -v a="${ab_sum[$build]:-0}" -v b="$cpu" 'BEGIN { print a + b }')
        ab_count[$build]=$((${ab_count[$build]:-0} + 1))
      done
      stop_case
    done
  done
  BIN=$this_bin
  awk -v t="${ab_sum[this]}" -v tn="${ab_count[this]}" -v o="${ab_sum[other]}" \
      -v on="${ab_count[other]}" 'BEGIN {
    printf "ab: mean agent CPU: other %.4f %%, this %.4f %% (%+.1f %%)\n", o / on, t / tn,
           100 * (t / tn - o / on) / (o / on) }'
fi
if part scale; then
  if [ "$MODE" = full ]; then scale_args=()
  else scale_args=(--sizes 3 --launch-sizes 3 --ticks 0.1 --launches 1 --windows 1 --window 5 --settle 3
                    --breakdown 5); fi
  rc=0
  "$PY" "$HERE/scale_bench.py" "$BUILD_DIR" --results "$RESULTS" "${scale_args[@]}" || rc=$?
  if [ $rc -eq 77 ]; then echo "bench: the scale part needs root (the netns bed): skipped" >&2
  elif [ $rc -ne 0 ]; then exit $rc; fi
fi
if [ "$MODE" = full ]; then
  "$PY" "$HERE/report.py" docs --results "$RESULTS" --doc "$ROOT/docs/BENCHMARKS.md"
fi
echo "bench: figures in $RESULTS"
