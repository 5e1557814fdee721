#pragma once
// LocalProcessInfo: the XML-RPC struct that supvisors.get_local_process_info and
// get_all_local_process_info answer (reference supvisors-0.19 §3.3.9), built from one entry of
// the agent's LocalSnapshot. Every key and its XML-RPC type:
//
//   group, name, statename, description, spawnerr, extra_args, program_name   string
//   state, start, stop, now, pid, startsecs, stopwaitsecs, process_index       int (i4)
//   expected (= spawnerr empty), disabled, has_stdout, has_stderr              boolean
//   start_monotonic, stop_monotonic, now_monotonic                             double
//
// `now` and `now_monotonic` are the time of the answer (the agent's wall and monotonic clocks,
// passed in so this stays a pure function), as supervisord's getProcessInfo answers its `now`
// at the call: the snapshot's own `now` is that of the last event or full reading, up to a
// `resync_period` old while relay events keep the table, and the uptime shown from it was as
// old. startsecs, stopwaitsecs, process_index and program_name come from
// getAllConfigInfo (LocalProcess::config); before that is known, Supervisor's defaults (1, 10,
// 0, the process name) are answered. Ints are i4 only (Supervisor's parser has no i8, P8),
// clamped to the i4 range.
//
// Thread-safety: pure functions.

#include <xmlrpc-c/base.hpp>

#include <cstdint>
#include <string>

#include "agent/core/local_table.h"

namespace supvisors {

// The struct of one process.
xmlrpc_c::value localProcessInfoValue(const LocalProcess& process, double now_monotonic,
                                      std::int64_t now);

// The description Supervisor gives (its rpcinterface's _interpretProcessInfo), computed from
// the state, pid, times and spawnerr rather than kept from the last full reading, so that it
// follows the relay's events: "pid 42, uptime 0:01:40" (`now` - start), the stop time as
// "%b %d %I:%M %p" in local time ("Not started" if never started), the spawn error of a FATAL
// or BACKOFF process; for UNKNOWN the description the agent wrote (why supervisord cannot be
// read); "" otherwise.
std::string supervisorDescription(const ProcessInfo& info, std::int64_t now);

// True when a log file is configured for the channel and is not syslog (Supvisors'
// has_stdout / has_stderr): `logfile` is getAllConfigInfo's value ("" when NONE).
bool hasLogFile(const std::string& logfile);

}  // namespace supvisors
