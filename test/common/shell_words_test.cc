// Splitting extra arguments into words (common/shell_words.h) and recognising the
// supvisors-exec wrapper in a command (common/exec_wrapper.h).
#include <catch2/catch.hpp>

#include "common/exec_wrapper.h"
#include "common/faults.h"
#include "common/shell_words.h"

using namespace supvisors;

namespace {

using Words = std::vector<std::string>;

Words split(std::string_view text) {
  auto r = splitShellWords(text);
  INFO(text);
  REQUIRE(r.ok());
  return *r;
}

std::string splitError(std::string_view text) {
  auto r = splitShellWords(text);
  INFO(text);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == static_cast<int>(FaultCode::IncorrectParameters));
  return r.error().message;
}

}  // namespace

TEST_CASE("shell words: blanks separate words and nothing at all is no word", "[shell_words]") {
  CHECK(split("").empty());
  CHECK(split(" \t\n ").empty());
  CHECK(split("-x 1 --fast") == Words{"-x", "1", "--fast"});
  CHECK(split("  a\tb\nc  ") == Words{"a", "b", "c"});
}

TEST_CASE("shell words: quotes and backslashes as sh", "[shell_words]") {
  CHECK(split("'a b' c") == Words{"a b", "c"});
  CHECK(split("\"a b\" c") == Words{"a b", "c"});
  CHECK(split("'' \"\"") == Words{"", ""});
  CHECK(split("a'b c'd") == Words{"ab cd"});
  CHECK(split(R"(a\ b)") == Words{"a b"});
  CHECK(split(R"(\'x\")") == Words{"'x\""});
  // Inside single quotes everything is literal, a backslash included.
  CHECK(split(R"('a\b' 'it''s')") == Words{R"(a\b)", "its"});
  // Inside double quotes a backslash escapes only $ ` " \ and newline.
  CHECK(split(R"("a\"b" "c\\d" "e\f" "\$x")") == Words{"a\"b", R"(c\d)", R"(e\f)", "$x"});
  CHECK(split("a\\\nb") == Words{"ab"});
  CHECK(split("\"x\ny\"") == Words{"x\ny"});
}

TEST_CASE("shell words: nothing is expanded or substituted", "[shell_words]") {
  CHECK(split("$HOME ${X} `id` $(id) * ~ a;b | > &") ==
        Words{"$HOME", "${X}", "`id`", "$(id)", "*", "~", "a;b", "|", ">", "&"});
  CHECK(split("\"$HOME `id`\"") == Words{"$HOME `id`"});
}

TEST_CASE("shell words: an unbalanced quote or a trailing backslash is an error", "[shell_words]") {
  CHECK(splitError("a 'b c") == "the single quote at character 3 is not closed");
  CHECK(splitError("\"b") == "the double quote at character 1 is not closed");
  CHECK(splitError(R"("a\")") == "the double quote at character 1 is not closed");
  CHECK(splitError("x \\") == "a backslash ends the arguments (at character 3)");
}

TEST_CASE("exec wrapper: a command runs supvisors-exec when its first word's basename is it",
          "[exec_wrapper]") {
  const auto w = execWrapperOf("/usr/bin/supvisors-exec --args-dir /run/a -- /bin/echo 'x y'");
  REQUIRE(w);
  CHECK(w->args_dir == "/run/a");
  CHECK(w->command == Words{"/bin/echo", "x y"});
  const auto bare = execWrapperOf("supvisors-exec --args-dir=/d -- sleep 10");
  REQUIRE(bare);
  CHECK(bare->args_dir == "/d");
  CHECK(bare->command == Words{"sleep", "10"});
  const auto noDir = execWrapperOf("supvisors-exec -- sleep 10");
  REQUIRE(noDir);
  CHECK(noDir->args_dir.empty());
  CHECK(execWrapperOf("supvisors-exec sleep 10")->command == Words{"sleep", "10"});

  CHECK_FALSE(execWrapperOf("sleep 10"));
  CHECK_FALSE(execWrapperOf("/bin/sh -c 'supvisors-exec -- x'"));
  CHECK_FALSE(execWrapperOf("/opt/supvisors-exec2 -- x"));
  CHECK_FALSE(execWrapperOf("/opt/my-supvisors-exec -- x"));
  CHECK_FALSE(execWrapperOf(""));
  // Broken wrapper lines: supervisord could not run them as a wrapper either.
  CHECK_FALSE(execWrapperOf("supvisors-exec --"));
  CHECK_FALSE(execWrapperOf("supvisors-exec --verbose -- x"));
  CHECK_FALSE(execWrapperOf("supvisors-exec 'x"));
}

TEST_CASE("exec wrapper: its own command line", "[exec_wrapper]") {
  CHECK(parseExecInvocation({"--args-dir", "/d", "--", "a", "--args-dir"})->command ==
        Words{"a", "--args-dir"});
  CHECK(parseExecInvocation({"--", "-x"})->command == Words{"-x"});
  CHECK(parseExecInvocation({"--args-dir"}).error().message == "--args-dir needs a folder");
  CHECK(parseExecInvocation({"--args-dir="}).error().message == "--args-dir needs a folder");
  CHECK_THAT(parseExecInvocation({"-v", "x"}).error().message,
             Catch::StartsWith("unknown option '-v'"));
  CHECK_THAT(parseExecInvocation({"--args-dir", "/d"}).error().message,
             Catch::StartsWith("no command to run"));
}

TEST_CASE("exec wrapper: the args file of a process is one file named group:name",
          "[exec_wrapper]") {
  CHECK(argsFileName("web", "web") == "web:web");
  CHECK(argsFileName("db", "server_01") == "db:server_01");
  CHECK(argsFileName("a/b", "c%d") == "a%2Fb:c%25d");
}
