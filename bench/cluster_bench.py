#!/usr/bin/python3
"""Cluster figures of issue 5, on this machine, with the local example cluster
(examples/local-cluster/cluster.sh: 3 supervisords + 3 agents on loopback):

  cluster-launch     seconds from `cluster.sh start` (agents and supervisords started) to
                     OPERATION with one Master on all three agents (includes supervisord's own
                     start-up, about 0.5 s)
  cluster-detection  seconds from freezing one agent (SIGSTOP: silence, no RST, as a frozen
                     or cut-off host) to another agent no longer seeing it RUNNING

Usage: bench/cluster_bench.py BUILD_DIR [--launches N] [--detections N]
Writes bench/results/cluster-*.json through bench/report.py. Every loop is bounded; everything
started is stopped at the end. Standard library only: run it with /usr/bin/python3.
"""
import argparse
import os
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


def all_operational():
    states = [state(i) for i in range(3)]
    return all(s and s["fsm_statename"] == "OPERATION" and s["master_identifier"]
               for s in states) and len({s["master_identifier"] for s in states}) == 1


def record(name, unit, values, params, row):
    subprocess.run([sys.executable, os.path.join(HERE, "report.py"), "record", "--name", name,
                    "--unit", unit, "--params", params,
                    "--display", '{"section": "Cluster", "order": 10, "row": "%s"}' % row]
                   + ["%.4f" % v for v in values], check=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("build_dir")
    parser.add_argument("--launches", type=int, default=5)
    parser.add_argument("--detections", type=int, default=12)
    args = parser.parse_args()
    env = dict(os.environ, BUILD_DIR=os.path.abspath(args.build_dir), SKIP_BUILD="1",
               BASE_PORT=str(BASE_PORT), RUN_DIR=tempfile.mkdtemp(prefix="svcb"))
    run_dir = env["RUN_DIR"]

    def cluster(action):
        subprocess.run([CLUSTER, action], env=env, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)

    launches, detections = [], []
    try:
        for _ in range(args.launches):
            t0 = time.monotonic()
            cluster("start")
            if not await_(all_operational, 60, 0.01):
                sys.exit("the cluster did not reach OPERATION in 60 s")
            launches.append(time.monotonic() - t0)
            cluster("stop")

        cluster("start")
        if not await_(all_operational, 60, 0.01):
            sys.exit("the cluster did not reach OPERATION in 60 s")
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
                    (state(i) or {}).get("instance_states", {}).get(identifier(2)) == "RUNNING"
                    for i in range(3)), 60, 0.02):
                sys.exit("the frozen agent did not rejoin in 60 s")
    finally:
        subprocess.run([CLUSTER, "stop"], env=env, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)

    record("cluster-launch", "s", launches,
           "3 instances on loopback, synchro_options default (STRICT,TIMEOUT), tick_period 0.2 s",
           "launch of 3 instances to OPERATION everywhere")
    record("cluster-detection", "s", detections,
           "one agent SIGSTOPped (silence, no RST); tick_period 0.2 s, inactivity_ticks 5; "
           "polled every 5 ms on another agent",
           "silent agent detected (no longer RUNNING on a peer)")
    print("launch (s):", ["%.2f" % v for v in launches])
    print("detection (s):", ["%.3f" % v for v in detections])


if __name__ == "__main__":
    main()
