#!/usr/bin/python3
"""Where a process's memory goes: /proc/PID/smaps summed by kind of mapping, as JSON.

    /usr/bin/python3 bench/smaps.py PID > breakdown.json

Kinds: each mapped file by its base name (the executable, every shared library), [heap] (the
main malloc arena), [stack] (the main thread), "thread stacks" (an anonymous mapping holding a
thread's stack pointer, read from /proc/PID/task/*/syscall; else one right above a 4 KiB
no-access guard), "malloc arenas" (glibc's per-thread arenas: an anonymous rw mapping at a
64 MiB boundary, right below its no-access reserve), "guard/reserve (no access)" and "other
anonymous" (large malloc chunks (mmap'd), ZeroMQ's buffers, ...).
Sizes in KiB: size (virtual), rss, pss (shared pages divided among their users), private.
Standard library only; read-only.
"""
import json
import os
import sys


def read_mappings(pid):
    maps, current = [], None
    with open(f"/proc/{pid}/smaps") as f:
        for line in f:
            parts = line.split()
            if "-" in parts[0] and len(parts) >= 5 and ":" in parts[3]:
                lo, hi = (int(x, 16) for x in parts[0].split("-"))
                current = {"lo": lo, "hi": hi, "perms": parts[1],
                           "path": " ".join(parts[5:]) if len(parts) > 5 else "", "kb": {}}
                maps.append(current)
            elif current is not None and len(parts) >= 3 and parts[-1] == "kB":
                current["kb"][parts[0].rstrip(":")] = int(parts[1])
    return maps


def stack_pointers(pid):
    sps = []
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/syscall") as f:
                fields = f.read().split()
            if len(fields) >= 3:
                sps.append(int(fields[-2], 16))
        except (OSError, ValueError):
            pass  # not readable (ptrace rules) or the thread is gone
    return sps


ARENA = 64 << 20  # glibc's HEAP_MAX_SIZE on 64-bit


def kind_of(maps, i, sps):
    m = maps[i]
    path = m["path"]
    if path.startswith("["):
        return path
    if path:
        return os.path.basename(path.replace(" (deleted)", ""))
    if not m["perms"].startswith("rw"):
        return "guard/reserve (no access)"
    if any(m["lo"] <= sp < m["hi"] for sp in sps):
        return "thread stacks"
    below = maps[i - 1] if i > 0 else None
    above = maps[i + 1] if i + 1 < len(maps) else None
    if (m["lo"] % ARENA == 0 and above and not above["path"] and above["perms"].startswith("---")
            and above["lo"] == m["hi"]):
        return "malloc arenas"
    if (not sps and below and not below["path"] and below["perms"].startswith("---")
            and below["hi"] == m["lo"] and below["hi"] - below["lo"] == 4096):
        return "thread stacks"
    return "other anonymous"


def main():
    pid = int(sys.argv[1])
    maps = read_mappings(pid)
    sps = stack_pointers(pid)
    rows = {}
    for i, m in enumerate(maps):
        kb = m["kb"]
        r = rows.setdefault(kind_of(maps, i, sps), {"mappings": 0, "size_kib": 0, "rss_kib": 0,
                                               "pss_kib": 0, "private_kib": 0})
        r["mappings"] += 1
        r["size_kib"] += kb.get("Size", 0)
        r["rss_kib"] += kb.get("Rss", 0)
        r["pss_kib"] += kb.get("Pss", 0)
        r["private_kib"] += kb.get("Private_Clean", 0) + kb.get("Private_Dirty", 0)
    total = {k: sum(r[k] for r in rows.values()) for k in next(iter(rows.values()))}
    with open(f"/proc/{pid}/status") as f:
        threads = next(int(l.split()[1]) for l in f if l.startswith("Threads:"))
    out = {"pid": pid, "threads": threads, "total": total,
           "rows": sorted(({"mapping": k, **v} for k, v in rows.items()),
                          key=lambda r: (-r["rss_kib"], r["mapping"]))}
    json.dump(out, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
