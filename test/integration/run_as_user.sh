#!/usr/bin/env bash
# Which user may run the agent (docs/RUNNING.md): an unprivileged agent is refused by a
# root-only supervisord socket and says why, keeps running, and reaches the same supervisord
# once the socket is chown'ed to it. Needs root (to create the user and switch to it);
# skipped (exit 77) otherwise.
# Usage: run_as_user.sh BUILD_DIR
set -euo pipefail
BUILD=$1
SKIP=77
if [ "$(id -u)" -ne 0 ]; then echo "SKIP: needs root to create a user and switch to it"; exit $SKIP; fi
USER_NAME=svtest
id -u "$USER_NAME" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$USER_NAME"

DIR=$(mktemp -d /tmp/svuserXXXXXX)
chmod 755 "$DIR"
SUPD_PID=""; AGENT_PID=""
cleanup() {
  [ -n "$AGENT_PID" ] && kill "$AGENT_PID" 2>/dev/null || true
  [ -n "$SUPD_PID" ] && stop_supervisord
  rm -rf "$DIR"
}
trap cleanup EXIT

# Wait until "$@" succeeds, at most $1 seconds.
await() { local limit=$1; shift; for _ in $(seq $((limit * 5))); do "$@" && return 0; sleep 0.2; done; return 1; }

write_supervisord_conf() {  # $1: extra lines for [unix_http_server]
  cat > "$DIR/supervisord.conf" <<CONF
[supervisord]
nodaemon=true
logfile=$DIR/supervisord.log
pidfile=$DIR/supervisord.pid
childlogdir=$DIR
[unix_http_server]
file=$DIR/s.sock
chmod=0700
$1
[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface
[program:hello]
command=sleep 1000
startsecs=0
CONF
}
start_supervisord() {
  setsid /usr/bin/supervisord -c "$DIR/supervisord.conf" > "$DIR/supervisord.out" 2>&1 &
  SUPD_PID=$!
  await 20 test -S "$DIR/s.sock"
}
stop_supervisord() {  # TERM, then KILL (and its children) if it is not gone in 30 s
  kill "$SUPD_PID"
  await 30 not_running "$SUPD_PID" || { pkill -KILL -s "$SUPD_PID" 2>/dev/null; kill -9 "$SUPD_PID"; }
  wait "$SUPD_PID" 2>/dev/null || true
}
not_running() { ! kill -0 "$1" 2>/dev/null; }

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$DIR/agent.conf" <<CONF
[supvisors]
supvisors_list = <u>127.0.0.1:$PORT
[supervisor]
serverurl = unix://$DIR/s.sock
poll_period = 0.2
[agent]
identifier = u
CONF
touch "$DIR/agent.log"; chown "$USER_NAME" "$DIR/agent.log"

hello_is() { test "$(state_of_hello)" = "$1"; }
state_of_hello() {
  "$BUILD/agent/supvisorsctl" -s "http://127.0.0.1:$PORT" --json local_status hello 2>/dev/null |
    python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["statename"])' 2>/dev/null || true
}

echo "1. supervisord as root, socket root-only; agent as $USER_NAME: refused, says why, keeps running"
write_supervisord_conf ""
start_supervisord
setpriv --reuid "$USER_NAME" --regid "$USER_NAME" --clear-groups \
  "$BUILD/agent/supvisorsd" -c "$DIR/agent.conf" >> "$DIR/agent.log" 2>&1 &
AGENT_PID=$!
await 20 grep -q "is unreachable" "$DIR/agent.log" || { cat "$DIR/agent.log"; exit 1; }
grep -q -i "permission denied" "$DIR/agent.log" || { echo "no reason given"; cat "$DIR/agent.log"; exit 1; }
[ "$(ps -o user= -p "$AGENT_PID")" = "$USER_NAME" ] || { echo "agent not running as $USER_NAME"; exit 1; }
"$BUILD/agent/supvisorsctl" -s "http://127.0.0.1:$PORT" sversion >/dev/null  # still serving
[ -z "$(state_of_hello)" ] || { echo "expected no process known yet, got $(state_of_hello)"; exit 1; }

echo "2. socket chown'ed to $USER_NAME: the same unprivileged agent reaches supervisord"
stop_supervisord
write_supervisord_conf "chown=$USER_NAME:$USER_NAME"
start_supervisord
await 30 hello_is RUNNING || { echo "expected RUNNING, got $(state_of_hello)"; ls -l "$DIR"; cat "$DIR/agent.log" "$DIR/supervisord.out"; exit 1; }
kill -0 "$AGENT_PID"
echo "PASS"
