"""The multi-host fault test bed: N hosts, each a network namespace on a private bridge plus a
PID namespace, each running a real supervisord and a real supvisorsd (docs/FAULTS.md).

Layout (addresses in 10.213.0.0/24, private to the bed):
  - `<prefix>-sw`: the switch namespace. It holds the bridge (10.213.0.254) and the driver's
    own socket traffic: the driver (this process) moves its network namespace there, so
    nothing outside the bed's namespaces and loopback is ever contacted.
  - `<prefix>-hN` (N = 1..): a host, eth0 = 10.213.0.N, joined to the bridge. Its init is
    `unshare --pid --fork --mount-proc sh host_init.sh DIR`, which starts supervisord and the
    agent (HTTP port 60000, peer port 60001). Killing that init (SIGKILL) kills everything in
    the host's PID namespace: no orphan survives a host crash.
  - nftables table `inet svf` in a host's namespace: the faults (drop all, partition that
    spares the driver, random loss).

Ownership: one Bed per test run; it owns the namespaces, the temp folder and every process it
starts, and close() removes them all (also run by atexit and on SIGTERM/SIGINT/SIGHUP). The
processes it starts die with it even when it is SIGKILLed (PR_SET_PDEATHSIG on unshare and
nsenter, `unshare --kill-child`); the namespaces and folders of a dead bed are removed by the
next one (their names carry the owner's pid).

Thread-safety: none; one driver thread.
"""

import atexit
import ctypes
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import xmlrpc.client

PREFIX = "svf"
SUBNET = "10.213.0"
DRIVER_ADDRESS = SUBNET + ".254"
HTTP_PORT = 60000
PEER_PORT = HTTP_PORT + 1
CLONE_NEWNET = 0x40000000
PR_SET_PDEATHSIG = 1
RUNNING_LIKE = {"STARTING", "RUNNING", "BACKOFF", "STOPPING"}

_libc = ctypes.CDLL(None, use_errno=True)


class Skip(Exception):
    """The bed cannot run here (no root, no namespaces, a tool missing)."""


class Failed(AssertionError):
    """A fault test's check failed."""


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def _run(args, check=True, timeout=30, input_text=None):
    r = subprocess.run(args, capture_output=True, text=True, timeout=timeout, input=input_text)
    if check and r.returncode != 0:
        raise RuntimeError(f"{' '.join(args)}: exit {r.returncode}: {r.stderr.strip()}")
    return r


def _die_with_parent():
    _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def await_condition(predicate, timeout, period=0.25, what="condition"):
    """Polls predicate until true or timeout seconds passed; returns the last value."""
    deadline = time.monotonic() + timeout
    attempts = int(timeout / period) + 2
    value = False
    for _ in range(attempts):
        value = predicate()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(period)
    return value


def check(condition, message):
    """Raises Failed(message) unless condition; message may be a _Lazy text, built then."""
    if not condition:
        raise Failed(str(message))


class _Lazy:
    """Text computed only when shown: `"what failed" + bed.diagnosis()` costs nothing until a
    check fails (reading the agents takes seconds when some of them are down)."""

    def __init__(self, compute, prefix=""):
        self._compute = compute
        self._prefix = prefix

    def __radd__(self, other):
        return _Lazy(self._compute, other + self._prefix)

    def __str__(self):
        return self._prefix + self._compute()


def require_capabilities(tools):
    """Raises Skip unless the bed can run: root, the tools, and network namespaces."""
    if os.geteuid() != 0:
        raise Skip("the fault bed needs root (network and PID namespaces, nftables)")
    missing = [t for t in tools if shutil.which(t) is None and not os.path.exists(t)]
    if missing:
        raise Skip("the fault bed needs " + ", ".join(missing) +
                   " (scripts/deps.sh installs them)")
    probe = f"{PREFIX}{os.getpid()}-probe"
    r = _run(["ip", "netns", "add", probe], check=False)
    if r.returncode != 0:
        raise Skip("cannot create a network namespace: " + r.stderr.strip())
    try:
        r = _run(["ip", "netns", "exec", probe, "nft", "list", "tables"], check=False)
        if r.returncode != 0:
            raise Skip("nftables does not work in a namespace: " + r.stderr.strip())
        r = _run(["ip", "netns", "exec", probe, "unshare", "--pid", "--fork", "--mount-proc",
                  "true"], check=False)
        if r.returncode != 0:
            raise Skip("cannot create a PID namespace: " + r.stderr.strip())
    finally:
        _run(["ip", "netns", "del", probe], check=False)


def _pid_alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


def remove_stale():
    """Removes the namespaces and folders of beds whose driver is dead."""
    r = _run(["ip", "netns", "list"], check=False)
    for line in r.stdout.splitlines():
        name = line.split()[0] if line.split() else ""
        m = re.match(rf"^{PREFIX}(\d+)-", name)
        if m and not _pid_alive(int(m.group(1))):
            _run(["ip", "netns", "del", name], check=False)
    for entry in os.listdir(tempfile.gettempdir()):
        m = re.match(rf"^{PREFIX}-(\d+)-", entry)
        if m and not _pid_alive(int(m.group(1))):
            shutil.rmtree(os.path.join(tempfile.gettempdir(), entry), ignore_errors=True)


def _setns_net(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        if _libc.setns(fd, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), f"setns {path}")
    finally:
        os.close(fd)


class _TimeoutTransport(xmlrpc.client.Transport):
    def __init__(self, timeout):
        super().__init__()
        self._timeout = timeout

    def make_connection(self, host):
        conn = super().make_connection(host)
        conn.timeout = self._timeout
        return conn


class _UnixConnection(http.client.HTTPConnection):
    def __init__(self, path, timeout):
        super().__init__("localhost", timeout=timeout)
        self._path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self._path)


class _UnixTransport(xmlrpc.client.Transport):
    def __init__(self, path, timeout):
        super().__init__()
        self._path = path
        self._timeout = timeout

    def make_connection(self, host):
        return _UnixConnection(self._path, self._timeout)


def _proc_pids():
    return [int(p) for p in os.listdir("/proc") if p.isdigit()]


def _readlink(path):
    try:
        return os.readlink(path)
    except OSError:
        return None


def _cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return [a.decode(errors="replace") for a in f.read().split(b"\0") if a]
    except OSError:
        return []


def _state(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return ""


class Host:
    """One host of the bed: its namespace, folder, init and the processes in it."""

    def __init__(self, bed, index):
        self.bed = bed
        self.index = index
        self.nick = f"h{index}"
        self.address = f"{SUBNET}.{index}"
        self.netns = f"{bed.prefix}-{self.nick}"
        self.dir = os.path.join(bed.dir, self.nick)
        self.init_proc = None  # the unshare process (its child is the PID namespace's init)
        self.init_pid = None
        self.pidns = None
        self.agent_procs = []  # nsenter processes of restarted agents

    # --- processes inside the host's PID namespace
    def members(self):
        """The host pids of the processes of this host's PID namespace."""
        if not self.pidns:
            return []
        out = []
        for pid in _proc_pids():
            if _readlink(f"/proc/{pid}/ns/pid") == self.pidns and _state(pid) not in ("Z", ""):
                out.append(pid)
        return out

    def _find(self, suffix, conf):
        for pid in self.members():
            args = _cmdline(pid)
            if any(a.endswith(suffix) for a in args[:2]) and any(conf in a for a in args):
                return pid
        return None

    def agent_pid(self):
        return self._find("supvisorsd", os.path.join(self.dir, "agent.conf"))

    def supervisord_pid(self):
        return self._find("supervisord", os.path.join(self.dir, "supervisord.conf"))

    def alive(self):
        return self.init_proc is not None and self.init_proc.poll() is None

    # --- the agent's API, over the bridge
    def api(self, timeout=5.0):
        return xmlrpc.client.ServerProxy(f"http://{self.address}:{HTTP_PORT}/RPC2",
                                         transport=_TimeoutTransport(timeout), allow_none=True)

    def call(self, method, *params, timeout=5.0):
        """supvisors.<method>(params) or any namespaced method; None when it does not answer."""
        name = method if "." in method else "supvisors." + method
        try:
            return getattr(self.api(timeout), name)(*params)
        except (OSError, xmlrpc.client.Error, http.client.HTTPException):
            return None

    def state(self):
        return self.call("get_supvisors_state") or {}

    def instance_state(self, of):
        return self.state().get("instance_states", {}).get(of.identifier)

    @property
    def identifier(self):
        return f"{self.address}:{HTTP_PORT}"

    # --- its supervisord, directly (the ground truth), over its unix socket
    def supervisor(self, timeout=3.0):
        return xmlrpc.client.ServerProxy(
            "http://localhost/RPC2",
            transport=_UnixTransport(os.path.join(self.dir, "supervisor.sock"), timeout))

    def processes(self):
        """{namespec: info} from the host's supervisord; {} when it does not answer."""
        if not self.alive():
            return {}
        try:
            infos = self.supervisor().supervisor.getAllProcessInfo()
        except (OSError, xmlrpc.client.Error, http.client.HTTPException):
            return {}
        return {f"{i['group']}:{i['name']}": i for i in infos}

    def agent_log(self):
        try:
            with open(os.path.join(self.dir, "agent.log"), errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    # --- lifecycle
    def start(self, with_agent=True):
        self.bed.nft(self, None)
        env = dict(os.environ, SVF_AGENT=self.bed.supvisorsd if with_agent else "")
        self.init_proc = subprocess.Popen(
            ["ip", "netns", "exec", self.netns, "unshare", "--pid", "--fork", "--mount-proc",
             "--kill-child", "/bin/sh", self.bed.host_init, self.dir],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=_die_with_parent, env=env)
        unshare = self.init_proc.pid

        def init_child():
            for pid in _proc_pids():
                try:
                    with open(f"/proc/{pid}/stat") as f:
                        fields = f.read().rsplit(")", 1)[1].split()
                    if int(fields[1]) == unshare:
                        return pid
                except (OSError, IndexError, ValueError):
                    pass
            return None

        self.init_pid = await_condition(init_child, 10, 0.05)
        check(self.init_pid, f"{self.nick}: its init did not start")
        self.pidns = await_condition(
            lambda: (_readlink(f"/proc/{self.init_pid}/ns/pid") !=
                     _readlink(f"/proc/{unshare}/ns/pid")) and
            _readlink(f"/proc/{self.init_pid}/ns/pid"), 10, 0.05)
        check(self.pidns, f"{self.nick}: no PID namespace")

    def start_agent(self):
        """Starts the agent again inside the host (as systemd would), its supervisord left."""
        check(self.alive(), f"{self.nick}: host is down")
        conf = os.path.join(self.dir, "agent.conf")
        logfile = os.path.join(self.dir, "agent.log")
        self.agent_procs.append(subprocess.Popen(
            ["nsenter", "-t", str(self.init_pid), "-p", "-m", "-n", "--", "/bin/sh", "-c",
             f'exec "$0" -c "$1" >> "$2" 2>&1', self.bed.supvisorsd, conf, logfile],
            stdin=subprocess.DEVNULL, preexec_fn=_die_with_parent))

    def signal_agent(self, sig):
        pid = self.agent_pid()
        check(pid, f"{self.nick}: no agent to signal")
        os.kill(pid, sig)
        return pid

    def crash(self):
        """The host dies: every packet dropped and its PID namespace killed, at once."""
        self.bed.nft(self, "drop_all")
        members = self.members()
        os.kill(self.init_pid, signal.SIGKILL)
        try:
            self.init_proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            pass
        gone = await_condition(lambda: not any(_pid_alive(p) and _state(p) not in ("Z", "")
                                               for p in members), 20, 0.1)
        check(gone, f"{self.nick}: processes survived the crash of its init: "
                    f"{[p for p in members if _pid_alive(p)]}")
        return members

    def stop(self):
        if self.init_pid and self.alive():
            os.kill(self.init_pid, signal.SIGKILL)
        for p in [self.init_proc] + self.agent_procs:
            if p is None:
                continue
            if p.poll() is None:
                p.kill()
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass


HOST_INIT = r"""#!/bin/sh
# A host's init: PID 1 of its PID namespace. Starts its supervisord and (unless SVF_AGENT is
# empty) its agent, and reaps them. Killing it kills the whole host.
D=$1
/usr/bin/supervisord -n -c "$D/supervisord.conf" > "$D/supervisord.out" 2>&1 &
i=0
while [ ! -S "$D/supervisor.sock" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done
if [ -n "$SVF_AGENT" ]; then
  "$SVF_AGENT" -c "$D/agent.conf" >> "$D/agent.log" 2>&1 &
fi
wait
# Agents started again by the driver (nsenter) are not our children: the host stays up (its
# init alive) until the driver kills it; bounded all the same.
exec sleep 3600
"""


NFT_RULES = {
    # everything on eth0, both ways: the host is gone for everybody
    "drop_all": """
  chain input { type filter hook input priority 0; policy accept;
    iifname "eth0" drop
  }
  chain output { type filter hook output priority 0; policy accept;
    oifname "eth0" drop
  }""",
    # cut from its peers; the driver still reaches its API to read its side of the story
    "partition": f"""
  chain input {{ type filter hook input priority 0; policy accept;
    iifname "eth0" ip saddr != {DRIVER_ADDRESS} drop
  }}
  chain output {{ type filter hook output priority 0; policy accept;
    oifname "eth0" ip daddr != {DRIVER_ADDRESS} drop
  }}""",
    # PERCENT % of the packets dropped at random each way, the driver's included
    "loss": """
  chain input { type filter hook input priority 0; policy accept;
    iifname "eth0" numgen random mod 100 < PERCENT drop
  }
  chain output { type filter hook output priority 0; policy accept;
    oifname "eth0" numgen random mod 100 < PERCENT drop
  }""",
}


class Bed:
    """N hosts, their configurations, the faults, and their cleanup."""

    def __init__(self, build_dir, hosts=3, programs="", rules="", supvisors_extra="",
                 agent_extra=None, started=None, with_agent=None, timeout=None):
        self.build_dir = os.path.abspath(build_dir)
        self.supvisorsd = os.path.join(self.build_dir, "agent", "supvisorsd")
        self.supvisorsctl = os.path.join(self.build_dir, "agent", "supvisorsctl")
        require_capabilities(["ip", "nft", "unshare", "nsenter", "/usr/bin/supervisord",
                              self.supvisorsd])
        remove_stale()
        self.prefix = f"{PREFIX}{os.getpid()}"
        self.dir = tempfile.mkdtemp(prefix=f"{PREFIX}-{os.getpid()}-")
        self.host_init = os.path.join(self.dir, "host_init.sh")
        self.hosts = [Host(self, i + 1) for i in range(hosts)]
        self.closed = False
        self._home_net = os.open("/proc/self/ns/net", os.O_RDONLY)
        atexit.register(self.close)
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(sig, self._on_signal)
        signal.signal(signal.SIGALRM, self._on_alarm)
        signal.alarm(int(timeout or float(os.environ.get("SVF_TIMEOUT", 600))))
        with open(self.host_init, "w") as f:
            f.write(HOST_INIT)
        try:
            self._network()
            self._configure(programs, rules, supvisors_extra, agent_extra)
            started = range(len(self.hosts)) if started is None else started
            for i in started:
                self.hosts[i].start(with_agent=True if with_agent is None else with_agent(i))
        except BaseException:
            self.close()
            raise

    def _on_signal(self, signum, _frame):
        log(f"signal {signum}: cleaning up")
        self.close()
        sys.exit(128 + signum)

    def _on_alarm(self, _signum, _frame):
        raise Failed("the test ran out of its time budget")

    def _network(self):
        sw = f"{self.prefix}-sw"
        _run(["ip", "netns", "add", sw])
        _run(["ip", "-n", sw, "link", "set", "lo", "up"])
        _run(["ip", "-n", sw, "link", "add", "br0", "type", "bridge"])
        _run(["ip", "-n", sw, "addr", "add", f"{DRIVER_ADDRESS}/24", "dev", "br0"])
        _run(["ip", "-n", sw, "link", "set", "br0", "up"])
        for h in self.hosts:
            _run(["ip", "netns", "add", h.netns])
            _run(["ip", "-n", h.netns, "link", "set", "lo", "up"])
            _run(["ip", "-n", sw, "link", "add", f"p{h.index}", "type", "veth", "peer", "name",
                  "eth0", "netns", h.netns])
            _run(["ip", "-n", sw, "link", "set", f"p{h.index}", "master", "br0", "up"])
            _run(["ip", "-n", h.netns, "addr", "add", f"{h.address}/24", "dev", "eth0"])
            _run(["ip", "-n", h.netns, "link", "set", "eth0", "up"])
        # From now on the driver's sockets live on the bridge, never outside the bed.
        _setns_net(f"/var/run/netns/{sw}")

    def _configure(self, programs, rules, supvisors_extra, agent_extra):
        rules_path = os.path.join(self.dir, "rules.xml")
        with open(rules_path, "w") as f:
            f.write(rules or '<?xml version="1.0" encoding="UTF-8"?>\n<root/>\n')
        members = ",".join(f"<{h.nick}>{h.identifier}" for h in self.hosts)
        for h in self.hosts:
            os.makedirs(os.path.join(h.dir, "log"))
            with open(os.path.join(h.dir, "supervisord.conf"), "w") as f:
                f.write(f"""[supervisord]
logfile={h.dir}/supervisord.log
pidfile={h.dir}/supervisord.pid
childlogdir={h.dir}/log
identifier={h.nick}
[unix_http_server]
file={h.dir}/supervisor.sock
[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface
[supervisorctl]
serverurl=unix://{h.dir}/supervisor.sock
{programs}
""")
            extra = agent_extra(h.index - 1) if agent_extra else ""
            with open(os.path.join(h.dir, "agent.conf"), "w") as f:
                f.write(f"""[supvisors]
supvisors_list = {members}
rules_files = {rules_path}
{supvisors_extra}
[supervisor]
serverurl = unix://{h.dir}/supervisor.sock
poll_period = 0.5
[agent]
identifier = {h.nick}
node_id = {h.nick}
; the bed's hosts bind their bridge address: an API open to other hosts needs this (or auth)
allow_unauthenticated = true
{extra}
""")

    # --- faults
    def nft(self, host, kind, percent=20):
        """Replaces host's fault rules: None (none), drop_all, partition or loss."""
        _run(["ip", "netns", "exec", host.netns, "nft", "delete", "table", "inet", "svf"],
             check=False)
        if kind is None:
            return
        body = NFT_RULES[kind].replace("PERCENT", str(int(percent)))
        _run(["ip", "netns", "exec", host.netns, "nft", "-f", "-"],
             input_text="table inet svf {" + body + "\n}\n")

    # --- views of the cluster
    def host(self, nick):
        return next(h for h in self.hosts if h.nick == nick)

    def running_on(self, namespec, hosts=None):
        """The nicks of the hosts whose supervisord runs namespec (STARTING..STOPPING)."""
        out = []
        for h in hosts or self.hosts:
            info = h.processes().get(namespec)
            if info and info["statename"] in RUNNING_LIKE:
                out.append(h.nick)
        return out

    def placement(self, namespecs, hosts=None):
        return {n: self.running_on(n, hosts) for n in namespecs}

    def pids(self, namespecs, hosts=None):
        """{namespec: [(nick, pid)]} of the RUNNING processes."""
        out = {n: [] for n in namespecs}
        for h in hosts or self.hosts:
            procs = h.processes()
            for n in namespecs:
                info = procs.get(n)
                if info and info["statename"] == "RUNNING":
                    out[n].append((h.nick, info["pid"]))
        return out

    def in_operation(self, hosts=None, master="h1"):
        """Every given (live) host in OPERATION under master."""
        m = self.host(master).identifier
        for h in hosts or self.hosts:
            s = h.state()
            if s.get("fsm_statename") != "OPERATION" or s.get("master_identifier") != m:
                return False
        return True

    def sees(self, observer, states):
        """observer's view holds every {nick: state} of states."""
        view = observer.state().get("instance_states", {})
        return all(view.get(self.host(n).identifier) == s for n, s in states.items())

    def decisions(self, host):
        return host.call("get_decisions") or []

    def diagnosis(self):
        """The states and the agents' log tails, read only if a check fails."""
        return _Lazy(self._diagnosis)

    def _diagnosis(self):
        out = []
        for h in self.hosts:
            out.append(f"--- {h.nick}: state {h.call('get_supvisors_state', timeout=2)}")
            lines = h.agent_log().splitlines()
            out.extend(lines[-60:])
        return "\n".join(out)

    def close(self):
        if self.closed:
            return
        self.closed = True
        signal.alarm(0)
        for h in self.hosts:
            try:
                h.stop()
            except Exception as e:  # cleanup goes on whatever happens
                log(f"cleanup {h.nick}: {e}")
        try:
            _libc.setns(self._home_net, CLONE_NEWNET)
        except Exception:
            pass
        for h in self.hosts:
            _run(["ip", "netns", "del", h.netns], check=False)
        _run(["ip", "netns", "del", f"{self.prefix}-sw"], check=False)
        if os.environ.get("SVF_KEEP_DIR"):
            log(f"kept {self.dir}")
        else:
            shutil.rmtree(self.dir, ignore_errors=True)
