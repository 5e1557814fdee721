#pragma once
// What Supervisor tells about one process: its live status (getProcessInfo /
// getAllProcessInfo) and its static configuration (getAllConfigInfo), as plain values.
// Field names and meanings follow Supervisor 4.2 (supervisor-and-libraries.md §4.1).
// The shell converts XML-RPC structs into these; the engine only ever sees these.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/process_state.h"

namespace supvisors {

// "group:name", or "name" when group == name (Supervisor accepts both; Supvisors prints this).
std::string makeNamespec(std::string_view group, std::string_view name);
// Splits a namespec as Supervisor's split_namespec: "x" -> {x, x}; "g:p" -> {g, p};
// "g:" and "g:*" -> {g, ""} (the whole group).
std::pair<std::string, std::string> splitNamespec(std::string_view namespec);

struct ProcessInfo {
  std::string group;
  std::string name;
  ProcessState state = ProcessState::Stopped;
  std::int64_t pid = 0;
  std::int64_t start = 0;  // Unix seconds, 0 if never started
  std::int64_t stop = 0;   // Unix seconds, 0 if never stopped
  std::int64_t now = 0;    // supervisord's clock when the info was taken
  int exitstatus = 0;
  std::string spawnerr;
  std::string description;
  std::string stdout_logfile;
  std::string stderr_logfile;

  std::string namespec() const { return makeNamespec(group, name); }
  friend bool operator==(const ProcessInfo&, const ProcessInfo&) = default;
};

// The part of getAllConfigInfo the agent uses.
struct ProcessConfig {
  std::string group;
  std::string name;
  std::string command;
  bool autostart = false;
  // "false", "true" or "unexpected" when supervisord reports it; "" when it does not
  // (Supervisor 4.2's getAllConfigInfo has no autorestart field: its default is unexpected).
  std::string autorestart;
  bool inuse = true;
  int startsecs = 1;
  int stopwaitsecs = 10;
  int startretries = 3;
  int process_index = 0;  // index inside a numprocs program (Supervisor: process_num)
  std::string program_name;  // the [program:x] name (differs from `name` with numprocs)
  std::string stdout_logfile;  // "" when NONE
  std::string stderr_logfile;
  bool redirect_stderr = false;
  std::vector<int> exitcodes{0};

  std::string namespec() const { return makeNamespec(group, name); }
  friend bool operator==(const ProcessConfig&, const ProcessConfig&) = default;
};

}  // namespace supvisors
