#!/usr/bin/env bash
# Which user may run the agent (docs/RUNNING.md): an unprivileged agent is refused by a
# root-only supervisord socket and says why, keeps running, and reaches the same supervisord
# once the socket is chown'ed to it; another unprivileged agent reaches a supervisord whose
# socket stays root-only through its [inet_http_server] with username/password. Needs root (to
# create the user and switch to it); skipped (exit 77) otherwise.
# Usage: run_as_user.sh BUILD_DIR
set -euo pipefail
BUILD=$1
SKIP=77
if [ "$(id -u)" -ne 0 ]; then echo "SKIP: needs root to create a user and switch to it"; exit $SKIP; fi
USER_NAME=svtest
id -u "$USER_NAME" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$USER_NAME"

DIR=$(mktemp -d /tmp/svuserXXXXXX)
chmod 755 "$DIR"
SUPD_PID=""; AGENT_PID=""; INET_AGENT_PID=""
cleanup() {
  [ -n "$AGENT_PID" ] && kill "$AGENT_PID" 2>/dev/null || true
  [ -n "$INET_AGENT_PID" ] && kill "$INET_AGENT_PID" 2>/dev/null || true
  [ -n "$SUPD_PID" ] && stop_supervisord
  rm -rf "$DIR"
}
trap cleanup EXIT

# Wait until "$@" succeeds, at most $1 seconds.
await() { local limit=$1; shift; for _ in $(seq $((limit * 5))); do "$@" && return 0; sleep 0.2; done; return 1; }

write_supervisord_conf() {  # $1: extra lines for [unix_http_server]; $2: more sections
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
${2:-}
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

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# An agent needs its port and port + 1 (peers), as test/support/agent_process.cc checks.
free_agent_port() {
  python3 - <<'PY'
import socket
for _ in range(100):
    a = socket.socket(); a.bind(("127.0.0.1", 0)); port = a.getsockname()[1]
    if port < 65000:
        b = socket.socket()
        try:
            b.bind(("127.0.0.1", port + 1))
            print(port)
            break
        except OSError:
            pass
        finally:
            b.close()
    a.close()
else:
    raise SystemExit("no free pair of TCP ports")
PY
}
PORT=$(free_agent_port)
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

hello_is() { test "$(state_of_hello "${2:-$PORT}")" = "$1"; }  # $2: the agent's port
state_of_hello() {
  "$BUILD/agent/supvisorsctl" -s "http://127.0.0.1:${1:-$PORT}" --json local_status hello 2>/dev/null |
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

echo "3. socket root-only again, [inet_http_server] with a password: an agent as $USER_NAME reaches it"
kill "$AGENT_PID"; AGENT_PID=""
stop_supervisord
INET_PORT=$(free_port)
write_supervisord_conf "" "[inet_http_server]
port=127.0.0.1:$INET_PORT
username=svuser
password=svsecret"
start_supervisord
await 20 python3 -c "import socket; socket.create_connection(('127.0.0.1', $INET_PORT))" 2>/dev/null ||
  { echo "supervisord's [inet_http_server] does not listen"; cat "$DIR/supervisord.out"; exit 1; }
INET_AGENT_PORT=$(free_agent_port)
cat > "$DIR/agent-inet.conf" <<CONF
[supvisors]
supvisors_list = <i>127.0.0.1:$INET_AGENT_PORT
[supervisor]
serverurl = http://127.0.0.1:$INET_PORT
username = svuser
password = svsecret
poll_period = 0.2
[agent]
identifier = i
CONF
touch "$DIR/agent-inet.log"; chown "$USER_NAME" "$DIR/agent-inet.log"
setpriv --reuid "$USER_NAME" --regid "$USER_NAME" --clear-groups \
  "$BUILD/agent/supvisorsd" -c "$DIR/agent-inet.conf" >> "$DIR/agent-inet.log" 2>&1 &
INET_AGENT_PID=$!
await 30 hello_is RUNNING "$INET_AGENT_PORT" || { echo "expected RUNNING, got $(state_of_hello "$INET_AGENT_PORT")"; cat "$DIR/agent-inet.log" "$DIR/supervisord.out"; exit 1; }
[ "$(ps -o user= -p "$INET_AGENT_PID")" = "$USER_NAME" ] || { echo "agent not running as $USER_NAME"; exit 1; }
grep -q "http://127.0.0.1:$INET_PORT is reachable" "$DIR/agent-inet.log" || { echo "not reached over http"; cat "$DIR/agent-inet.log"; exit 1; }
# The password is what lets it in: supervisord refuses the same call without it.
python3 - "$INET_PORT" <<'PY' || { echo "supervisord answered without credentials"; exit 1; }
import sys, xmlrpc.client
try:
    xmlrpc.client.ServerProxy(f"http://127.0.0.1:{sys.argv[1]}/RPC2").supervisor.getState()
except xmlrpc.client.ProtocolError as e:
    sys.exit(0 if e.errcode == 401 else 1)
sys.exit(1)
PY
# And it follows supervisord: a stop made directly over the password-protected port shows.
supervisorctl -s "http://127.0.0.1:$INET_PORT" -u svuser -p svsecret stop hello >/dev/null
await 30 hello_is STOPPED "$INET_AGENT_PORT" || { echo "expected STOPPED, got $(state_of_hello "$INET_AGENT_PORT")"; exit 1; }
kill -0 "$INET_AGENT_PID"
echo "PASS"
