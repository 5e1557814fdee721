#pragma once
// What the supvisorsctl commands share (agent/ctl/*.cc, not part of ctl.h's interface):
// calling the agent and reporting a failed call as supervisorctl does, reading the JSON form of
// the agent's structures, argument checks, the selection of named items one call each, and
// Outcomes, the report of a command that asks the agent once per target.
//
// Output conventions: results on ctx.out (a table, or JSON with --json), every error on
// ctx.err as "ERROR (fault string)" or "name: ERROR (why)", so a script can read stdout alone.
//
// Thread-safety: none needed; supvisorsctl runs one command on one thread.

#include <xmlrpc-c/base.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "agent/ctl/ctl.h"
#include "common/result.h"

namespace supvisors::ctl {

using Arguments = std::vector<std::string>;
using Handler = std::function<int(const Context&, const Arguments&)>;

// Reports a failed call the way supervisorctl does and returns its exit code: kNotRunning when
// the agent cannot be reached, kGeneric for a fault or for a server that is not an agent.
int reportError(const Context& ctx, const std::string& method, const Error& error);

// The same for a call about one named target: a fault is "name: ERROR (fault string)", with
// kStatusUnknown for BAD_NAME and kGeneric otherwise; the rest as reportError.
int reportTargetError(const Context& ctx, const std::string& name, const std::string& method,
                      const Error& error);

// The more serious of two exit codes, so that a command over several targets exits with the
// worst: kNotRunning, then kGeneric, kInvalidArgs, kStatusUnknown, kStatusNotRunning, kSuccess.
int worse(int a, int b);

// Calls the agent; on failure reports it, sets `code` and returns nullopt.
std::optional<nlohmann::json> ask(const Context& ctx, const std::string& method,
                                  const xmlrpc_c::paramList& params, int& code);

xmlrpc_c::paramList stringParams(const std::vector<std::string>& values);

// j[key] as text: "" when missing or null, the string itself, or the JSON of anything else.
std::string str(const nlohmann::json& j, const char* key);
std::string yesNo(const nlohmann::json& j, const char* key);
// The strings of the array j[key] joined by commas, or "-" when it is empty or missing.
std::string joined(const nlohmann::json& j, const char* key);
// "group:name" (or "name") of a ProcessInfo, ProcessRules or prediction.
std::string namespecOf(const nlohmann::json& j);
// `text`, or "-" when it is empty: an empty table cell reads as "nothing".
std::string orDash(const std::string& text);
// The words joined by spaces (extra arguments given as several words).
std::string joinWords(const Arguments& words, std::size_t from);

// False, with "<command>: empty argument" printed, when a word is empty (an unset shell
// variable): no name, strategy or level is empty.
bool noEmptyWord(const Context& ctx, const std::string& command, const Arguments& args);

// True when `names` is empty or holds the word `all`: the command applies to everything.
bool selectsAll(const Arguments& names);

// A StartingStrategies name (any case) as the agent takes it ("LESS_LOADED"); else prints
// "<command>: unknown strategy '<arg>' (use one of CONFIG, ...)" and returns nullopt.
std::optional<std::string> startingStrategy(const Context& ctx, const std::string& command,
                                            const std::string& arg);

// Calls `method` with each name and appends its answer (a struct, or each element of an
// array) to `out`, skipping items whose key(item) is already there. A BAD_NAME fault is
// reported as "name: ERROR (<missing(name)>)" and makes `code` kStatusUnknown; any other
// error is reported and ends the selection: false, with `code` set.
bool selectEach(const Context& ctx, const std::string& method, const Arguments& names,
                const std::function<std::string(const nlohmann::json&)>& key,
                const std::function<std::string(const std::string&)>& missing,
                std::vector<nlohmann::json>& out, int& code);

// The report of a command that asks the agent once per target (start_application CONFIG db
// web, stop_process all, ...). Each target's outcome is a line: "db: started" or
// "tools: IGNORED (why)" on out, "x: ERROR (BAD_NAME: x)" on err; with --json, out gets one
// array instead, in order, of {name, result}, {name, faultCode, faultString} or
// {name, ignored} (errors still go to err as lines). The exit code is the worst outcome's.
class Outcomes {
 public:
  // done: the text of a success ("started"), unless call() is given its own.
  Outcomes(const Context& ctx, std::string done) : ctx_(ctx), done_(std::move(done)) {}

  // Asks the agent (or `other`, another instance's agent) about `name`. Returns false when the
  // command must stop: the agent cannot be reached, or it is not an agent (a fault about the
  // target lets the loop go on).
  bool call(const std::string& name, const std::string& method, const xmlrpc_c::paramList& params,
            const std::function<std::string(const nlohmann::json&)>& done = nullptr,
            const SupervisorClient* other = nullptr);
  // A target not asked for: an unmanaged application, for instance (no effect on the code).
  void ignore(const std::string& name, const std::string& why);
  // A target found unknown before any call ("x: ERROR (no such application)").
  void unknown(const std::string& name, const std::string& noun);
  // Prints the JSON array (with --json) or, when there was no target at all, `none` (a line
  // saying that there was nothing to do); returns the exit code.
  int finish(const std::string& none);

 private:
  const Context& ctx_;
  std::string done_;
  nlohmann::json items_ = nlohmann::json::array();
  int code_ = exit_code::kSuccess;
};

}  // namespace supvisors::ctl
