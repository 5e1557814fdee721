#!/usr/bin/env python3
"""The fault tests of the multi-host bed (bed.py, docs/FAULTS.md). One fault per run:

  faults.py BUILD_DIR FAULT      run one fault test (see FAULTS below)
  faults.py BUILD_DIR scale [N]  scale mode: N hosts (default 12) form, one crashes, failover
  faults.py RESULTS_DIR summary  print "fault tests: N ran ..." from the results folder

Exit codes: 0 passed, 1 failed, 77 skipped (not root, no namespaces; outside CI only: under
CI=true a missing capability fails). Each run writes RESULT to $SVF_RESULTS/<fault> when set.

Durations (seconds), shortened or lengthened by the environment:
  SVF_STOP_SECONDS (30) SIGSTOP of a supervisord; SVF_RESTART_DELAY (10) clean restart delay;
  SVF_LOSS_SECONDS (120) packet loss run (bench/: 600).
"""

import os
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bed import Bed, Failed, Skip, await_condition, check, log  # noqa: E402

FORM_TIMEOUT = 90
REPAIR_TIMEOUT = 60


def env_seconds(name, default):
    try:
        return float(os.environ.get(name, default))
    except ValueError:
        return float(default)


def program(name, command="sleep 100000", extra=""):
    return (f"[program:{name}]\ncommand={command}\nautostart=false\nautorestart=false\n"
            f"startsecs=1\nstopwaitsecs=3\n{extra}")


# The standard workload, on every host's supervisord: svc:a (RESTART_PROCESS, on h2 else h3),
# svc:b (RESTART_PROCESS, on h3 else h1), keep:k (CONTINUE, on h2 only). Started by
# DISTRIBUTION (start_sequence 1), CONFIG strategy.
PROGRAMS = ("[group:svc]\nprograms=a,b\n" + program("a") + program("b") +
            "[group:keep]\nprograms=k\n" + program("k"))
MANAGED = ["svc:a", "svc:b", "keep:k"]


def rules(a_on="h2,h3", b_on="h3,h1", k_on="h2"):
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<root>
  <application name="svc">
    <start_sequence>1</start_sequence>
    <running_failure_strategy>RESTART_PROCESS</running_failure_strategy>
    <programs>
      <program name="a"><identifiers>{a_on}</identifiers><start_sequence>1</start_sequence></program>
      <program name="b"><identifiers>{b_on}</identifiers><start_sequence>1</start_sequence></program>
    </programs>
  </application>
  <application name="keep">
    <start_sequence>1</start_sequence>
    <running_failure_strategy>CONTINUE</running_failure_strategy>
    <programs>
      <program name="k"><identifiers>{k_on}</identifiers><start_sequence>1</start_sequence></program>
    </programs>
  </application>
</root>
"""


def with_env_extras(supvisors_extra, kw):
    """Experiments: SVF_SUPVISORS_EXTRA / SVF_AGENT_EXTRA add lines ("\n" separated) to every
    host's [supvisors] / [agent] section, e.g. "tick_period = 0.1" with "inactivity_ticks = 8".
    Returns the [supvisors] lines; sets kw["agent_extra"]."""
    more_supvisors = os.environ.get("SVF_SUPVISORS_EXTRA", "").replace("\\n", "\n")
    more_agent = os.environ.get("SVF_AGENT_EXTRA", "").replace("\\n", "\n")
    if more_agent:
        own = kw.get("agent_extra")
        kw["agent_extra"] = lambda i: (own(i) if own else "") + more_agent + "\n"
    return supvisors_extra + (more_supvisors + "\n" if more_supvisors else "")


def standard_bed(build, hosts=3, supvisors_extra="", **kw):
    extra = with_env_extras("synchro_options = STRICT\n" + supvisors_extra, kw)
    return Bed(build, hosts=hosts, programs=PROGRAMS, rules=rules(), supvisors_extra=extra, **kw)


def formed(bed, hosts=None, placement=None):
    """The live hosts in OPERATION under h1, and the workload placed as expected."""
    placement = placement or {"svc:a": ["h2"], "svc:b": ["h3"], "keep:k": ["h2"]}
    t0 = time.monotonic()
    ok = await_condition(lambda: bed.in_operation(hosts) and
                         bed.placement(placement, hosts) == placement and
                         all(len(v) == 1 for v in bed.pids(placement, hosts).values()),
                         FORM_TIMEOUT, 0.5)
    check(ok, f"the cluster did not form with {placement}: {bed.placement(placement)}\n"
              + bed.diagnosis())
    log(f"formed and placed in {time.monotonic() - t0:.1f} s (after the bed was up)")


def no_start_decision(bed, observer, namespec, since=0):
    """observer's decision log holds no start of namespec after tick `since`."""
    return [d for d in bed.decisions(observer)
            if d.get("action") == "start" and d.get("namespec") == namespec and
            d.get("tick", 0) > since]


def last_tick(bed, observer):
    ds = bed.decisions(observer)
    return max([d.get("tick", 0) for d in ds], default=0)


# ------------------------------------------------------------------------------------------
# 1. host crash: agent + supervisord + processes die at once, traffic dropped
def fault_host_crash(build):
    bed = standard_bed(build)
    formed(bed)
    h1, h2, h3 = bed.hosts
    before = bed.pids(MANAGED)
    t0 = time.monotonic()
    killed = h2.crash()
    log(f"h2 crashed ({len(killed)} processes in its PID namespace, none survived)")
    survivors = [h1, h3]
    detected = await_condition(lambda: bed.sees(h1, {"h2": "STOPPED"}) and
                               bed.sees(h3, {"h2": "STOPPED"}), 30, 0.1)
    check(detected, "the peers did not declare h2 lost\n" + bed.diagnosis())
    log(f"h2 declared lost after {time.monotonic() - t0:.1f} s")
    moved = await_condition(lambda: bed.running_on("svc:a", survivors) == ["h3"] and
                            [n for n, _ in bed.pids(["svc:a"], survivors)["svc:a"]] == ["h3"],
                            REPAIR_TIMEOUT, 0.25)
    check(moved, f"svc:a (RESTART_PROCESS) not restarted on h3: "
                 f"{bed.placement(MANAGED, survivors)}\n" + bed.diagnosis())
    log(f"svc:a running again on h3 {time.monotonic() - t0:.1f} s after the crash")
    # CONTINUE: keep:k is not started anywhere; svc:b was not touched; nothing runs twice.
    stable = await_condition(lambda: bed.in_operation(survivors), 30, 0.25)
    check(stable, "the survivors are not in OPERATION under h1\n" + bed.diagnosis())
    time.sleep(2)  # a late duplicate start would show within the next job: observe a little
    placement = bed.placement(MANAGED, survivors)
    check(placement == {"svc:a": ["h3"], "svc:b": ["h3"], "keep:k": []},
          f"after the crash: {placement}")
    check(bed.pids(["svc:b"], survivors) == {"svc:b": before["svc:b"]},
          "svc:b was restarted though its host lived")
    k = h1.call("get_process_info", "keep:k") or [{}]
    log(f"keep:k as the Master shows it: {k[0].get('statename')} ({k[0].get('identifiers')})")
    return bed


# 9. clean stop (SIGTERM) and start 10 s later, as an upgrade does
def fault_clean_restart(build):
    bed = standard_bed(build)
    formed(bed)
    h1, h2, h3 = bed.hosts
    before = bed.pids(MANAGED)
    since = last_tick(bed, h1)
    delay = env_seconds("SVF_RESTART_DELAY", 10)
    pid = h2.signal_agent(signal.SIGTERM)
    check(await_condition(lambda: h2.agent_pid() is None, 20, 0.1),
          f"the agent of h2 ({pid}) did not stop on SIGTERM")
    deadline = time.monotonic() + delay
    samples = 0
    while time.monotonic() < deadline and samples < 1000:
        samples += 1
        check(bed.placement(MANAGED) == {k: [n for n, _ in v] for k, v in before.items()},
              f"a process moved while h2's agent was stopped: {bed.placement(MANAGED)}")
        check(h1.instance_state(h2) == "RUNNING",
              f"h1 holds h2 {h1.instance_state(h2)} during its goodbye grace")
        time.sleep(0.5)
    h2.start_agent()
    t0 = time.monotonic()
    back = await_condition(lambda: bed.in_operation() and
                           bed.sees(h1, {"h2": "RUNNING"}) and bed.sees(h2, {"h1": "RUNNING",
                                                                              "h3": "RUNNING"}),
                           FORM_TIMEOUT, 0.25)
    check(back, "h2's new agent did not rejoin\n" + bed.diagnosis())
    log(f"h2's new agent rejoined in {time.monotonic() - t0:.1f} s")
    time.sleep(2)
    check(bed.pids(MANAGED) == before, f"a process moved or restarted: {before} -> "
                                       f"{bed.pids(MANAGED)}")
    starts = [d for d in bed.decisions(h1) if d.get("tick", 0) > since]
    check(not starts, f"the Master decided during the restart: {starts}")
    return bed


# 2a. kill -9 of the agent alone, restarted at once: it adopts the running processes
def fault_agent_kill(build):
    bed = standard_bed(build)
    formed(bed)
    h1, h2, h3 = bed.hosts
    before = bed.pids(MANAGED)
    since = last_tick(bed, h1)
    h2.signal_agent(signal.SIGKILL)
    check(await_condition(lambda: h2.agent_pid() is None, 10, 0.02), "the agent survived -9")
    h2.start_agent()  # at once, as systemd's Restart=always
    t0 = time.monotonic()
    back = await_condition(lambda: bed.in_operation() and bed.sees(h1, {"h2": "RUNNING"}) and
                           bed.sees(h2, {"h1": "RUNNING", "h3": "RUNNING"}), FORM_TIMEOUT, 0.25)
    check(back, "h2's new agent did not rejoin\n" + bed.diagnosis())
    log(f"h2's new agent back in the cluster in {time.monotonic() - t0:.1f} s")
    time.sleep(3)
    after = bed.pids(MANAGED)
    check(after == before, f"processes moved or restarted: {before} -> {after}\n"
                           + bed.diagnosis())
    starts = [d for d in bed.decisions(h1) if d.get("tick", 0) > since]
    check(not starts, f"the Master decided something: {starts}")
    return bed


# 2b. kill -9 of the agent alone, restarted after the peers declared it lost
def fault_agent_kill_late(build):
    bed = standard_bed(build, supvisors_extra="conciliation_strategy = SENICIDE\n")
    formed(bed)
    h1, h2, h3 = bed.hosts
    before = bed.pids(MANAGED)
    h2.signal_agent(signal.SIGKILL)
    lost = await_condition(lambda: bed.sees(h1, {"h2": "STOPPED"}), 30, 0.1)
    check(lost, "h1 did not declare h2 lost\n" + bed.diagnosis())
    failover = await_condition(lambda: bed.running_on("svc:a") == ["h2", "h3"], REPAIR_TIMEOUT)
    check(failover, f"svc:a not failed over to h3 (h2's copy still runs under its "
                    f"supervisord): {bed.placement(MANAGED)}\n" + bed.diagnosis())
    log("h2 lost, svc:a failed over to h3; h2's supervisord still runs its copy")
    h2.start_agent()
    t0 = time.monotonic()
    # SENICIDE keeps the youngest: h3's copy. keep:k (CONTINUE) was never restarted elsewhere.
    conciliated = await_condition(lambda: bed.in_operation() and
                                  bed.placement(MANAGED) == {"svc:a": ["h3"], "svc:b": ["h3"],
                                                             "keep:k": ["h2"]},
                                  REPAIR_TIMEOUT, 0.25)
    check(conciliated, f"not conciliated: {bed.placement(MANAGED)}\n" + bed.diagnosis())
    log(f"conciliated (SENICIDE) {time.monotonic() - t0:.1f} s after the agent came back")
    after = bed.pids(["svc:b", "keep:k"])
    check(after == {"svc:b": before["svc:b"], "keep:k": before["keep:k"]},
          f"svc:b or keep:k restarted: {before} -> {after}")
    conflicts = h1.call("get_conflicts")
    check(conflicts == [], f"conflicts left: {conflicts}")
    return bed


# 3. supervisord SIGSTOPped for 30 s, then SIGCONT: no false failover
def fault_sigstop(build):
    bed = standard_bed(build)
    formed(bed)
    h1, h2, h3 = bed.hosts
    before = bed.pids(MANAGED)
    since = last_tick(bed, h1)
    pid = h2.supervisord_pid()
    check(pid, "no supervisord on h2")
    seconds = env_seconds("SVF_STOP_SECONDS", 30)
    os.kill(pid, signal.SIGSTOP)
    try:
        deadline = time.monotonic() + seconds
        samples = 0
        while time.monotonic() < deadline and samples < 2000:
            samples += 1
            check(bed.running_on("svc:a", [h1, h3]) == [],
                  f"svc:a started elsewhere while h2's supervisord was stopped")
            check(h1.instance_state(h2) == "RUNNING",
                  f"h1 holds h2 {h1.instance_state(h2)} while its agent ticks")
            time.sleep(0.5)
    finally:
        os.kill(pid, signal.SIGCONT)
    log(f"h2's supervisord stopped {seconds:.0f} s: h2 stayed RUNNING, nothing moved")
    ok = await_condition(lambda: bed.in_operation() and bed.pids(MANAGED) == before, 60, 0.5)
    check(ok, f"after SIGCONT: {before} -> {bed.pids(MANAGED)}\n" + bed.diagnosis())
    starts = [d for d in bed.decisions(h1) if d.get("tick", 0) > since]
    check(not starts, f"the Master decided something: {starts}")
    return bed


# 4a. partition of h2, healed; no auto_fence, SENICIDE: each process runs once after healing
def fault_partition(build):
    bed = standard_bed(build, supvisors_extra="conciliation_strategy = SENICIDE\n")
    formed(bed)
    h1, h2, h3 = bed.hosts
    bed.nft(h2, "partition")
    t0 = time.monotonic()
    split = await_condition(lambda: bed.sees(h1, {"h2": "STOPPED"}) and
                            bed.sees(h2, {"h1": "STOPPED", "h3": "STOPPED"}), 30, 0.1)
    check(split, "the partition was not seen on both sides\n" + bed.diagnosis())
    log(f"partition seen on both sides after {time.monotonic() - t0:.1f} s")
    failover = await_condition(lambda: "h3" in bed.running_on("svc:a"), REPAIR_TIMEOUT)
    check(failover, f"the majority did not restart svc:a: {bed.placement(MANAGED)}")
    log(f"during the partition: {bed.placement(MANAGED)}")
    bed.nft(h2, None)
    t0 = time.monotonic()
    healed = await_condition(lambda: bed.in_operation() and
                             all(bed.sees(h, {"h1": "RUNNING", "h2": "RUNNING",
                                              "h3": "RUNNING"}) for h in bed.hosts) and
                             all(len(v) == 1 for v in bed.placement(MANAGED).values()),
                             REPAIR_TIMEOUT, 0.25)
    check(healed, f"not healed: {bed.placement(MANAGED)}\n" + bed.diagnosis())
    log(f"healed in {time.monotonic() - t0:.1f} s: {bed.placement(MANAGED)}")
    time.sleep(3)
    placement = bed.placement(MANAGED)
    check(all(len(v) == 1 for v in placement.values()), f"not once each: {placement}")
    return bed


# 4b. partition with auto_fence: the fenced side stays fenced after healing
def fault_partition_fence(build):
    bed = standard_bed(build, supvisors_extra="auto_fence = true\n"
                                              "conciliation_strategy = SENICIDE\n")
    formed(bed)
    h1, h2, h3 = bed.hosts
    bed.nft(h2, "partition")
    fenced = await_condition(lambda: bed.sees(h1, {"h2": "ISOLATED"}) and
                             bed.sees(h3, {"h2": "ISOLATED"}) and
                             bed.sees(h2, {"h1": "ISOLATED", "h3": "ISOLATED"}), 30, 0.1)
    check(fenced, "the partition did not fence both sides\n" + bed.diagnosis())
    failover = await_condition(lambda: bed.running_on("svc:a", [h1, h3]) == ["h3"],
                               REPAIR_TIMEOUT)
    check(failover, f"the majority did not restart svc:a: {bed.placement(MANAGED)}")
    bed.nft(h2, None)
    # ISOLATED is final: healing the link changes nothing, for a while observed.
    deadline = time.monotonic() + 8
    for _ in range(100):
        if time.monotonic() >= deadline:
            break
        check(bed.sees(h1, {"h2": "ISOLATED"}) and bed.sees(h2, {"h1": "ISOLATED"}),
              "a fenced instance came back\n" + bed.diagnosis())
        time.sleep(0.5)
    check(bed.in_operation([h1, h3]), "the majority is not in OPERATION under h1")
    # What the fenced side does with its processes (docs/FAULTS.md): it keeps them running.
    placement = bed.placement(MANAGED)
    log(f"after healing, fenced h2 stays ISOLATED; processes: {placement}; "
        f"h2 says {h2.state().get('fsm_statename')} master {h2.state().get('master_identifier')}")
    check(placement["svc:a"] == ["h2", "h3"], f"svc:a: {placement}")
    check(placement["keep:k"] == ["h2"], f"keep:k: {placement}")
    return bed


# 6. a host missing at start-up joins later: STRICT waits for it, TIMEOUT does not
def fault_late_host(build, option):
    extra = "synchro_timeout = 15\n" if option == "TIMEOUT" else ""
    bed = Bed(build, hosts=3, programs=PROGRAMS, rules=rules(a_on="h1,h3", k_on="h3"),
              supvisors_extra=f"synchro_options = {option}\n{extra}", started=[0, 1])
    h1, h2, h3 = bed.hosts
    t0 = time.monotonic()
    if option == "STRICT":
        # Stays in SYNCHRONIZATION as long as h3 is missing (observed 20 s).
        for _ in range(80):
            if time.monotonic() - t0 >= 20:
                break
            for h in (h1, h2):
                s = h.state().get("fsm_statename")
                check(s in (None, "OFF", "SYNCHRONIZATION"), f"{h.nick} left SYNCHRONIZATION "
                      f"without h3: {s}")
            time.sleep(0.25)
    else:
        ok = await_condition(lambda: bed.in_operation([h1, h2]), 60, 0.25)
        took = time.monotonic() - t0
        check(ok, "TIMEOUT did not end the synchronisation\n" + bed.diagnosis())
        check(took >= 12, f"OPERATION after {took:.1f} s, before synchro_timeout")
        log(f"h1, h2 in OPERATION {took:.1f} s after start without h3 (synchro_timeout 15)")
        check(bed.running_on("svc:b", [h1, h2]) == ["h1"], "svc:b not started on h1")
        # keep:k could not be placed: the Master shows it FATAL meanwhile (Supvisors does).
        k = (h1.call("get_process_info", "keep:k") or [{}])[0]
        check(k.get("statename") == "FATAL", f"keep:k without h3: {k}")
    h3.start()
    t1 = time.monotonic()
    # Under TIMEOUT, keep:k (start_sequence 1, allowed on h3 only) could not be placed at
    # DISTRIBUTION ("No resource available"): it stays FATAL, its application in failure, and the
    # Master starts it on h3 once h3 can take it (docs/CONTROL.md; test/scenarios/unplaced.txt).
    placement = {"svc:a": ["h1"], "svc:b": ["h3"] if option == "STRICT" else ["h1"],
                 "keep:k": ["h3"]}
    joined = await_condition(lambda: bed.in_operation() and
                             all(bed.sees(h, {"h1": "RUNNING", "h2": "RUNNING",
                                              "h3": "RUNNING"}) for h in bed.hosts) and
                             bed.placement(MANAGED) == placement, FORM_TIMEOUT, 0.25)
    check(joined, f"h3 did not join: {bed.placement(MANAGED)}\n" + bed.diagnosis())
    log(f"h3 joined, everything placed, in {time.monotonic() - t1:.1f} s: "
        f"{bed.placement(MANAGED)}")
    return bed


# 7. a process crashing in a loop: strategies applied, the agent stays responsive
def fault_crash_loop(build):
    programs = ("[group:loopc]\nprograms=crashy\n" +
                "[program:crashy]\ncommand=sh -c 'sleep 0.5; exit 3'\nautostart=false\n"
                "autorestart=true\nstartsecs=0\nstartretries=1000\n" +
                "[group:loops]\nprograms=fragile,buddy\n" +
                program("fragile", "sh -c 'sleep 3; exit 3'") + program("buddy") +
                "[group:svc]\nprograms=a\n" + program("a"))
    rules_xml = """<?xml version="1.0" encoding="UTF-8"?>
<root>
  <application name="loopc">
    <start_sequence>1</start_sequence>
    <running_failure_strategy>CONTINUE</running_failure_strategy>
    <programs><program name="crashy"><identifiers>h2</identifiers>
      <start_sequence>1</start_sequence></program></programs>
  </application>
  <application name="loops">
    <start_sequence>1</start_sequence>
    <running_failure_strategy>STOP_APPLICATION</running_failure_strategy>
    <programs>
      <program name="fragile"><identifiers>h3</identifiers><start_sequence>1</start_sequence></program>
      <program name="buddy"><identifiers>h3</identifiers><start_sequence>1</start_sequence></program>
    </programs>
  </application>
  <application name="svc">
    <start_sequence>1</start_sequence>
    <running_failure_strategy>RESTART_PROCESS</running_failure_strategy>
    <programs><program name="a"><identifiers>h2</identifiers>
      <start_sequence>1</start_sequence></program></programs>
  </application>
</root>
"""
    bed = Bed(build, hosts=3, programs=programs, rules=rules_xml,
              supvisors_extra="synchro_options = STRICT\n")
    h1, h2, h3 = bed.hosts
    formed_ok = await_condition(lambda: bed.in_operation() and
                                bed.running_on("svc:a") == ["h2"], FORM_TIMEOUT, 0.5)
    check(formed_ok, "the cluster did not form\n" + bed.diagnosis())
    a_before = bed.pids(["svc:a"])
    # STOP_APPLICATION: fragile crashes after 3 s, the Master stops loops (buddy with it).
    stopped = await_condition(lambda: bed.running_on("loops:buddy") == [] and
                              bed.running_on("loops:fragile") == [] and
                              any(d.get("namespec", "").startswith("loops:") and
                                  "STOP_APPLICATION" in d.get("reason", "")
                                  for d in bed.decisions(h1)), REPAIR_TIMEOUT, 0.5)
    check(stopped, f"loops not stopped after fragile crashed: {bed.decisions(h1)}\n"
                   + bed.diagnosis())
    # CONTINUE: crashy crash-loops under supervisord's autorestart on h2 only; meanwhile every
    # agent answers promptly and the cluster stays in OPERATION.
    t0 = time.monotonic()
    worst = 0.0
    calls = 0
    restarts = set()
    while time.monotonic() - t0 < 20 and calls < 400:
        for h in bed.hosts:
            c0 = time.monotonic()
            s = h.call("get_all_process_info", timeout=5)
            worst = max(worst, time.monotonic() - c0)
            calls += 1
            check(s is not None, f"{h.nick} did not answer during the crash loop")
        info = h2.processes().get("loopc:crashy")
        if info:
            restarts.add(info.get("pid"))
        check(bed.running_on("loopc:crashy", [h1, h3]) == [], "crashy started elsewhere")
        check(bed.in_operation(), "the cluster left OPERATION during the crash loop")
        time.sleep(0.3)
    log(f"crash loop: {len(restarts)} pids of crashy seen, {calls} API calls, "
        f"slowest {worst * 1000:.0f} ms")
    check(len(restarts) >= 5, f"crashy did not loop: {restarts}")
    check(worst < 3.0, f"an API call took {worst:.1f} s")
    check(bed.pids(["svc:a"]) == a_before, "svc:a was disturbed")
    return bed


# 5. 20 % packet loss on h2, both ways: no false positive, requests complete
#
# KNOWN BUG (reported, docs/FAULTS.md): with the default liveness window (5 ticks of 0.2 s),
# 20 % loss on one host makes its peers declare it lost now and then (a TCP retransmission
# backing off past 1 s), so its RESTART_PROCESS programs are failed over and conciliated back.
# The default run counts those false positives and checks what must hold anyway: requests
# complete, and afterwards every process runs once. SVF_KNOWN_BUGS=1 also requires zero false
# positives (and fails until the detection tolerates such loss).
# A client's attempts at each request. With 20 % loss both ways, a TCP segment and its
# retransmissions can all be lost several times in a row: the peer stream then stalls for the
# retransmission back-off (0.2, 0.4 ... 6.4, 12.8 s: the agents log "the peer stream is
# stalled" while the beacons still arrive), and an order waits behind it. In four runs of
# 2026-12-08 the slowest request took 6, 11, 40 and 73 s; with 3 attempts of up to 40 s each,
# the 73 s one failed. 5 attempts bound a request at 200 s.
ATTEMPTS = 5


def fault_packet_loss(build):
    bed = standard_bed(build, supvisors_extra="conciliation_strategy = SENICIDE\n")
    formed(bed)
    h1, h2, h3 = bed.hosts
    seconds = env_seconds("SVF_LOSS_SECONDS", 120)
    bed.nft(h2, "loss", 20)
    t0 = time.monotonic()
    requests = 0
    failed = []
    slowest = 0.0
    cycles = 0
    try:
        while time.monotonic() - t0 < seconds and cycles < 10000:
            cycles += 1
            # a request across the lossy link, to h2's API; a client retries (ATTEMPTS)
            c0 = time.monotonic()
            requests += 1
            if not any(h2.call("get_supvisors_state", timeout=10) for _ in range(ATTEMPTS)):
                failed.append(f"get_supvisors_state at {c0 - t0:.0f} s")
            slowest = max(slowest, time.monotonic() - c0)
            # every 10th cycle a control request through h1: stop then start keep:k on h2,
            # each done when supervisord says so (a retry may find it done already)
            if cycles % 10 == 0:
                for action, args, done in (
                        ("stop_process", ("keep:k", True), lambda: not bed.running_on("keep:k")),
                        ("start_process", ("CONFIG", "keep:k", "", True),
                         lambda: [n for n, _ in bed.pids(["keep:k"])["keep:k"]] == ["h2"])):
                    requests += 1
                    c0 = time.monotonic()
                    for _ in range(ATTEMPTS):
                        h1.call(action, *args, timeout=30)
                        if await_condition(done, 10, 0.25):
                            break
                    else:
                        failed.append(f"{action} at {c0 - t0:.0f} s")
                    slowest = max(slowest, time.monotonic() - c0)
            time.sleep(0.5)
    finally:
        bed.nft(h2, None)
    # Any live instance declared lost is a false positive: h2 by its peers, or h1 / h3 by h2.
    false_positives = sum(h.agent_log().count("instance h2 RUNNING -> FAILED") for h in (h1, h3))
    false_positives += sum(h2.agent_log().count(f"instance {n} RUNNING -> FAILED")
                           for n in ("h1", "h3"))
    log(f"{seconds:.0f} s of 20 % loss: {requests} requests, {len(failed)} failed, "
        f"slowest {slowest:.1f} s; {false_positives} false positives (a live host declared lost)")
    check(not failed, f"{len(failed)} of {requests} requests failed: {failed}")
    healed = await_condition(lambda: bed.in_operation() and
                             all(bed.sees(h, {"h1": "RUNNING", "h2": "RUNNING",
                                              "h3": "RUNNING"}) for h in bed.hosts) and
                             all(len(v) == 1 for v in bed.pids(MANAGED).values()), 60, 0.5)
    check(healed, f"after the loss, not once each: {bed.placement(MANAGED)}" + bed.diagnosis())
    # Liveness beacons (docs/CLUSTER.md): expected rate about 2.5e-4 per run, so any is a bug.
    check(false_positives == 0, f"{false_positives} false positives")
    return bed


# 8. a peer with a wrong CURVE key, and garbage to the peer and API ports
def fault_bad_peers(build):
    import random
    import socket
    import subprocess
    keys = None

    def agent_extra(i):
        key_dir = os.path.join(keys, "wrong" if i == 3 else "good")
        return f"curve_key = {key_dir}/h{i + 1}.key\ncurve_public_keys = {keys}/good\n"

    import tempfile
    keys = tempfile.mkdtemp(prefix=f"svf-{os.getpid()}-keys-")
    try:
        sd = os.path.join(os.path.abspath(build), "agent", "supvisorsd")
        for i in range(1, 5):
            subprocess.run([sd, "--generate-keys", f"{keys}/good", "--name", f"h{i}"],
                           check=True, capture_output=True, timeout=30)
        subprocess.run([sd, "--generate-keys", f"{keys}/wrong", "--name", "h4"], check=True,
                       capture_output=True, timeout=30)
        bed = Bed(build, hosts=4, programs=PROGRAMS, rules=rules(),
                  supvisors_extra="synchro_options = USER\n", agent_extra=agent_extra)
    finally:
        pass
    h1, h2, h3, h4 = bed.hosts
    bed.keys_dir = keys
    # h1..h3 form; h4 (wrong key) is refused by everybody: USER ends the synchronisation.
    ok = await_condition(lambda: bed.sees(h1, {"h1": "RUNNING", "h2": "RUNNING",
                                               "h3": "RUNNING"}), FORM_TIMEOUT, 0.25)
    check(ok, "h1..h3 did not see each other\n" + bed.diagnosis())
    check(h1.call("end_sync", "h1") is True, "end_sync refused")
    formed(bed, [h1, h2, h3])
    refused = await_condition(lambda: "peer with a wrong key refused" in h1.agent_log(), 30)
    check(refused, "h1 did not report h4's wrong key\n" + bed.diagnosis())
    check(h1.instance_state(h4) != "RUNNING", "h4 with a wrong key is RUNNING")
    before = bed.pids(MANAGED, [h1, h2, h3])
    rng = random.Random(9)
    sent = 0
    for port in (60001, 60000):
        for n in range(20):
            try:
                with socket.create_connection((h1.address, port), timeout=5) as s:
                    s.settimeout(2)
                    if n % 4 == 0:
                        s.sendall(b"\xff" + bytes(8) + b"\x7f" + bytes(rng.randrange(256)
                                                                       for _ in range(200)))
                    elif n % 4 == 1:
                        s.sendall(b"POST /RPC2 HTTP/1.1\r\nContent-Length: 99999999999\r\n\r\nx")
                    else:
                        s.sendall(bytes(rng.randrange(256) for _ in range(rng.randrange(1, 4096))))
                    sent += 1
                    try:
                        s.recv(4096)
                    except OSError:
                        pass
            except OSError as e:
                log(f"garbage to {port}: {e}")
    log(f"{sent} garbage connections sent to h1's peer and API ports")
    # A garbage-free request still works, the cluster is unaffected.
    check(h1.call("get_api_version") == "0.19", "h1's API does not answer after garbage")
    time.sleep(2)
    check(bed.in_operation([h1, h2, h3]), "the cluster left OPERATION\n" + bed.diagnosis())
    check(bed.sees(h2, {"h1": "RUNNING"}) and bed.sees(h3, {"h1": "RUNNING"}),
          "h1 lost its peers after the garbage")
    check(bed.pids(MANAGED, [h1, h2, h3]) == before, "a process moved")
    check(h4.instance_state(h1) != "RUNNING", "h4 got in")
    return bed


def fault_scale(build, hosts):
    names = ",".join(f"h{i}" for i in range(2, hosts + 1))
    programs = "".join(f"[group:g{i}]\nprograms=p\n" + program("p").replace(
        "[program:p]", "[program:p]") for i in range(hosts))
    body = "".join(f"""  <application name="g{i}"><start_sequence>1</start_sequence>
    <starting_strategy>LESS_LOADED</starting_strategy>
    <running_failure_strategy>RESTART_PROCESS</running_failure_strategy>
    <programs><program name="p"><identifiers>{names}</identifiers>
      <start_sequence>1</start_sequence><expected_loading>5</expected_loading></program></programs>
  </application>
""" for i in range(hosts))
    t0 = time.monotonic()
    kw = {}
    extra = with_env_extras("synchro_options = STRICT\n", kw)
    bed = Bed(build, hosts=hosts, programs=programs,
              rules=f'<?xml version="1.0" encoding="UTF-8"?>\n<root>\n{body}</root>\n',
              supvisors_extra=extra, **kw,
              # 30 hosts on 2 cores take minutes to form: the budget grows with them
              timeout=None if "SVF_TIMEOUT" in os.environ else max(600, 40 * hosts))
    specs = [f"g{i}:p" for i in range(hosts)]
    ok = await_condition(lambda: bed.in_operation() and
                         all(len(v) == 1 for v in bed.placement(specs).values()),
                         max(300, 15 * hosts), 1)
    check(ok, f"{hosts} hosts did not form\n" + bed.diagnosis())
    log(f"{hosts} hosts formed and placed {len(specs)} programs in {time.monotonic() - t0:.1f} s")
    placed = bed.placement(specs)  # once: each reading asks every supervisord
    victim = max(bed.hosts[1:], key=lambda h: sum(h.nick in v for v in placed.values()))
    victim.crash()
    t1 = time.monotonic()
    alive = [h for h in bed.hosts if h is not victim]
    ok = await_condition(lambda: all(len(v) == 1 for v in bed.placement(specs, alive).values())
                         and bed.in_operation(alive), max(120, 8 * hosts), 0.5)
    check(ok, f"failover incomplete: {bed.placement(specs, alive)}")
    log(f"{victim.nick} crashed; every program running once again in {time.monotonic() - t1:.1f} s")
    return bed


FAULTS = {
    "host_crash": fault_host_crash,
    "clean_restart": fault_clean_restart,
    "agent_kill": fault_agent_kill,
    "agent_kill_late": fault_agent_kill_late,
    "sigstop": fault_sigstop,
    "partition": fault_partition,
    "partition_fence": fault_partition_fence,
    "late_host_strict": lambda b: fault_late_host(b, "STRICT"),
    "late_host_timeout": lambda b: fault_late_host(b, "TIMEOUT"),
    "crash_loop": fault_crash_loop,
    "packet_loss": fault_packet_loss,
    "bad_peers": fault_bad_peers,
}


def summary(results):
    counts = {"passed": 0, "failed": 0, "skipped": 0}
    names = sorted(os.listdir(results)) if os.path.isdir(results) else []
    for name in names:
        with open(os.path.join(results, name)) as f:
            outcome = f.read().strip().split()[0] if f else "failed"
        counts[outcome if outcome in counts else "failed"] += 1
    ran = counts["passed"] + counts["failed"]
    print(f"fault tests: {ran} ran of {len(FAULTS)} ({counts['passed']} passed, "
          f"{counts['failed']} failed, {counts['skipped']} skipped)")
    return 0


def main(argv):
    if len(argv) >= 3 and argv[2] == "summary":
        return summary(argv[1])
    if len(argv) < 3 or (argv[2] not in FAULTS and argv[2] != "scale"):
        print(__doc__ + "\nfaults: " + ", ".join(FAULTS), file=sys.stderr)
        return 64
    build, name = argv[1], argv[2]
    results = os.environ.get("SVF_RESULTS")
    t0 = time.monotonic()
    bed = None
    outcome, code = "failed", 1
    try:
        if name == "scale":
            bed = fault_scale(build, int(argv[3]) if len(argv) > 3 else 12)
        else:
            bed = FAULTS[name](build)
        outcome, code = "passed", 0
    except Skip as e:
        if os.environ.get("CI", "").lower() == "true":
            print(f"FAIL: {name}: the fault bed cannot run under CI: {e}", flush=True)
        else:
            print(f"SKIP: {name}: {e}", flush=True)
            outcome, code = "skipped", 77
    except Failed as e:
        print(f"FAIL: {name}: {e}", flush=True)
    except Exception:  # a broken bed is a failure too, reported with its trace
        import traceback
        traceback.print_exc()
    finally:
        if bed is not None:
            bed.close()
            keys = getattr(bed, "keys_dir", None)
            if keys:
                import shutil
                shutil.rmtree(keys, ignore_errors=True)
    took = time.monotonic() - t0
    print(f"{name}: {outcome} in {took:.1f} s", flush=True)
    if results:
        os.makedirs(results, exist_ok=True)
        with open(os.path.join(results, name), "w") as f:
            f.write(f"{outcome} {took:.1f}\n")
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv))
