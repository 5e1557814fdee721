#include <catch2/catch.hpp>

#include "rules/status_formula.h"

using namespace supvisors;

namespace {
StatusFormula formula(const std::string& text) {
  std::string error;
  auto parsed = StatusFormula::parse(text, &error);
  INFO(error);
  REQUIRE(parsed);
  return *parsed;
}

std::string syntaxError(const std::string& text) {
  std::string error;
  CHECK_FALSE(StatusFormula::parse(text, &error));
  return error;
}

FormulaProcess running(const std::string& name) { return {name, ProcessState::Running, true}; }
FormulaProcess stopped(const std::string& name) { return {name, ProcessState::Stopped, true}; }
}  // namespace

TEST_CASE("formulas parse with Python's precedence: not > and > or", "[formula]") {
  CHECK(formula("'a' or 'b' and not 'c'").canonical() == "or('a', and('b', not('c')))");
  CHECK(formula("('a' or 'b') and 'c'").canonical() == "and(or('a', 'b'), 'c')");
  CHECK(formula("'a' and 'b' and 'c'").canonical() == "and('a', 'b', 'c')");
  CHECK(formula("not not \"a\"").canonical() == "not(not('a'))");
  CHECK(formula("any('api_.*', 'web') or all(\"db\")").canonical() ==
        "or(any('api_.*', 'web'), all('db'))");
  CHECK(formula(R"('api_\d+')").canonical() == R"('api_\\d+')");  // \d kept, as Python
}

TEST_CASE("formula syntax errors say what and where", "[formula]") {
  CHECK(syntaxError("'a' and") == "expression expected at column 8");
  CHECK(syntaxError("'a' 'b'") == "unexpected ''' at column 5");
  CHECK(syntaxError("('a'") == "')' expected at column 5");
  CHECK(syntaxError("any 'a'") == "'(' expected after any at column 5");
  CHECK(syntaxError("a and 'b'") ==
        "a quoted process name, '(', 'not', 'any(' or 'all(' expected at column 1");
  CHECK(syntaxError("'abc") == "unterminated string at column 5");
  CHECK(syntaxError("") == "expression expected at column 1");
  CHECK(syntaxError("anything") ==
        "a quoted process name, '(', 'not', 'any(' or 'all(' expected at column 1");
}

TEST_CASE("a process operand is true when running-like or exited as expected", "[formula]") {
  CHECK(isOperational({"p", ProcessState::Running, false}));
  CHECK(isOperational({"p", ProcessState::Starting, false}));
  CHECK(isOperational({"p", ProcessState::Backoff, false}));
  CHECK(isOperational({"p", ProcessState::Exited, true}));
  CHECK_FALSE(isOperational({"p", ProcessState::Exited, false}));
  CHECK_FALSE(isOperational({"p", ProcessState::Fatal, true}));
  CHECK_FALSE(isOperational({"p", ProcessState::Stopped, true}));
  CHECK_FALSE(isOperational({"p", ProcessState::Stopping, true}));
  CHECK_FALSE(isOperational({"p", ProcessState::Unknown, true}));
}

TEST_CASE("formulas evaluate against the application's processes", "[formula]") {
  const auto f = formula("'db' and any('api_\\d+')");
  CHECK(f.evaluate({running("db"), stopped("api_1"), running("api_2")}).value);
  CHECK_FALSE(f.evaluate({running("db"), stopped("api_1"), stopped("api_2")}).value);
  CHECK_FALSE(f.evaluate({stopped("db"), running("api_1")}).value);
  const auto all = formula("all('api_.*')");
  CHECK(all.evaluate({running("api_1"), running("api_2"), stopped("db")}).value);
  CHECK_FALSE(all.evaluate({running("api_1"), stopped("api_2")}).value);
  CHECK(all.evaluate({stopped("db")}).value);                // all() of nothing: True
  CHECK_FALSE(formula("any('x.*')").evaluate({running("db")}).value);  // any() of nothing
  CHECK(formula("not 'db' or 'web'").evaluate({stopped("db"), stopped("web")}).value);
}

TEST_CASE("a bare operand is an exact name, else a regex matching exactly one process",
          "[formula]") {
  const std::vector<FormulaProcess> processes{running("db"), stopped("db.1"), running("web_1")};
  CHECK(formula("'db'").evaluate(processes).value);     // exact name wins over regex 'db'
  CHECK(formula("'web_.'").evaluate(processes).value);  // regex with one match
  const auto several = formula("'.*'").evaluate(processes);
  CHECK_FALSE(several.ok);
  CHECK(several.error == "operand '.*' matches several processes; use any() or all()");
  const auto none = formula("'cache'").evaluate(processes);
  CHECK_FALSE(none.ok);
  CHECK(none.error == "operand 'cache' matches no process");
  // and/or short-circuit as in Python: the failing operand is never evaluated.
  CHECK(formula("'db' or 'cache'").evaluate(processes).ok);
}

TEST_CASE("an operand that is not a valid regex only matches its exact name", "[formula]") {
  std::string error;
  std::vector<std::string> warnings;
  const auto f = StatusFormula::parse("'a(b' and any('[x')", &error, &warnings);
  REQUIRE(f);
  CHECK(warnings.size() == 2);
  CHECK(f->evaluate({running("a(b"), running("[x")}).value);
  CHECK_FALSE(f->evaluate({running("a(b"), stopped("[x")}).value);
}
