#!/usr/bin/python3
"""Cluster figures of issue 5, on this machine, with the local example cluster
(examples/local-cluster/cluster.sh: 3 supervisords + 3 agents on loopback):

  cluster-launch-formed
                     seconds from `cluster.sh start` (agents and supervisords started) to all
                     three agents past INITIALIZATION (DISTRIBUTION or OPERATION) with the same
                     Master: the cluster formed (includes supervisord's own start-up)
  cluster-launch     seconds from `cluster.sh start` to OPERATION with one Master on all three
                     agents: also the Master's DISTRIBUTION, which starts the example's
                     applications (database then web_front, startsecs=1, in sequence)
  cluster-detection  seconds from freezing one agent (SIGSTOP: silence, no RST, as a frozen
                     or cut-off host) to another agent no longer seeing it RUNNING
  cluster-false-positives
                     instance transitions to FAILED (counted in the three agents' logs) during a
                     soak of SOAK seconds (default 600) with one CPU saturated by a busy loop
                     and the supervisord of one instance (default alpha, the Master's)
                     SIGSTOPped for STALL seconds (default 30) from STALL_AT seconds (default 60)
                     into the soak; the goal is 0. Its parameters also say whether the stall was
                     reported (supervisord unreachable), how many processes were lost, how many
                     running processes changed pid, and the load average (uptime).

  cluster-failover   seconds from freezing the host of monitor:watcher, a RESTART_PROCESS
                     program with startsecs=1 that DISTRIBUTION started on alpha (the Master;
                     beta when alpha's table came late), its agent and supervisord SIGSTOPped
                     (silence), to the watcher RUNNING on the other server, as its agent sees
                     it; reported with its two parts:
                     detection (beta no longer sees alpha RUNNING) and the rest (election,
                     placement, spawn and startsecs). Goal: detection + startsecs + 0.5 s.

Usage: bench/cluster_bench.py BUILD_DIR [--launches N] [--detections N] [--failovers N]
                             [--soak SECONDS] [--stall SECONDS] [--stall-at SECONDS]
                             [--stall-instance NAME]
(--launches 0, --detections 0, --failovers 0 or --soak 0 skip a part.) Writes bench/results/cluster-*.json
(--results DIR: elsewhere, e.g. for a smoke run) through bench/report.py. Every loop is
bounded; everything started is stopped at the end. Standard library only: run it with
/usr/bin/python3.
"""
import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import xmlrpc.client

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CLUSTER = os.path.join(ROOT, "examples", "local-cluster", "cluster.sh")
BASE_PORT = 63500
NAMES = ["alpha", "beta", "gamma"]
# The agent's defaults (agent/config/config.h; the example cluster sets neither), recorded with
# the figures.
TICK_PERIOD_S = 0.1
INACTIVITY_TICKS = 8


def url(i):
    return "http://127.0.0.1:%d" % (BASE_PORT + 10 * i)


def identifier(i):
    return "127.0.0.1:%d" % (BASE_PORT + 10 * i)


def state(i):
    try:
        proxy = xmlrpc.client.ServerProxy(url(i) + "/RPC2")
        return proxy.supvisors.get_supvisors_state()
    except (OSError, xmlrpc.client.Error):
        return None


def await_(condition, timeout, period=0.005):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(period)
    return False


def all_formed():
    """Every agent past INITIALIZATION under one Master: the cluster has formed, and the
    Master's DISTRIBUTION (the rules' auto-started applications) may still be going on."""
    states = [state(i) for i in range(3)]
    return all(s and s["fsm_statename"] in ("DISTRIBUTION", "OPERATION") and
               s["master_identifier"] for s in states) and \
        len({s["master_identifier"] for s in states}) == 1


def all_operational():
    states = [state(i) for i in range(3)]
    return all(s and s["fsm_statename"] == "OPERATION" and s["master_identifier"]
               for s in states) and len({s["master_identifier"] for s in states}) == 1


RESULTS = os.path.join(HERE, "results")


def record(name, unit, values, params, row, rank):
    """params: a dict of words (report.py's k=v,... format: no space, no comma in a value)."""
    text = ",".join("%s=%s" % (k, str(v).replace(" ", "_").replace(",", ";"))
                    for k, v in params.items())
    display = '{"section": "Cluster", "order": 10, "rank": %d, "row": "%s"}' % (rank, row)
    subprocess.run([sys.executable, os.path.join(HERE, "report.py"), "record", "--name", name,
                    "--results", RESULTS, "--unit", unit, "--params", text, "--display", display]
                   + ["%.4f" % v for v in values], check=True)


def loadavg():
    """The 1, 5 and 15 minute load averages (what uptime prints), as "a/b/c"."""
    with open("/proc/loadavg") as f:
        return "/".join(f.read().split()[:3])


def running_pids(i):
    """{namespec: pid} of the RUNNING processes of instance i, from its own supervisord
    (supervisor.getAllProcessInfo, forwarded by the agent); None if it does not answer."""
    try:
        proxy = xmlrpc.client.ServerProxy(url(i) + "/RPC2")
        infos = proxy.supervisor.getAllProcessInfo()
    except (OSError, xmlrpc.client.Error):
        return None
    return {"%s:%s" % (p["group"], p["name"]): p["pid"] for p in infos
            if p["statename"] == "RUNNING"}


def all_running_pids():
    out = {}
    for i in range(3):
        pids = running_pids(i)
        if pids is None:
            return None
        out.update({(NAMES[i], k): v for k, v in pids.items()})
    return out


def watcher_on(i, where):
    """True when agent i shows monitor:watcher RUNNING on instance `where` alone."""
    try:
        proxy = xmlrpc.client.ServerProxy(url(i) + "/RPC2")
        info = proxy.supvisors.get_process_info("monitor:watcher")[0]
    except (OSError, xmlrpc.client.Error, IndexError):
        return False
    return info["statename"] == "RUNNING" and info["identifiers"] == [identifier(where)]


def failover(run_dir):
    """One failover: the cluster is started and in OPERATION under alpha. The watcher runs on
    alpha or beta (the servers), where DISTRIBUTION put it (alpha, the Master, unless its table
    came late); that host is frozen. Returns (detection, total, victim) in seconds."""
    where = []
    if not await_(lambda: where.extend(i for i in (0, 1) if watcher_on(2, i)) or where, 60, 0.05):
        sys.exit("monitor:watcher did not start on alpha or beta in 60 s")
    victim = where[0]
    survivor = 1 - victim
    pids = []
    for name in ("supvisorsd.pid", "supervisord.pid"):
        with open(os.path.join(run_dir, NAMES[victim], name)) as f:
            pids.append(int(f.read()))
    t0 = time.monotonic()
    for pid in pids:
        os.kill(pid, signal.SIGSTOP)
    try:
        if not await_(lambda: (state(survivor) or {}).get("instance_states", {}).get(
                identifier(victim)) not in ("RUNNING", None), 20, 0.005):
            sys.exit("the frozen host was not noticed in 20 s")
        detection = time.monotonic() - t0
        if not await_(lambda: watcher_on(survivor, survivor), 30, 0.005):
            sys.exit("monitor:watcher did not move to %s in 30 s" % NAMES[survivor])
        total = time.monotonic() - t0
    finally:
        for pid in pids:
            os.kill(pid, signal.SIGCONT)
    return detection, total, NAMES[victim]


FAILED = re.compile(r"instance (\S+) \S+ -> FAILED")
UNREACHABLE = re.compile(r"the supervisord of (\S+) does not answer|"
                         r"the local supervisord does not answer")
LOST = re.compile(r"processes of (\S+) lost")


def log_tail(path, offset):
    with open(path, errors="replace") as f:
        f.seek(offset)
        return f.read()


def soak(run_dir, seconds, stall, stall_at, stall_instance):
    """One soak: a CPU hog for the whole run, one supervisord SIGSTOPped for `stall` seconds.
    Returns the figures (a dict). The caller has the cluster started and in OPERATION."""
    # Let DISTRIBUTION start what the rules start, then take the running processes as the
    # reference: none of them may be lost, restarted or moved by the stall.
    reference, stable_since = None, time.monotonic()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        pids = all_running_pids()
        if pids != reference:
            reference, stable_since = pids, time.monotonic()
        elif reference and time.monotonic() - stable_since >= 5:
            break
        time.sleep(0.2)
    else:
        sys.exit("the processes started at DISTRIBUTION did not settle in 120 s")
    logs = [os.path.join(run_dir, n, "supvisorsd.log") for n in NAMES]
    offsets = [os.path.getsize(p) for p in logs]
    with open(os.path.join(run_dir, stall_instance, "supervisord.pid")) as f:
        stalled = int(f.read())
    figures = {"load_start": loadavg()}
    hog = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    samples = not_whole = 0
    phase = "before"  # -> "stalled" -> "after"
    try:
        t0 = time.monotonic()
        while True:
            now = time.monotonic() - t0
            if now >= seconds:
                break
            if phase == "before" and now >= stall_at:
                os.kill(stalled, signal.SIGSTOP)
                phase, stop_t = "stalled", time.monotonic()
                figures["load_at_stall"] = loadavg()
            elif phase == "stalled" and time.monotonic() - stop_t >= stall:
                os.kill(stalled, signal.SIGCONT)
                phase = "after"
            # Every agent in OPERATION under one Master, seeing the three instances RUNNING.
            states = [state(i) for i in range(3)]
            samples += 1
            if not (all(s and s["fsm_statename"] == "OPERATION" for s in states)
                    and len({s["master_identifier"] for s in states}) == 1
                    and all(set(s["instance_states"].values()) == {"RUNNING"} for s in states)):
                not_whole += 1
            time.sleep(0.1)
    finally:
        if phase == "stalled":
            os.kill(stalled, signal.SIGCONT)
        hog.kill()
        hog.wait()
    figures["load_end"] = loadavg()
    texts = [log_tail(p, o) for p, o in zip(logs, offsets)]
    figures["failed"] = [len(FAILED.findall(t)) for t in texts]
    figures["unreachable_reports"] = [len(UNREACHABLE.findall(t)) for t in texts]
    figures["lost_reports"] = [len(LOST.findall(t)) for t in texts]
    figures["samples"], figures["samples_not_whole"] = samples, not_whole
    # The reference processes: still RUNNING with the same pid where they were.
    after = None
    if await_(lambda: all_running_pids() is not None, 30, 0.5):
        after = all_running_pids()
    figures["pid_changes"] = (None if after is None else
                              sum(1 for k, v in reference.items() if after.get(k) != v))
    figures["reference_processes"] = len(reference)
    return figures


def main():
    global RESULTS
    parser = argparse.ArgumentParser()
    parser.add_argument("build_dir")
    parser.add_argument("--launches", type=int, default=5)
    parser.add_argument("--detections", type=int, default=12)
    parser.add_argument("--failovers", type=int, default=5)
    parser.add_argument("--soak", type=float, default=600)
    parser.add_argument("--stall", type=float, default=30)
    parser.add_argument("--stall-at", type=float, default=60)
    parser.add_argument("--stall-instance", default="alpha", choices=NAMES)
    parser.add_argument("--results", default=RESULTS,
                        help="where the figures go (default bench/results)")
    args = parser.parse_args()
    RESULTS = os.path.abspath(args.results)
    env = dict(os.environ, BUILD_DIR=os.path.abspath(args.build_dir), SKIP_BUILD="1",
               BASE_PORT=str(BASE_PORT), RUN_DIR=tempfile.mkdtemp(prefix="svcb"))
    run_dir = env["RUN_DIR"]

    def cluster(action):
        subprocess.run([CLUSTER, action], env=env, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)

    def start_cluster():
        cluster("start")
        if not await_(all_operational, 60, 0.01):
            sys.exit("the cluster did not reach OPERATION in 60 s")

    launches, formed, detections, failovers, soaked = [], [], [], [], None
    try:
        for _ in range(args.launches):
            t0 = time.monotonic()
            cluster("start")
            if not await_(all_formed, 60, 0.005):
                sys.exit("the cluster did not form in 60 s")
            formed.append(time.monotonic() - t0)
            if not await_(all_operational, 60, 0.01):
                sys.exit("the cluster did not reach OPERATION in 60 s")
            launches.append(time.monotonic() - t0)
            cluster("stop")

        if args.detections:
            start_cluster()
            load_before = loadavg()
            with open(os.path.join(run_dir, "gamma", "supvisorsd.pid")) as f:
                gamma = int(f.read())
            for _ in range(args.detections):
                t0 = time.monotonic()
                os.kill(gamma, signal.SIGSTOP)
                seen = await_(lambda: (state(0) or {}).get("instance_states", {}).get(
                    identifier(2)) not in ("RUNNING", None), 20)
                elapsed = time.monotonic() - t0
                os.kill(gamma, signal.SIGCONT)
                if not seen:
                    sys.exit("a silent agent was not noticed in 20 s")
                detections.append(elapsed)
                # Back to a whole cluster before the next run.
                if not await_(lambda: all_operational() and all(
                        (state(i) or {}).get("instance_states", {}).get(identifier(2)) ==
                        "RUNNING" for i in range(3)), 60, 0.02):
                    sys.exit("the frozen agent did not rejoin in 60 s")
            load_after = loadavg()
            cluster("stop")

        for _ in range(args.failovers):
            start_cluster()
            failovers.append(failover(run_dir))
            cluster("stop")

        if args.soak > 0:
            start_cluster()
            soaked = soak(run_dir, args.soak, args.stall, args.stall_at, args.stall_instance)
            cluster("stop")
    finally:
        subprocess.run([CLUSTER, "stop"], env=env, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)

    if launches:
        params = {"instances": 3, "network": "loopback", "synchro_options": "STRICT+TIMEOUT",
                  "tick_period_s": TICK_PERIOD_S, "load_average": loadavg()}
        record("cluster-launch-formed", "s", formed, params,
               "launch of 3 instances to one Master everywhere, past INITIALIZATION "
               "(goal < 2 s)", 0)
        record("cluster-launch", "s", launches, params,
               "launch of 3 instances to OPERATION everywhere, the example's applications "
               "started by DISTRIBUTION", 1)
        print("formed (s):", ["%.2f" % v for v in formed])
        print("launch (s):", ["%.2f" % v for v in launches])
    if detections:
        record("cluster-detection", "s", detections,
               {"what": "one agent SIGSTOPped (silence, no RST), polled every 5 ms on another "
                        "agent until not RUNNING", "tick_period_s": TICK_PERIOD_S,
                "inactivity_ticks": INACTIVITY_TICKS,
                "load_before": load_before, "load_after": load_after},
               "silent agent detected (no longer RUNNING on a peer; "
               "goal median < 1 s, max < 1.5 s)", 2)
        print("detection (s):", ["%.3f" % v for v in detections],
              "load", load_before, "->", load_after)
    if failovers:
        detection = [d for d, _, _ in failovers]
        total = [t for _, t, _ in failovers]
        rest = [t - d for d, t, _ in failovers]
        params = {"what": "the host of monitor:watcher (RESTART_PROCESS, startsecs=1; alpha, the "
                          "Master, or beta) frozen: agent and supervisord SIGSTOPped; watcher "
                          "RUNNING on the other server as its agent shows it, polled every 5 ms",
                  "frozen": "/".join(v for _, _, v in failovers),
                  "tick_period_s": TICK_PERIOD_S, "inactivity_ticks": INACTIVITY_TICKS,
                  "startsecs": 1,
                  "detection_s": "/".join("%.2f" % v for v in detection),
                  "election_placement_spawn_s": "/".join("%.2f" % v for v in rest)}
        record("cluster-failover", "s", total, params,
               "host frozen to its RESTART_PROCESS program RUNNING elsewhere, startsecs=1 "
               "(goal: detection + startsecs + 0.5 s, about 2.5 s)", 3)
        print("failover (s): total", ["%.2f" % v for v in total], "detection",
              ["%.2f" % v for v in detection])
    if soaked:
        params = {"soak_s": args.soak, "cpu_hog": "one busy loop (one CPU saturated)",
                  "stalled": "supervisord of " + args.stall_instance, "stall_s": args.stall,
                  "stall_at_s": args.stall_at, "tick_period_s": TICK_PERIOD_S,
                  "inactivity_ticks": INACTIVITY_TICKS,
                  "call_timeout_s": 10, "supervisor_lost_after_s": 60, "relay": "on",
                  "poll_period_s": 1}
        for key in ("failed", "unreachable_reports", "lost_reports"):
            params[key] = "/".join("%s:%d" % (n, v) for n, v in zip(NAMES, soaked[key]))
        for key in ("samples", "samples_not_whole", "pid_changes", "reference_processes",
                    "load_start", "load_at_stall", "load_end"):
            params[key] = soaked.get(key)
        record("cluster-false-positives", "transitions", [sum(soaked["failed"])], params,
               "FAILED transitions in a %d-minute soak, one CPU saturated, one supervisord "
               "SIGSTOPped %d s (goal 0)" % (args.soak // 60, args.stall), 4)
        print("soak:", soaked)

if __name__ == "__main__":
    main()
