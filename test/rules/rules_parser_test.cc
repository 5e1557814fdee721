#include <catch2/catch.hpp>

#include "rules/schema_validator.h"
#include "rules_test_util.h"

using namespace supvisors;
using namespace supvisors::test;
using Names = std::vector<std::string>;

namespace {

// The only error of loading `fixture`, which must have failed.
RulesDiagnostic onlyError(const std::string& fixture) {
  const auto load = loadFixtures({fixture});
  INFO(dumpRulesText(load));
  REQUIRE_FALSE(load.ok());
  REQUIRE_FALSE(load.rules);
  REQUIRE(load.errors.size() == 1);
  return load.errors.front();
}

bool hasWarning(const RulesLoad& load, int line, const std::string& fragment) {
  for (const auto& warning : load.warnings) {
    if (warning.line == line && warning.what.find(fragment) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("the embedded schema is schema/rules.xsd", "[rules][schema]") {
  CHECK(rulesSchemaText() == readText(std::filesystem::path(SUPVISORS_SOURCE_DIR) / "schema/rules.xsd"));
}

TEST_CASE("no rules file: empty rules, every application unmanaged", "[rules]") {
  const auto load = loadRules({}, testDirectory());
  REQUIRE(load.ok());
  CHECK(load.rules->applications().empty());
  CHECK_FALSE(load.rules->applicationRules("anything"));
  CHECK_FALSE(load.rules->processRules("anything", "p"));
  CHECK(load.rules->allowedInstances("anything", "p", 0, testDirectory()).size() == 4);
}

TEST_CASE("every element, attribute and enum of full.xml", "[rules]") {
  const auto load = loadFixtures({"full.xml"});
  INFO(dumpRulesText(load));
  REQUIRE(load.ok());
  CHECK(load.warnings.empty());
  const Rules& rules = *load.rules;

  const auto backend = rules.applicationRules("backend");
  REQUIRE(backend);
  CHECK(backend->distribution == DistributionRule::AllInstances);
  CHECK(backend->start_sequence == 1);
  CHECK(backend->stop_sequence == 3);
  CHECK(backend->starting_strategy == StartingStrategy::LessLoadedNode);
  CHECK(backend->starting_failure_strategy == StartingFailureStrategy::Stop);
  CHECK(backend->running_failure_strategy == RunningFailureStrategy::RestartApplication);
  CHECK(backend->statusFormulaText() == R"('db' and (any('api_\d+') or not "cache"))");

  // db: program -> service -> base; the program's own values override the models'.
  const auto db = rules.processRules("backend", "db");
  REQUIRE(db);
  CHECK(db->identifiers.names == Names{"srv01"});
  CHECK(db->start_sequence == 3);
  CHECK(db->stop_sequence == 7);  // from base
  CHECK(db->required);            // from base
  CHECK_FALSE(db->wait_exit);     // program false over service's 1
  CHECK(db->expected_loading == 20);  // service over base
  CHECK(db->starting_failure_strategy == StartingFailureStrategy::Continue);
  CHECK(db->running_failure_strategy == RunningFailureStrategy::RestartProcess);
  CHECK_FALSE(db->disablesAutorestart());
  CHECK(rules.findApplication("backend")->findProgram("db")->models == Names{"service", "base"});

  const auto api = rules.processRules("backend", "api_02");
  REQUIRE(api);
  CHECK(api->identifiers.assignment == IndexAssignment::Hash);
  CHECK(api->identifiers.names == Names{"srv01", "srv02", "con01", "con02"});
  CHECK(api->start_sequence == 4);
  CHECK(api->stop_sequence == 4);  // default: start_sequence
  CHECK(api->starting_failure_strategy == StartingFailureStrategy::Stop);  // application's
  CHECK(api->disablesAutorestart());

  // pattern="" catches the rest; "plain" is found by name first.
  CHECK(rules.processRules("backend", "cache")->start_sequence == 5);
  CHECK(rules.processRules("backend", "cache")->stop_sequence == 0);
  CHECK(rules.processRules("backend", "plain")->start_sequence == 0);
  CHECK(rules.processRules("backend", "plain")->running_failure_strategy ==
        RunningFailureStrategy::RestartApplication);

  const auto node = rules.applicationRules("node_app");
  CHECK(node->distribution == DistributionRule::SingleNode);
  CHECK(node->identifiers.all);
  CHECK(node->starting_strategy == StartingStrategy::MostLoadedNode);
  CHECK(node->starting_failure_strategy == StartingFailureStrategy::Abort);
  CHECK(node->running_failure_strategy == RunningFailureStrategy::Continue);
  CHECK_FALSE(node->operational_status);
}

TEST_CASE("defaults of an application and a program with no child", "[rules]") {
  const auto load = loadInline(R"(<application name="a"><programs><program name="p"/></programs></application>)");
  REQUIRE(load.ok());
  const auto application = load.rules->applicationRules("a");
  CHECK(application->distribution == DistributionRule::AllInstances);
  CHECK(application->identifiers == IdentifierList{});
  CHECK(application->start_sequence == 0);
  CHECK(application->stop_sequence == 0);
  CHECK_FALSE(application->starting_strategy);  // the starting_strategy option applies
  CHECK(application->starting_failure_strategy == StartingFailureStrategy::Abort);
  CHECK(application->running_failure_strategy == RunningFailureStrategy::Continue);
  CHECK(load.rules->processRules("a", "p") == ProgramRules{});
  // A process of a managed application that no program matches gets the defaults too.
  CHECK(load.rules->processRules("a", "other") == ProgramRules{});
}

TEST_CASE("application lookup: exact name first, then the longest pattern match", "[rules]") {
  const auto load = loadInline(R"(
      <application pattern=""><start_sequence>1</start_sequence></application>
      <application pattern="prg_"><start_sequence>2</start_sequence></application>
      <application pattern="prg_\d"><start_sequence>3</start_sequence></application>
      <application pattern="dummy"><start_sequence>4</start_sequence></application>
      <application pattern="ummy"><start_sequence>5</start_sequence></application>
      <application name="dummy_prg_2"><start_sequence>6</start_sequence></application>)");
  REQUIRE(load.ok());
  const Rules& rules = *load.rules;
  CHECK(rules.applicationRules("dummy_prg_2")->start_sequence == 6);  // exact name
  CHECK(rules.applicationRules("dummy_prg_3")->start_sequence == 3);  // 'prg_3' is longest
  CHECK(rules.applicationRules("xprg_y")->start_sequence == 2);
  CHECK(rules.applicationRules("dummy")->start_sequence == 4);  // tie 'dummy'(5) > 'ummy'(4)
  CHECK(rules.applicationRules("ummy")->start_sequence == 5);
  CHECK(rules.applicationRules("zzz")->start_sequence == 1);  // '' catches everything
}

TEST_CASE("equal match lengths go to the pattern defined first", "[rules]") {
  const auto load = loadInline(R"(
      <application pattern="ab"><start_sequence>1</start_sequence></application>
      <application pattern="bc"><start_sequence>2</start_sequence></application>)");
  REQUIRE(load.ok());
  CHECK(load.rules->applicationRules("abc")->start_sequence == 1);
  CHECK_FALSE(load.rules->applicationRules("xyz"));
}

TEST_CASE("program lookup happens inside the application element that matched", "[rules]") {
  const auto load = loadInline(R"(
      <application name="web">
        <programs>
          <program pattern="srv"><start_sequence>1</start_sequence></program>
          <program pattern="srv_\d+"><start_sequence>2</start_sequence></program>
          <program name="srv_1"><start_sequence>3</start_sequence></program>
        </programs>
      </application>
      <application pattern="web">
        <programs><program pattern=""><start_sequence>9</start_sequence></program></programs>
      </application>)");
  REQUIRE(load.ok());
  const Rules& rules = *load.rules;
  CHECK(rules.processRules("web", "srv_1")->start_sequence == 3);
  CHECK(rules.processRules("web", "srv_22")->start_sequence == 2);
  CHECK(rules.processRules("web", "srvx")->start_sequence == 1);
  CHECK(rules.processRules("web", "other")->start_sequence == 0);  // not the pattern element's
  CHECK(rules.processRules("web2", "srv_1")->start_sequence == 9);
}

TEST_CASE("allowed instances follow the distribution, '#' and '@'", "[rules]") {
  const auto load = loadFixtures({"full.xml"});
  REQUIRE(load.ok());
  const Rules& rules = *load.rules;
  const auto directory = testDirectory();
  // ALL_INSTANCES: the program's list, '#' by process index.
  CHECK(rules.allowedInstances("backend", "db", 0, directory) == Names{"10.0.0.1:60000"});
  CHECK(rules.allowedInstances("backend", "api_01", 0, directory) == Names{"10.0.0.1:60000"});
  CHECK(rules.allowedInstances("backend", "api_05", 4, directory) == Names{"10.0.0.1:60000"});
  CHECK(rules.allowedInstances("backend", "api_04", 3, directory) == Names{"10.0.0.4:60000"});
  // SINGLE_INSTANCE with '#': application N on the (N-1)-th console, wrapping.
  CHECK(rules.allowedInstances("hmi_01", "x", 5, directory) == Names{"10.0.0.3:60000"});
  CHECK(rules.allowedInstances("hmi_02", "x", 0, directory) == Names{"10.0.0.4:60000"});
  CHECK(rules.allowedInstances("hmi_03", "x", 0, directory) == Names{"10.0.0.3:60000"});
  CHECK(rules.applicationRules("hmi_03")->application_number == 3u);
  CHECK(rules.applicationRules("hmi_03")->start_sequence == 2);
  // A name without -N/_N suffix: start_sequence forced to 0 and nowhere to run.
  CHECK(rules.applicationRules("hmi_main")->start_sequence == 0);
  CHECK_FALSE(rules.applicationRules("hmi_main")->application_number);
  CHECK(rules.allowedInstances("hmi_main", "x", 0, directory).empty());
  // SINGLE_NODE with '*': every instance.
  CHECK(rules.allowedInstances("node_app", "x", 0, directory).size() == 4);
  // Unmanaged: anywhere.
  CHECK(rules.allowedInstances("other", "x", 0, directory).size() == 4);
}

TEST_CASE("consistency fixes and Supvisors' logged fixes are warnings", "[rules][fixes]") {
  const auto load = loadFixtures({"fixes.xml"});
  INFO(dumpRulesText(load));
  REQUIRE(load.ok());
  const Rules& rules = *load.rules;
  CHECK(hasWarning(load, 5, "alias 'servers' is defined again"));
  CHECK(hasWarning(load, 11, "start_sequence -1 is negative and ignored"));
  CHECK(hasWarning(load, 12, "stop_sequence -2 is negative and ignored"));
  CHECK(rules.applicationRules("fixes")->start_sequence == 0);
  CHECK(rules.applicationRules("fixes")->stop_sequence == 0);
  CHECK(hasWarning(load, 13, "operational_status ignored (expression expected at column 8)"));
  CHECK_FALSE(rules.applicationRules("fixes")->operational_status);

  CHECK(hasWarning(load, 15, "required is set to false because start_sequence is 0"));
  CHECK_FALSE(rules.processRules("fixes", "required_without_rank")->required);

  CHECK(hasWarning(load, 18, "'#' applies to the processes of a homogeneous program"));
  CHECK(rules.processRules("fixes", "hash_on_name")->identifiers == IdentifierList{});

  CHECK(hasWarning(load, 23, "'#' is ignored because '@' is also given"));
  CHECK(rules.processRules("fixes", "both_marks_1")->identifiers.assignment == IndexAssignment::At);

  // program -> m1 -> m2 counts 3 levels: m2's reference to m3 is ignored.
  CHECK(hasWarning(load, 7, "reference to model 'm3' is ignored for program 'deep'"));
  const auto deep = rules.processRules("fixes", "deep");
  CHECK(deep->start_sequence == 1);    // m1
  CHECK(deep->expected_loading == 5);  // m2
  CHECK_FALSE(deep->wait_exit);        // m3 not applied

  CHECK(hasWarning(load, 29, "identifiers name 'mars'"));
  CHECK(hasWarning(load, 29, "identifiers name '@NOBODY'"));
  CHECK_FALSE(hasWarning(load, 29, "'@CONSOLE'"));
  CHECK_FALSE(hasWarning(load, 29, "'srv01'"));

  CHECK(hasWarning(load, 32, "program 'twice' is already defined at fixes.xml:31"));
  CHECK(rules.processRules("fixes", "twice")->start_sequence == 0);  // the first one
  CHECK(hasWarning(load, 34, "program pattern 'p_' is already defined at fixes.xml:33"));
  CHECK(rules.processRules("fixes", "p_1")->start_sequence == 2);  // the last one
  CHECK(hasWarning(load, 35, "program without name nor pattern"));
  CHECK(hasWarning(load, 36, "has both name and pattern"));

  CHECK(hasWarning(load, 40, "'#' needs a name ending in -N or _N"));
  CHECK(rules.applicationRules("console_app")->start_sequence == 0);
  CHECK(hasWarning(load, 47, "'@' is not supported at application level"));
  CHECK(rules.applicationRules("at_app")->identifiers.assignment == IndexAssignment::None);
  CHECK(hasWarning(load, 49, "application 'fixes' is already defined at fixes.xml:10"));
  CHECK(hasWarning(load, 55, "application pattern '^grp_' is already defined at fixes.xml:52"));
  CHECK(rules.applicationRules("grp_1")->start_sequence == 2);
  CHECK(load.warnings.size() == 18);
}

TEST_CASE("several files merge as Supvisors does", "[rules][merge]") {
  const auto load = loadFixtures({"merge_a.xml", "merge_b.xml"});
  INFO(dumpRulesText(load));
  REQUIRE(load.ok());
  const Rules& rules = *load.rules;
  // Application names: the first file wins.
  CHECK(rules.applicationRules("shared")->start_sequence == 1);
  // Models and aliases: the later file's definition, wherever it is used.
  const auto prg = rules.processRules("shared", "prg");
  CHECK(prg->start_sequence == 4);       // remote (file b) -> svc (redefined in file b)
  CHECK(prg->expected_loading == 30);
  CHECK(prg->identifiers.names == Names{"srv01", "srv02"});  // alias redefined in file b
  // Patterns: the later definition, at the place of the first for ties.
  CHECK(rules.applicationRules("app_1")->start_sequence == 2);
  CHECK(rules.applicationRules("xapp")->start_sequence == 5);
  CHECK(load.warnings.size() == 4);
}

TEST_CASE("each kind of invalid file is one fatal error with its line and fix", "[rules][errors]") {
  struct Case {
    std::string fixture;
    int line;
    std::string what;
    std::string fix;
  };
  const std::vector<Case> cases{
      {"invalid/syntax.xml", 5, "XML syntax: Opening and ending tag mismatch", "correct the XML"},
      {"invalid/unknown_element.xml", 4,
       "rejected by the rules schema: Element 'start_seqence': This element is not expected.",
       "check the element name"},
      {"invalid/program_outside_programs.xml", 4, "Element 'program': This element is not expected",
       "<application> holds <programs>"},
      {"invalid/duplicate_child.xml", 5, "Element 'start_sequence': This element is not expected",
       "at most once"},
      {"invalid/bad_enum.xml", 4, "The value 'FASTEST' is not an element of the set",
       "use one of CONFIG, LESS_LOADED, MOST_LOADED, LOCAL, LESS_LOADED_NODE, MOST_LOADED_NODE"},
      {"invalid/out_of_range.xml", 4, "The value '150' is greater than the maximum value allowed",
       "use an integer in [0;100]"},
      {"invalid/bad_sequence.xml", 6, "'300' is not a valid value of the atomic type 'xs:byte'",
       "use an integer in [0;127]"},
      {"invalid/bad_boolean.xml", 6, "'yes' is not a valid value of the atomic type 'xs:boolean'",
       "use true or false"},
      {"invalid/wrong_root.xml", 2, "No matching global declaration available for the validation root",
       "the document element must be <root>"},
      {"invalid/alias_without_name.xml", 3, "The attribute 'name' is required but missing",
       "give the alias a name"},
      {"invalid/unknown_model.xml", 9,
       "program 'server' references model 'bsae', which no rules file defines",
       "define <model name=\"bsae\">"},
      {"invalid/bad_regex.xml", 3,
       "application pattern 'web_(\\d+' is not a valid regular expression: missing closing "
       "parenthesis at offset 8",
       "write a Python re expression"},
      {"invalid/bad_program_regex.xml", 5,
       "program pattern '[a-' is not a valid regular expression: missing terminating ] for "
       "character class at offset 3",
       "write a Python re expression"},
  };
  for (const auto& c : cases) {
    INFO(c.fixture);
    const auto error = onlyError(c.fixture);
    CHECK(error.severity == Severity::Error);
    CHECK(error.file == rulesFixture(c.fixture).string());
    CHECK(error.line == c.line);
    CHECK_THAT(error.what, Catch::Contains(c.what));
    CHECK_THAT(error.fix, Catch::Contains(c.fix));
  }
}

TEST_CASE("reference loops are fatal, one message per loop", "[rules][errors]") {
  const auto load = loadFixtures({"invalid/reference_loop.xml"});
  REQUIRE(load.errors.size() == 2);
  CHECK(load.errors[0].line == 10);
  CHECK(load.errors[0].what == "reference loop between models: a -> b -> c -> a");
  CHECK(load.errors[1].line == 13);
  CHECK(load.errors[1].what == "reference loop between models: self -> self");
}

TEST_CASE("an unreadable file is fatal and named", "[rules][errors]") {
  const auto load = loadRules({"/nonexistent/rules.xml"}, testDirectory());
  REQUIRE(load.errors.size() == 1);
  CHECK(load.errors[0].describe() ==
        "/nonexistent/rules.xml: error: cannot read the rules file (fix: check the path in "
        "rules_files and its permissions)");
}

TEST_CASE("one bad file among several: no rules at all", "[rules][errors]") {
  const auto load = loadFixtures({"full.xml", "invalid/bad_enum.xml"});
  CHECK_FALSE(load.ok());
  CHECK_FALSE(load.rules);
}

TEST_CASE("a diagnostic describes itself as file:line: severity: what (fix)", "[rules]") {
  const RulesDiagnostic d{Severity::Warning, "r.xml", 3, "something", "do this"};
  CHECK(d.describe() == "r.xml:3: warning: something (fix: do this)");
}

TEST_CASE("the example of the reference (§2.8) loads and means what it says", "[rules]") {
  const auto load = loadFixtures({"reference_example.xml"});
  INFO(dumpRulesText(load));
  REQUIRE(load.ok());
  // con03 is not an instance of the test platform: a warning, resolved if it ever appears.
  REQUIRE(load.warnings.size() == 1);
  CHECK(load.warnings[0].line == 48);
  CHECK_THAT(load.warnings[0].what, Catch::Contains("identifiers name 'con03'"));
  const Rules& rules = *load.rules;
  auto directory = testDirectory();
  CHECK(rules.processRules("backend", "db")->running_failure_strategy ==
        RunningFailureStrategy::RestartApplication);
  CHECK(rules.processRules("backend", "api_03")->expected_loading == 5);
  CHECK(rules.allowedInstances("backend", "api_03", 2, directory) == Names{"10.0.0.1:60000"});
  // Two consoles known: hmi_04 -> index 3 mod 2 -> con02; with con03 it wraps to con01.
  CHECK(rules.allowedInstances("hmi_04", "x", 0, directory) == Names{"10.0.0.4:60000"});
  directory.instances.push_back(InstanceEntry::named("10.0.0.5:60000", "con03", {}));
  CHECK(rules.allowedInstances("hmi_04", "x", 0, directory) == Names{"10.0.0.3:60000"});
  CHECK(rules.allowedInstances("hmi_03", "x", 0, directory) == Names{"10.0.0.5:60000"});
  CHECK(rules.processRules("hmi_04", "anything")->start_sequence == 1);
}

TEST_CASE("a rules file is read as UTF-8 whatever encoding it declares", "[rules][errors]") {
  // ISO-8859-1 bytes (an e acute in a comment), declared so: an error that says how to convert.
  const auto latin1 = validateRulesXml(
      "latin1.xml",
      "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<root><!-- caf\xE9 --></root>\n");
  REQUIRE_FALSE(latin1.empty());
  CHECK(latin1[0].line == 2);
  CHECK_THAT(latin1[0].what, Catch::Contains("UTF-8"));
  CHECK_THAT(latin1[0].fix, Catch::Contains("iconv -f ISO-8859-1 -t UTF-8"));
  // UTF-8 content passes, even under a declaration no converter knows (it is not looked up).
  CHECK(validateRulesXml(
            "utf8.xml",
            "<?xml version=\"1.0\" encoding=\"UTF-6\"?>\n<root><!-- caf\xC3\xA9 --></root>\n")
            .empty());
}
