#!/usr/bin/python3
"""Benchmark results: write them (bench/results/<name>.json) and render docs/BENCHMARKS.md.

    report.py record --name NAME --unit UNIT [--params k=v,...] [--display JSON] VALUE...
        one figure from its samples (any benchmark may use it)
    report.py record-footprint --samples FILE --results DIR [--smaps-dir DIR] [--params "k=v ..."]
        the figures of bench/run.sh's footprint cases (see run.sh for the samples format); it
        first removes the DIR/footprint-*.json of the cases it measured (programs x relay
        mode), so a run replaces them and keeps the others
    report.py docs [--results DIR] [--doc FILE]
        rewrites the part of FILE between the markers below from every DIR/*.json

A figure file holds: name, unit, n, median, min, max, p90 (null when n < 10), samples, commit
(git rev-parse --short HEAD), machine (nproc, cpu, memory, kernel, os), date (UTC), params
(what was measured and how), and display: where the docs show it — {"section", "order", and
either "row" + "column" (a table of medians with their range; an optional "note" replaces the
line under the table) or "row" alone (one row per figure with n, median, p90, min, max)}. A file with "rows" instead of samples is a table shown
as is (the agent's smaps breakdown). Standard library only: run it with /usr/bin/python3.
"""
import argparse
import datetime
import glob
import json
import os
import platform
import re
import statistics
import subprocess
import sys

BEGIN = "<!-- BEGIN GENERATED FIGURES (bench/report.py docs) -->"
END = "<!-- END GENERATED FIGURES -->"
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def commit():
    try:
        return subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def machine():
    cpu = "unknown"
    mem_kib = 0
    os_name = platform.system()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), cpu)
        with open("/proc/meminfo") as f:
            mem_kib = next(int(l.split()[1]) for l in f if l.startswith("MemTotal:"))
        with open("/etc/os-release") as f:
            os_name = next((l.split("=", 1)[1].strip().strip('"') for l in f
                            if l.startswith("PRETTY_NAME=")), os_name)
    except OSError:
        pass
    return {"nproc": os.cpu_count(), "cpu": cpu, "memory_gib": round(mem_kib / 1048576, 1),
            "kernel": platform.release(), "os": os_name}


def p90(values):
    """Nearest-rank 90th percentile; None when too few samples for it to mean anything."""
    if len(values) < 10:
        return None
    ordered = sorted(values)
    return ordered[max(0, -(-9 * len(ordered) // 10) - 1)]


def figure(name, unit, values, params, display, digits=3):
    if not values:
        raise SystemExit(f"report.py: no samples for {name}")
    r = lambda v: None if v is None else round(v, digits)
    return {"name": name, "unit": unit, "n": len(values), "median": r(statistics.median(values)),
            "min": r(min(values)), "max": r(max(values)), "p90": r(p90(values)),
            "samples": [r(v) for v in values], "commit": commit(), "machine": machine(),
            "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "params": params, "display": display}


def write(results, fig):
    os.makedirs(results, exist_ok=True)
    with open(os.path.join(results, fig["name"] + ".json"), "w") as f:
        json.dump(fig, f, indent=1)
        f.write("\n")


def kv(text):
    out = {}
    for item in text.replace(",", " ").split():
        key, _, value = item.partition("=")
        try:
            out[key] = float(value) if "." in value else int(value)
        except ValueError:
            out[key] = value
    return out


# ---- bench/run.sh's footprint cases ---------------------------------------------------------

FOOTPRINT_COLUMNS = [  # (sample key, name part, column title, unit, scale)
    ("agent_rss_kib", "agent-rss", "agent RSS", "MiB", 1 / 1024),
    ("agent_pss_kib", "agent-pss", "agent PSS", "MiB", 1 / 1024),
    ("agent_private_kib", "agent-private", "agent private", "MiB", 1 / 1024),
    ("agent_cpu_pct", "agent-cpu", "agent CPU", "% of one core", 1),
    ("supervisord_cpu_pct", "supervisord-cpu", "supervisord CPU", "% of one core", 1),
]


MODES = {  # run.sh's relay setting: (name part, row label, crash row label)
    "off": ("polling", "polling 1 s", "polling 1 s, no relay"),
    "on": ("relay", "relay + poll 1 s", "relay + poll 1 s"),
    "slow": ("relay-poll10", "relay + poll 10 s", "relay + poll 10 s"),
    "rules": ("relay-rules", "relay + poll 1 s, rules file", "relay + poll 1 s, rules file"),
}


def record_footprint(args):
    common = kv(args.params)
    cases = {}
    with open(args.samples) as f:
        for line in f:
            parts = line.split()
            if len(parts) < 3:
                continue
            n, relay, load = int(parts[0]), parts[1], parts[2]
            cases.setdefault((n, relay, load), []).append(parts[3:])
    # A run replaces the figures of the cases it measured (programs x relay mode), none may be
    # left from an older run of those; the cases it did not measure (SIZES, RELAYS) are kept.
    measured = {(n, MODES[relay][0]) for (n, relay, _load) in cases}
    for old in glob.glob(os.path.join(args.results, "footprint-*.json")):
        m = re.search(r"-n(\d+)-(polling|relay-poll10|relay-rules|relay)(-idle|-churn)?\.json$", old)
        if m and (int(m.group(1)), m.group(2)) in measured:
            os.remove(old)
    for (n, relay, load), lines in sorted(cases.items()):
        mode, label, crash_label = MODES[relay]
        rank = n * 100 + list(MODES).index(relay) * 10 + (load == "churn")
        base = {**common, "programs": n, "relay": relay != "off",
                "poll_period_s": 10 if relay == "slow" else 1, "load": load}
        if load == "crash":
            values = [float(v) for items in lines for v in items]
            params = {**base, "what": "kill -9 of a RUNNING program to the agent's "
                      "get_local_process_info showing it not RUNNING (keep-alive polling loop)"}
            for k in ("reps", "window_s", "churn_programs", "churn_rate_per_s"):
                params.pop(k, None)
            write(args.results, figure(
                f"footprint-crash-to-view-n{n}-{mode}", "ms", values, params,
                {"section": "Crash to the agent's view", "order": 20, "rank": rank,
                 "row": f"{n} programs, {crash_label}"}))
            continue
        samples = [kv(" ".join(items)) for items in lines]
        extra = {"churn_ops": [s.get("churn_ops") for s in samples],
                 "churn_faults": [s.get("churn_faults") for s in samples],
                 "agent_threads": [s.get("agent_threads") for s in samples],
                 "supervisord_rss_kib": [s.get("supervisord_rss_kib") for s in samples]}
        if load == "idle":
            for k in ("churn_ops", "churn_faults", "churn_programs", "churn_rate_per_s"):
                extra.pop(k, None)
                base.pop(k, None)
        params = {**base, **extra, "crashes": None}
        params.pop("crashes")
        for column, (key, part, title, unit, scale) in enumerate(FOOTPRINT_COLUMNS):
            values = [s[key] * scale for s in samples]
            write(args.results, figure(
                f"footprint-{part}-n{n}-{mode}-{load}", unit, values, params,
                {"section": "Agent footprint beside supervisord", "order": 10, "rank": rank,
                 "column_rank": column,
                 "row": f"{n} programs, {label}, {load}",
                 "column": f"{title} ({unit})"}))
    for path in sorted(glob.glob(os.path.join(args.smaps_dir or "/nonexistent", "smaps-*.json"))):
        with open(path) as f:
            smaps = json.load(f)
        tag = os.path.basename(path)[len("smaps-"):-len(".json")]
        n = tag.split("-")[0].lstrip("n")
        write(args.results, {
            "name": f"footprint-agent-smaps-{tag}", "unit": "KiB", "rows": smaps["rows"],
            "total": smaps["total"], "threads": smaps["threads"], "commit": commit(),
            "machine": machine(),
            "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "params": {**common, "programs": int(n), "relay": tag.endswith("-on"),
                       "when": "after the idle and churn windows, before the crashes"},
            "display": {"section": f"Where the agent's memory goes ({n} programs, relay + poll "
                                   "1 s, /proc/PID/smaps)", "order": 30 + int(n) // 100}})


# ---- docs/BENCHMARKS.md ---------------------------------------------------------------------

def fmt(v):
    if v is None:
        return "–"
    if abs(v) >= 100:
        return f"{v:.0f}"
    if abs(v) >= 10:
        return f"{v:.1f}"
    return f"{v:.2f}" if abs(v) >= 0.1 else f"{v:.3f}"


def by_rank(item):
    display, fig = item
    return (display.get("rank", 0), fig["name"])


def render(figs):
    sections = {}
    for fig in figs:
        d = fig.get("display") or {"section": "Other figures", "order": 99, "row": fig["name"]}
        sections.setdefault((d.get("order", 99), d["section"]), []).append((d, fig))
    out = []
    for (_, title), items in sorted(sections.items()):
        out += [f"### {title}", ""]
        commits = sorted({f["commit"] for _, f in items})
        dates = sorted({f["date"][:10] for _, f in items})
        if any("rows" in f for _, f in items):
            for _, f in items:
                out += ["| mapping | mappings | virtual KiB | RSS KiB | PSS KiB | private KiB |",
                        "|---|---:|---:|---:|---:|---:|"]
                small = [r for r in f["rows"] if r["rss_kib"] < 100]
                rest = {k: sum(r[k] for r in small) for k in f["total"]}
                rest["mapping"] = f"{len(small)} other kinds (each < 100 KiB RSS)"
                for r in [r for r in f["rows"] if r["rss_kib"] >= 100] + [rest] + [
                        dict(f["total"], mapping="**total**")]:
                    out.append(f"| {r['mapping']} | {r['mappings']} | {r['size_kib']} | "
                               f"{r['rss_kib']} | {r['pss_kib']} | {r['private_kib']} |")
                out += ["", f"{f['threads']} threads; {f['params']['when']}."]
        elif all("column" in d for d, _ in items):
            rows = list(dict.fromkeys(d["row"] for d, _ in sorted(items, key=by_rank)))
            columns = list(dict.fromkeys(d["column"] for d, _ in sorted(
                items, key=lambda x: (x[0].get("column_rank", 0), x[0]["column"]))))
            cell = {(d["row"], d["column"]): f for d, f in items}
            out += ["| | " + " | ".join(columns) + " |", "|---" + "|---:" * len(columns) + "|"]
            for row in rows:
                cells = []
                for c in columns:
                    f = cell.get((row, c))
                    cells.append("" if f is None else
                                 f"**{fmt(f['median'])}** [{fmt(f['min'])}–{fmt(f['max'])}]")
                out.append(f"| {row} | " + " | ".join(cells) + " |")
            ns = sorted({f["n"] for _, f in items})
            notes = list(dict.fromkeys(d["note"] for d, _ in items if "note" in d))
            out += ["", " ".join(notes) if notes else
                    f"Each cell: median **over {'/'.join(map(str, ns))} windows** [min–max]."]
        else:
            out += ["| | n | median | p90 | min | max | unit |", "|---|---:|---:|---:|---:|---:|---|"]
            for d, f in sorted(items, key=by_rank):
                out.append(f"| {d['row']} | {f['n']} | **{fmt(f['median'])}** | {fmt(f['p90'])} | "
                           f"{fmt(f['min'])} | {fmt(f['max'])} | {f['unit']} |")
            out.append("")
        m = items[0][1]["machine"]
        out += [f"Commit {', '.join(commits)}, {', '.join(dates)}; {m['nproc']} × {m['cpu']}, "
                f"{m['memory_gib']} GiB, {m['os']}, Linux {m['kernel']}. Files: "
                + ", ".join(f"`{f['name']}.json`" for _, f in items[:1])
                + (f" and {len(items) - 1} more" if len(items) > 1 else "") + ".", ""]
    return "\n".join(out)


def docs(args):
    figs = []
    for path in sorted(glob.glob(os.path.join(args.results, "*.json"))):
        with open(path) as f:
            figs.append(json.load(f))
    with open(args.doc) as f:
        text = f.read()
    if BEGIN not in text or END not in text:
        raise SystemExit(f"report.py: {args.doc} lacks the markers {BEGIN} ... {END}")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    with open(args.doc, "w") as f:
        f.write(head + BEGIN + "\n\n" + render(figs) + "\n" + END + tail)
    print(f"report.py: {len(figs)} figure files -> {args.doc}")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("record")
    r.add_argument("--name", required=True)
    r.add_argument("--unit", required=True)
    r.add_argument("--params", default="")
    r.add_argument("--display", default=None)
    r.add_argument("--results", default=os.path.join(HERE, "results"))
    r.add_argument("values", nargs="+", type=float)
    f = sub.add_parser("record-footprint")
    f.add_argument("--samples", required=True)
    f.add_argument("--results", required=True)
    f.add_argument("--smaps-dir")
    f.add_argument("--params", default="")
    d = sub.add_parser("docs")
    d.add_argument("--results", default=os.path.join(HERE, "results"))
    d.add_argument("--doc", default=os.path.join(ROOT, "docs", "BENCHMARKS.md"))
    args = p.parse_args()
    if args.cmd == "record":
        display = json.loads(args.display) if args.display else None
        write(args.results, figure(args.name, args.unit, args.values, kv(args.params), display))
    elif args.cmd == "record-footprint":
        record_footprint(args)
    else:
        docs(args)


if __name__ == "__main__":
    sys.exit(main())
