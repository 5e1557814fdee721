#pragma once
// An `operational_status` formula (reference §2.7): a boolean expression over the processes
// of one application, parsed once into an expression tree and evaluated against the current
// process states.
//
// Grammar (the subset of Python that Supvisors accepts, with Python's precedence):
//   expr     := and_expr ('or' and_expr)*
//   and_expr := not_expr ('and' not_expr)*
//   not_expr := 'not' not_expr | primary
//   primary  := STRING | '(' expr ')' | ('any' | 'all') '(' STRING (',' STRING)* ')'
// STRING is a Python string literal ('...' or "..."). An operand outside any/all is the
// exact name of a process of the application, else a regular expression that must match the
// whole name of exactly one process; inside any/all each argument is a regular expression
// matched against whole process names (a plain name matches itself), and any()/all() of no
// process are False/True as in Python. and/or short-circuit as in Python.
//
// A process operand is true when its state is RUNNING, BACKOFF or STARTING, or EXITED with
// an expected exit code. Evaluation fails (the caller reports a major failure) when a bare
// operand matches no process or several.
//
// Thread-safety: immutable after parse; evaluate is const and re-entrant.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/process_state.h"
#include "rules/name_pattern.h"

namespace supvisors {

// What the formula needs to know of one process of the application.
struct FormulaProcess {
  std::string name;  // the process name inside the group
  ProcessState state = ProcessState::Stopped;
  bool expected_exit = true;  // meaningful when state is EXITED
};

// True for RUNNING, BACKOFF, STARTING, or EXITED with an expected exit code.
bool isOperational(const FormulaProcess& process);

struct FormulaResult {
  bool ok = true;      // false: evaluation error (treated as a major failure)
  bool value = false;  // the formula's value when ok
  std::string error;   // why it failed
};

class StatusFormula {
 public:
  struct Node;

  // Parses `text`; on a syntax error returns nullopt and sets `error` (with the column).
  // `warnings` receives operands that are not valid regular expressions (they then only
  // match a process of exactly that name).
  static std::optional<StatusFormula> parse(std::string_view text, std::string* error,
                                            std::vector<std::string>* warnings = nullptr);

  const std::string& text() const { return text_; }
  // The tree in a canonical, fully parenthesised form: and('db', any('api_.*')).
  std::string canonical() const;
  FormulaResult evaluate(const std::vector<FormulaProcess>& processes) const;

 private:
  StatusFormula(std::string text, std::shared_ptr<const Node> root);
  std::string text_;
  std::shared_ptr<const Node> root_;
};

}  // namespace supvisors
