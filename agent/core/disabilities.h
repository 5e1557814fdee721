#pragma once
// Disabilities: which programs are disabled on this instance (supvisors.enable / disable,
// reference §3.7, PRC-02). A program is a `[program:x]` name of the local supervisord: it
// covers every process of that program, in every group that lists it, numprocs included.
// A disabled program is never started by the agent (its starts are refused with DISABLED),
// is stopped when the agent sees it running, and is skipped by the Master's placement on this
// instance (the flag travels to the peers with the local table, LocalProcess::disabled).
//
// The persisted form is Supvisors' `disabilities_file`: a JSON object {program_name: bool}.
// A program absent from it is enabled. parse() and serialize() are pure (the shell reads and
// writes the file, agent/shell/disabilities_file.h); the functions below the class derive,
// from a LocalTable, which processes a program covers and what the agent must do.
//
// Thread-safety: a plain value; the functions are pure.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agent/core/command.h"
#include "agent/core/event.h"
#include "agent/core/local_table.h"
#include "common/result.h"

namespace supvisors {

class Disabilities {
 public:
  // From the text of a disabilities file: a JSON object whose values are booleans. An Error
  // (Transport kind, no code) says what is wrong in it, without the file name.
  static Result<Disabilities> parse(std::string_view json);
  // The text of a disabilities file: every program ever set, sorted, one per line.
  std::string serialize() const;

  bool isDisabled(const std::string& program) const;
  // Sets the flag of `program`; returns true when it changed.
  bool set(const std::string& program, bool disabled);
  // Every program with a flag (true or false), sorted by name.
  const std::map<std::string, bool>& flags() const { return flags_; }

  friend bool operator==(const Disabilities&, const Disabilities&) = default;

 private:
  std::map<std::string, bool> flags_;
};

// The [program:x] name of a local process: from its config, else its process name (a
// process listed before getAllConfigInfo was read; right unless numprocs renames it).
std::string programOf(const LocalProcess& process);

// The namespecs of the local processes of `program`, sorted; empty when it is not configured
// on the local supervisord (the caller answers BAD_NAME).
std::vector<std::string> processesOf(const LocalTable& table, const std::string& program);

// Sets LocalProcess::disabled of every local process from `disabilities`; returns the
// namespecs whose flag changed.
std::vector<std::string> applyDisabilities(LocalTable& table, const Disabilities& disabilities);

// The processes of disabled programs that run (STARTING, RUNNING, BACKOFF) on the local
// supervisord: the agent stops them. STOPPING ones are already on their way.
std::vector<std::string> runningWhileDisabled(const LocalTable& table);

// The processes of `program` that enable() starts again, as Supvisors re-triggers autostart:
// autostart=true and STOPPED. Unlike Supervisor's own autostart this does not ask for "never
// started": the disable before stopped them (or supervisord autostarted them before the agent
// could refuse, and the agent stopped them), and enabling brings back what autostart runs.
std::vector<std::string> autostartsOf(const LocalTable& table, const std::string& program);

// Why a start of `namespec` is refused (the detail of the DISABLED fault): names the program
// and how to enable it.
std::string disabledStartDetail(const std::string& namespec, const std::string& program);

// The answer to an order for the local supervisord that must not reach it: a StartProcess of a
// process flagged disabled in `table` fails with DISABLED (the commander sees a failed start).
// nullopt for any other order.
std::optional<OrderDone> refuseDisabledStart(const LocalTable& table, const ExecuteOrder& order);

}  // namespace supvisors
