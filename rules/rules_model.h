#pragma once
// The rules of a platform once every rules file is loaded (reference supvisors-0.19.md §2):
// what each application and program element says after models, aliases, defaults and the
// consistency fixes of §2.6, plus the lookups the engine needs (§2.3).
//
// A Rules object is immutable: loadRules (rules_parser.h) builds it, and everyone else holds
// a std::shared_ptr<const Rules>. All queries are const, allocate only their results and are
// safe from any number of threads. Names are matched when queried (Supvisors looks rules up
// lazily, when a group is first seen), and identifiers are resolved against the
// InstanceDirectory passed at each query.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/strategies.h"
#include "rules/identifier_list.h"
#include "rules/instance_directory.h"
#include "rules/name_pattern.h"
#include "rules/status_formula.h"

namespace supvisors {

// Where an element was written.
struct SourceRef {
  std::string file;  // as given to loadRules
  int line = 0;
};

// The rules of one process (Supvisors' ProcessRules; get_process_rules §3.3.8).
struct ProgramRules {
  IdentifierList identifiers;  // ignored when the application is not ALL_INSTANCES
  int start_sequence = 0;      // rank in the application start; 0: not started with it
  int stop_sequence = 0;       // rank in the application stop; defaults to start_sequence
  bool required = false;       // failure is major (forced false without a start rank)
  bool wait_exit = false;      // the next rank waits for this process to exit as expected
  int expected_loading = 0;    // declared resource usage, percent
  StartingFailureStrategy starting_failure_strategy = StartingFailureStrategy::Abort;
  RunningFailureStrategy running_failure_strategy = RunningFailureStrategy::Continue;

  // STOP_APPLICATION / RESTART_APPLICATION: Supervisor's autorestart must be off (§2.6).
  bool disablesAutorestart() const;
  friend bool operator==(const ProgramRules&, const ProgramRules&) = default;
};

// The rules of one application (Supvisors' ApplicationRules; get_application_rules §3.3.6).
struct ApplicationRules {
  DistributionRule distribution = DistributionRule::AllInstances;
  IdentifierList identifiers;  // used only when distribution is not ALL_INSTANCES
  int start_sequence = 0;      // rank in DISTRIBUTION; 0: not started automatically
  int stop_sequence = 0;       // defaults to start_sequence
  std::optional<StartingStrategy> starting_strategy;  // nullopt: the starting_strategy option
  StartingFailureStrategy starting_failure_strategy = StartingFailureStrategy::Abort;
  RunningFailureStrategy running_failure_strategy = RunningFailureStrategy::Continue;
  std::optional<StatusFormula> operational_status;  // nullopt: the `required` fallback
  // With an application-level '#': N of the group name's -N/_N suffix, set by
  // Rules::applicationRules (left nullopt there means start_sequence was forced to 0).
  std::optional<std::size_t> application_number;

  // The formula text for payloads ("" when none), as Supvisors' status_formula.
  std::string statusFormulaText() const;
};

// One <program> element of an application, resolved.
struct ProgramEntry {
  std::optional<std::string> name;     // exact process name
  std::optional<NamePattern> pattern;  // re.search against the process name
  SourceRef source;
  std::vector<std::string> models;  // the models applied, nearest first (reference chain)
  ProgramRules rules;

  std::string key() const;  // the name, or the pattern
};

// One <application> element, resolved, with its programs.
struct ApplicationEntry {
  std::optional<std::string> name;
  std::optional<NamePattern> pattern;
  SourceRef source;
  ApplicationRules rules;
  std::vector<ProgramEntry> programs;  // the elements in use, in document order

  std::string key() const;
  // §2.3 inside this element: exact name first (first element wins), else the pattern with
  // the longest match (ties: the pattern defined first; a redefined pattern keeps its place).
  const ProgramEntry* findProgram(std::string_view process_name) const;

  // Built by the parser: indexes into `programs`.
  std::unordered_map<std::string, std::size_t> program_names;
  std::vector<std::size_t> program_patterns;
};

// A <model> as written (its effect is in the ProgramEntry that references it).
struct ModelEntry {
  std::string name;
  std::optional<std::string> reference;
  SourceRef source;
};

struct AliasEntry {
  std::string name;
  std::vector<std::string> members;  // as written (aliases are substituted at use)
  SourceRef source;
};

class Rules {
 public:
  Rules() = default;
  // `applications` holds the elements in use only, in file then document order, a
  // redefined pattern at the place of its first definition (the parser sees to it).
  Rules(std::vector<std::string> files, std::vector<AliasEntry> aliases,
        std::vector<ModelEntry> models, std::vector<ApplicationEntry> applications);

  const std::vector<std::string>& files() const { return files_; }
  const std::vector<AliasEntry>& aliases() const { return aliases_; }
  const std::vector<ModelEntry>& models() const { return models_; }
  const std::vector<ApplicationEntry>& applications() const { return applications_; }

  // §2.3: the element whose exact name is `group` (first file, first element), else the
  // pattern with the longest match; nullptr: the application is not managed.
  const ApplicationEntry* findApplication(std::string_view group) const;

  // The rules of application `group`; nullopt when not managed. An application-level '#'
  // is checked here against the group name (-N/_N suffix; else start_sequence = 0).
  std::optional<ApplicationRules> applicationRules(std::string_view group) const;
  // The rules of process `group:process` (process = Supervisor's process name, e.g. the
  // expanded name of a numprocs program); nullopt when the application is not managed. A
  // process that no program element matches gets the defaults with the application's
  // failure strategies.
  std::optional<ProgramRules> processRules(std::string_view group, std::string_view process) const;
  // The instances where the process may be started, in preference order, given the
  // instances of now: the application's list when it is not ALL_INSTANCES (one instance
  // with '#'), else the program's (one instance by process index with '#'/'@').
  // `process_index` is the 0-based position of the process inside its homogeneous
  // (numprocs) program; 0 for a plain program. Unmanaged application: every instance.
  std::vector<std::string> allowedInstances(std::string_view group, std::string_view process,
                                            std::size_t process_index,
                                            const InstanceDirectory& directory) const;

 private:
  std::vector<std::string> files_;
  std::vector<AliasEntry> aliases_;
  std::vector<ModelEntry> models_;
  std::vector<ApplicationEntry> applications_;
  std::unordered_map<std::string, std::size_t> application_names_;
  std::vector<std::size_t> application_patterns_;  // priority order for ties
};

// Of `candidates` (indexes into `entries`), the one whose pattern matches `text` longest;
// ties go to the earliest candidate. Shared by application and program lookups.
template <typename Entry>
const Entry* bestPattern(const std::vector<Entry>& entries,
                         const std::vector<std::size_t>& candidates, std::string_view text) {
  const Entry* best = nullptr;
  std::size_t best_length = 0;
  for (std::size_t index : candidates) {
    const auto length = entries[index].pattern->search(text);
    if (length && (best == nullptr || *length > best_length)) {
      best = &entries[index];
      best_length = *length;
    }
  }
  return best;
}

}  // namespace supvisors
