#!/usr/bin/python3
"""Scale figures of issue 9, on the multi-host fault bed (test/netns/bed.py: one network + PID
namespace per host, its own address on a private bridge, a real supervisord and a real agent).
For each size N (instances), one bed of N hosts:

  scale-launch-nN    seconds from the start of the first of the N agents (their supervisords
                     already running, idle, one program each) until every agent answers
                     OPERATION with the same Master; LAUNCHES runs, the agents SIGTERMed and
                     gone between two runs. The N agents are spawned one after the other (the
                     spawn time, about 10 ms per agent, is inside the figure and in its params).
  scale-traffic-*    per agent, on the peer port (TCP and UDP 60001, IP bytes counted by an
                     nftables table `inet svbench` in each host's namespace, both directions,
                     the driver's API reads on port 60000 excluded), over WINDOWS windows of
                     WINDOW seconds of an idle cluster in OPERATION: bytes/s sent and received,
                     of which the UDP liveness beacons; peer messages/s sent and received and
                     beacons/s sent (the agents' /metrics counters); the agent's CPU (% of one
                     core, /proc/PID/stat). Twice: statistics as configured by default (ALL,
                     every 5 s: HOST_STATISTICS and PROCESS_STATISTICS go to every peer), then
                     switched off on every agent (enable_host_statistics / enable_process_
                     statistics false): what remains is ticks and beacons, so the difference is
                     what statistics cost. One sample per agent and window.

Usage: bench/scale_bench.py BUILD_DIR [--sizes 3,10,30] [--launch-sizes 3,10,30]
                           [--ticks 0.1,1] [--launches 5] [--windows 3] [--window 20]
                           [--results DIR]
Each size is measured with each tick_period of --ticks (0.1 s is the default; inactivity_ticks
stays at its default, 8). A size whose launch does not reach OPERATION within 60 + 2 N seconds is recorded as
such (a launch figure without samples) and not measured further.
(--launches 0 or --windows 0 skip a part.) Needs root (the bed's namespaces and nftables).
Writes bench/results/scale-*.json through bench/report.py. Every loop is bounded; the bed
stops every process and removes every namespace it made, also on failure or Ctrl-C.
Standard library only: run it with /usr/bin/python3 (the python that has supervisor).
"""
import argparse
import concurrent.futures
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "test", "netns"))
from bed import Bed, Skip, await_condition, log  # noqa: E402
import bed as bedlib  # noqa: E402

RESULTS = os.path.join(HERE, "results")
PORT = bedlib.PEER_PORT
TICK_PERIOD = 0.1  # the default: a tick message and 2 beacons per peer per tick
COUNTERS = f"""table inet svbench {{
  chain input {{ type filter hook input priority -10; policy accept;
    iifname "eth0" tcp dport {PORT} counter
    iifname "eth0" tcp sport {PORT} counter
    iifname "eth0" udp dport {PORT} counter
  }}
  chain output {{ type filter hook output priority -10; policy accept;
    oifname "eth0" tcp dport {PORT} counter
    oifname "eth0" tcp sport {PORT} counter
    oifname "eth0" udp dport {PORT} counter
  }}
}}
"""
COUNTER_LINE = re.compile(r"(tcp|udp) [sd]port \d+ counter packets (\d+) bytes (\d+)")
METRIC_LINE = re.compile(r"^(supvisors_peer_(?:messages|beacons)_(?:sent|received)_total)"
                         r"\{[^}]*\} (\S+)$", re.M)
# One program per host (started by supervisord itself): the tables and the process statistics
# carry something, as on a real host.
PROGRAMS = ("[program:idle]\ncommand=sleep 100000\nautostart=true\nautorestart=false\n"
            "startsecs=0\n")


def nft(host, args, text=None):
    return subprocess.run(["ip", "netns", "exec", host.netns, "nft"] + args, input=text,
                          capture_output=True, text=True, timeout=30, check=True).stdout


def counters(host):
    """{(direction, proto): [packets, bytes]} of the host's peer-port traffic on eth0."""
    out, chain = {}, None
    for line in nft(host, ["list", "table", "inet", "svbench"]).splitlines():
        if line.strip().startswith("chain "):
            chain = line.split()[1]
        m = COUNTER_LINE.search(line)
        if m:
            acc = out.setdefault((chain, m.group(1)), [0, 0])
            acc[0] += int(m.group(2))
            acc[1] += int(m.group(3))
    return out


def metrics(host):
    """The agent's peer counters, summed over its peers; None when it does not answer."""
    try:
        with urllib.request.urlopen(f"http://{host.address}:{bedlib.HTTP_PORT}/metrics",
                                    timeout=10) as r:
            text = r.read().decode()
    except OSError:
        return None
    out = {}
    for name, value in METRIC_LINE.findall(text):
        out[name] = out.get(name, 0) + float(value)
    return out


def cpu_seconds(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError, TypeError):
        return None


def machine_busy():
    """(busy, total) jiffies of the whole machine, from /proc/stat."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    idle = v[3] + v[4]
    return sum(v) - idle, sum(v)


def loadavg():
    with open("/proc/loadavg") as f:
        return "/".join(f.read().split()[:3])


def states(hosts):
    """get_supvisors_state of every host, asked in parallel (a serial round of 30 agents
    would blur the figure)."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(lambda h: h.call("get_supvisors_state", timeout=3), hosts))


def operational(hosts):
    ss = states(hosts)
    return (all(s and s.get("fsm_statename") == "OPERATION" and s.get("master_identifier")
                for s in ss) and len({s["master_identifier"] for s in ss}) == 1)


def summary(hosts):
    """"N STATE under MASTER, ..." of the agents' answers, for the log."""
    counts = {}
    for st in states(hosts):
        key = ((st or {}).get("fsm_statename", "no answer"),
               (st or {}).get("master_identifier") or "none")
        counts[key] = counts.get(key, 0) + 1
    return ", ".join(f"{c} {k[0]} under {k[1]}" for k, c in sorted(counts.items()))


def agents_gone(bed):
    return not any(h.agent_pid() for h in bed.hosts)


def stop_agents(bed):
    """SIGTERM to every agent (as systemd stops it), bounded wait, SIGKILL what is left."""
    for h in bed.hosts:
        pid = h.agent_pid()
        if pid:
            os.kill(pid, signal.SIGTERM)
    if not await_condition(lambda: agents_gone(bed), 30, 0.1):
        for h in bed.hosts:
            pid = h.agent_pid()
            if pid:
                os.kill(pid, signal.SIGKILL)
        await_condition(lambda: agents_gone(bed), 10, 0.1)
    for h in bed.hosts:  # reap the nsenter processes of the agents
        for p in h.agent_procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
        h.agent_procs = []


def launch(bed, timeout):
    """Starts every agent, returns (seconds to OPERATION everywhere or None when not reached
    within timeout, spawn seconds, polling rounds)."""
    t0 = time.monotonic()
    for h in bed.hosts:
        h.start_agent()
    spawn = time.monotonic() - t0
    rounds = [0]

    def done():
        rounds[0] += 1
        return operational(bed.hosts)

    if not await_condition(done, timeout, 0.02):
        return None, spawn, rounds[0]
    return time.monotonic() - t0, spawn, rounds[0]


TYPES = {0: "TICK", 1: "HANDSHAKE_REQUEST", 2: "HANDSHAKE", 3: "STATE_MODES",
         4: "PROCESS_TABLE", 5: "PROCESS_DELTA", 6: "PROCESS_TABLE_REQUEST", 7: "REQUEST",
         8: "RESULT", 9: "GOODBYE", 10: "HOST_STATISTICS", 11: "PROCESS_STATISTICS"}
ENVELOPE = b"\x97\xa3SVP\x02"  # fixarray 7, "SVP", protocol version 2 (schema §3)
ETH_P_ALL = 3
BUCKET = 5  # seconds


def breakdown(host, seconds):
    """What one host sends on the peer port, by kind, over `seconds`: {kind: [bytes per second
    in each BUCKET-second bucket]} (5 s: each bucket holds one statistics collection). Read on the bridge side of the host's veth (the driver lives in the switch
    namespace) with a raw packet socket; a peer message is found in a TCP segment by its
    envelope (schema/peer-protocol.md §3), its size is its ZMTP frame's. Kinds: the message
    types, "beacon" (UDP datagrams, IP bytes) and "tcp overhead" (IP + TCP headers, ZMTP and
    pure ACKs: the IP bytes of the TCP segments minus the frames found in them)."""
    buckets = max(1, int(seconds // BUCKET))
    out = {}
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    try:
        sock.bind((f"p{host.index}", 0))
        sock.settimeout(0.2)
        src = socket.inet_aton(host.address)
        t0 = time.monotonic()
        for _ in range(buckets * BUCKET * 20000):  # bounded: far more than the packets
            now = time.monotonic() - t0
            if now >= buckets * BUCKET:
                break
            try:
                frame = sock.recv(65535)
            except socket.timeout:
                continue
            if len(frame) < 34 or frame[12:14] != b"\x08\x00" or frame[26:30] != src:
                continue  # not IPv4 sent by the host
            ip = frame[14:]
            ihl, proto, total = (ip[0] & 15) * 4, ip[9], int.from_bytes(ip[2:4], "big")
            l4 = ip[ihl:total]
            slot = int(now // BUCKET)

            def add(kind, size):
                out.setdefault(kind, [0.0] * buckets)[slot] += size / BUCKET

            if proto == 17 and int.from_bytes(l4[2:4], "big") == PORT:
                add("beacon", total)
                continue
            if proto != 6 or PORT not in (int.from_bytes(l4[0:2], "big"),
                                          int.from_bytes(l4[2:4], "big")):
                continue
            payload = l4[(l4[12] >> 4) * 4:]
            framed = 0
            i = payload.find(ENVELOPE)
            while i >= 0 and i + len(ENVELOPE) < len(payload):
                # ZMTP 3 frame header: flags 0x00 + 1-byte size, or flags 0x02 + 8-byte size
                if i >= 2 and payload[i - 2] == 0:
                    size = payload[i - 1]
                elif i >= 9 and payload[i - 9] == 2:
                    size = int.from_bytes(payload[i - 8:i], "big")
                else:
                    size = 0
                kind = TYPES.get(payload[i + len(ENVELOPE)], "other")
                add(kind, size)
                framed += min(size, len(payload) - i)
                i = payload.find(ENVELOPE, i + 1)
            # the rest of a long frame's segments are counted with their frame, not as overhead
            rest = len(payload) - framed
            add("tcp overhead", total - len(payload) + (rest if rest < 64 else 0))
    finally:
        sock.close()
    return out


def snapshot(bed):
    out = []
    for h in bed.hosts:
        t = time.monotonic()
        out.append((t, counters(h), metrics(h), cpu_seconds(h.agent_pid()),
                    cpu_seconds(h.supervisord_pid())))
    return out


def windows(bed, count, seconds):
    """count windows of seconds: per agent and window, a dict of rates; plus the machine."""
    samples, busy, loads = [], [], []
    for _ in range(count):
        b0, l0 = machine_busy(), loadavg()
        before = snapshot(bed)
        time.sleep(seconds)
        after = snapshot(bed)
        b1 = machine_busy()
        busy.append(100.0 * (b1[0] - b0[0]) / max(1, b1[1] - b0[1]) * os.cpu_count())
        loads.append(l0)
        for (t0, c0, m0, a0, s0), (t1, c1, m1, a1, s1) in zip(before, after):
            dt = t1 - t0
            if m0 is None or m1 is None or a0 is None or a1 is None:
                raise SystemExit("scale_bench: an agent stopped answering during a window")

            def rate(key):
                return (c1.get(key, [0, 0])[1] - c0.get(key, [0, 0])[1]) / dt

            def prate(key):
                return (c1.get(key, [0, 0])[0] - c0.get(key, [0, 0])[0]) / dt

            def mrate(name):
                return (m1.get(name, 0) - m0.get(name, 0)) / dt

            samples.append({
                "sent": rate(("output", "tcp")) + rate(("output", "udp")),
                "received": rate(("input", "tcp")) + rate(("input", "udp")),
                "beacon_bytes_sent": rate(("output", "udp")),
                "messages_sent": mrate("supvisors_peer_messages_sent_total"),
                "messages_received": mrate("supvisors_peer_messages_received_total"),
                "beacons_sent": mrate("supvisors_peer_beacons_sent_total"),
                "tcp_packets_sent": prate(("output", "tcp")),
                "tcp_bytes_sent": rate(("output", "tcp")),
                "agent_cpu": 100.0 * (a1 - a0) / dt,
                "supervisord_cpu": 100.0 * ((s1 or 0) - (s0 or 0)) / dt,
            })
    return samples, busy, loads


def record(results, name, unit, values, params, display):
    text = ",".join("%s=%s" % (k, str(v).replace(" ", "_").replace(",", ";"))
                    for k, v in params.items())
    subprocess.run([sys.executable, os.path.join(HERE, "report.py"), "record", "--name", name,
                    "--results", results, "--unit", unit, "--params", text,
                    "--display", json.dumps(display)] + ["%.4f" % v for v in values],
                   check=True)


KIND_RANK = {"TICK": 0, "beacon": 1, "STATE_MODES": 2, "HOST_STATISTICS": 3,
             "PROCESS_STATISTICS": 4, "tcp overhead": 5}
COLUMNS = [  # sample key, name part, column title, unit, scale
    ("sent", "sent", "sent (kB/s)", "kB/s", 1e-3),
    ("received", "received", "received (kB/s)", "kB/s", 1e-3),
    ("beacon_bytes_sent", "beacon-bytes-sent", "of which beacons sent (kB/s)", "kB/s", 1e-3),
    ("messages_sent", "messages-sent", "messages sent/s", "1/s", 1),
    ("messages_received", "messages-received", "messages received/s", "1/s", 1),
    ("beacons_sent", "beacons-sent", "beacons sent/s", "1/s", 1),
    ("agent_cpu", "agent-cpu", "agent CPU (%)", "%", 1),
]


def bed_for(build, n, timeout, tick_period=TICK_PERIOD):
    """A bed of n hosts whose supervisords run and whose agents do not (yet)."""
    bed = Bed(build, hosts=n, programs=PROGRAMS, started=[], timeout=timeout)
    for h in bed.hosts:
        path = os.path.join(h.dir, "agent.conf")
        with open(path) as f:
            text = f.read()
        # The product's default poll_period (1 s) rather than the fault tests' 0.5 s.
        with open(path, "w") as f:
            f.write(text.replace("poll_period = 0.5\n", ""))
            if tick_period != TICK_PERIOD:  # [agent] is the file's last section
                f.write(f"tick_period = {tick_period}\n")
    try:
        for h in bed.hosts:
            h.start(with_agent=False)
            nft(h, ["-f", "-"], COUNTERS)
        ok = await_condition(lambda: all(h.processes().get("idle:idle", {}).get("statename")
                                         == "RUNNING" for h in bed.hosts), 120, 0.5)
        if not ok:
            raise SystemExit(f"scale_bench: the {n} supervisords did not start in 120 s")
    except BaseException:
        bed.close()
        raise
    return bed


def tick_label(tick):
    return f"tick {tick:g} s" + (" (default)" if tick == TICK_PERIOD else "")


def record_no_launch(results, n, tick, attempts, timeout, params, display):
    """A launch figure without samples: no run reached OPERATION everywhere (shown as –)."""
    sys.path.insert(0, HERE)
    import report
    fig = {"name": f"scale-launch-n{n}-tick{tick:g}", "unit": "s", "n": 0, "median": None,
           "min": None, "max": None, "p90": None, "samples": [], "commit": report.commit(),
           "machine": report.machine(),
           "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
           "params": {**params, "converged": f"0_of_{attempts}", "timeout_s": timeout},
           "display": display}
    report.write(results, fig)


def run_size(args, n, tick, do_launch, do_traffic):
    common = {"instances": n, "network": "netns_bed_bridge", "tick_period_s": tick,
              "inactivity_ticks": 8, "poll_period_s": 1, "relay": "off",
              "synchro_options": "STRICT;TIMEOUT", "programs_per_host": 1}
    log(f"== {n} instances, {tick_label(tick)}: bed up (supervisords only)")
    bed = bed_for(args.build_dir, n, args.timeout, tick)
    try:
        launches, spawns, rounds, failed = [], [], [], 0
        load_before = loadavg()
        timeout = 60 + 2 * n
        for i in range(args.launches if do_launch else 1):
            if i:
                stop_agents(bed)
            seconds, spawn, r = launch(bed, timeout)
            spawns.append(spawn)
            rounds.append(r)
            if seconds is None:
                failed += 1
                log(f"   launch #{i + 1}: not in OPERATION with one Master after {timeout} s "
                    f"({summary(bed.hosts)}); {bed.hosts[0].agent_log().count('-> FAILED')} "
                    "FAILED transitions in h1's log")
                break  # a cluster that does not form once will not be measured further
            launches.append(seconds)
            log(f"   launch #{i + 1}: OPERATION everywhere in {seconds:.2f} s "
                f"(spawn {spawn:.2f} s, {r} polling rounds)")
        display = {"section": "Cluster scale (issue 9): launch to OPERATION", "order": 11,
                   "rank": int(tick * 1000) * 100 + n,
                   "row": f"{n} instances, {tick_label(tick)}, supervisords already running"}
        params = {**common, "what": "agents started (supervisords already running) to every "
                  "agent in OPERATION with the same Master; polled in parallel every 20 ms",
                  "spawn_s": "/".join(f"{s:.2f}" for s in spawns),
                  "load_before": load_before, "load_after": loadavg()}
        if do_launch and launches:
            record(args.results, f"scale-launch-n{n}-tick{tick:g}", "s", launches,
                   {**params, "converged": f"{len(launches)}_of_{len(launches) + failed}"},
                   display)
        elif do_launch:
            display["row"] += f": not in OPERATION after {timeout} s"
            record_no_launch(args.results, n, tick, failed, timeout, params, display)
        if failed:
            return
        if not do_traffic:
            return
        time.sleep(args.settle)  # handshakes, tables and the first statistics are behind us
        if args.breakdown > 0:
            host = bed.hosts[1]  # not the Master: a follower's traffic
            kinds = breakdown(host, args.breakdown)
            mean = {k: sum(v) / len(v) for k, v in kinds.items()}
            log(f"   what {host.nick} sends ({sum(mean.values()) / 1e3:.1f} kB/s): " + ", ".join(
                f"{k} {mean[k] / 1e3:.2f}" for k, v in sorted(
                    kinds.items(), key=lambda kv: -sum(kv[1]))))
            for kind, values in kinds.items():
                record(args.results, f"scale-breakdown-n{n}-tick{tick:g}-"
                       + kind.lower().replace(" ", "-").replace("_", "-"), "kB/s",
                       [v / 1e3 for v in values],
                       {**common, "host": host.nick, "statistics": "ALL_5s",
                        "seconds": args.breakdown, "samples": f"{BUCKET}_s_buckets",
                        "bytes": "ZMTP_frames;_beacons_and_overhead_in_IP_bytes"},
                       {"section": "Cluster scale (issue 9): what one agent sends, by kind "
                                   "(kB/s, idle, statistics ALL every 5 s)", "order": 13,
                        "rank": int(tick * 1000) * 100 + n, "column_rank": KIND_RANK.get(kind, 99),
                        "row": f"{n} instances, {tick_label(tick)}", "column": kind,
                        "note": f"Each cell: median over the {BUCKET}-second buckets of one "
                                f"{args.breakdown:g}-second capture on a follower [min–max]."})
        if args.windows <= 0:
            return
        for stats in ("on", "off"):
            if stats == "off":
                for h in bed.hosts:
                    h.call("enable_host_statistics", False)
                    h.call("enable_process_statistics", False)
                time.sleep(args.settle)
            samples, busy, loads = windows(bed, args.windows, args.window)
            med = {k: sorted(s[k] for s in samples)[len(samples) // 2] for k in samples[0]}
            if not operational(bed.hosts):
                raise SystemExit("scale_bench: the cluster left OPERATION during the windows")
            label = tick_label(tick) + (", statistics ALL every 5 s (default)"
                                        if stats == "on" else ", statistics OFF")
            params = {**common, "statistics": "ALL_5s" if stats == "on" else "OFF",
                      "windows": args.windows, "window_s": args.window, "samples": "agent_x_window",
                      "bytes": "IP_bytes_on_the_peer_port_(nftables)",
                      "machine_busy_pct_of_one_core": "/".join(f"{b:.0f}" for b in busy),
                      "load_at_window_start": "/".join(loads),
                      "supervisord_cpu_pct_median": "%.2f" % med["supervisord_cpu"],
                      "tcp_packets_sent_per_s_median": "%.1f" % med["tcp_packets_sent"],
                      "tcp_bytes_sent_per_packet_median": "%.0f" % (
                          med["tcp_bytes_sent"] / max(1e-9, med["tcp_packets_sent"]))}
            for rank, (key, part, title, unit, scale) in enumerate(COLUMNS):
                record(args.results, f"scale-traffic-{part}-n{n}-tick{tick:g}-stats-{stats}", unit,
                       [s[key] * scale for s in samples], params,
                       {"section": "Cluster scale (issue 9): peer traffic per agent, idle "
                                   "cluster in OPERATION", "order": 12,
                        "rank": int(tick * 1000) * 100 + n * 2 + (stats == "off"),
                        "column_rank": rank,
                        "row": f"{n} instances, {label}", "column": title,
                        "note": "Each cell: median over every agent and window "
                                f"({args.windows} windows of {args.window} s) [min–max]."})
            log(f"   stats {stats}: per agent sent {med['sent'] / 1e3:.1f} kB/s, received "
                f"{med['received'] / 1e3:.1f} kB/s (beacons {med['beacon_bytes_sent'] / 1e3:.1f}),"
                f" {med['messages_sent']:.1f} msg/s out, {med['beacons_sent']:.1f} beacons/s, "
                f"{med['tcp_packets_sent']:.1f} TCP packets/s out, agent CPU {med['agent_cpu']:.2f} %, "
                f"supervisord {med['supervisord_cpu']:.2f} %; machine busy "
                f"{'/'.join(f'{b:.0f}' for b in busy)} % of a core, load {loads}")
    finally:
        bed.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("build_dir")
    parser.add_argument("--sizes", default="3,10,30", help="sizes for the traffic windows")
    parser.add_argument("--launch-sizes", default="3,10,30", help="sizes for the launches")
    parser.add_argument("--ticks", default="0.1,1",
                        help="tick_period values (0.1 is the default), each with every size")
    parser.add_argument("--launches", type=int, default=5)
    parser.add_argument("--windows", type=int, default=3)
    parser.add_argument("--window", type=float, default=20)
    parser.add_argument("--settle", type=float, default=8)
    parser.add_argument("--breakdown", type=float, default=20,
                        help="seconds of capture of one agent's traffic by kind (0: none)")
    parser.add_argument("--timeout", type=float, default=1800,
                        help="time budget of one bed (it cleans up after it)")
    parser.add_argument("--results", default=RESULTS)
    args = parser.parse_args()
    args.results = os.path.abspath(args.results)
    traffic = ({int(s) for s in args.sizes.split(",") if s}
               if args.windows > 0 or args.breakdown > 0 else set())
    launches = {int(s) for s in args.launch_sizes.split(",") if s} if args.launches > 0 else set()
    try:
        for tick in [float(t) for t in args.ticks.split(",") if t]:
            for n in sorted(traffic | launches):
                run_size(args, n, tick, n in launches, n in traffic)
    except Skip as e:
        print(f"scale_bench: skipped: {e}", file=sys.stderr)
        return 77
    return 0


if __name__ == "__main__":
    sys.exit(main())
