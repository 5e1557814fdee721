#include <catch2/catch.hpp>

#include "rules_test_util.h"

using namespace supvisors;
using namespace supvisors::test;
using Names = std::vector<std::string>;

namespace {
RulesLoad loadExample(const std::string& name) {
  const auto path = std::filesystem::path(SUPVISORS_SOURCE_DIR) / "examples/rules" / name;
  auto load = loadRules({path}, testDirectory());
  INFO(dumpRulesText(load));
  REQUIRE(load.ok());
  CHECK(load.warnings.empty());
  return load;
}
}  // namespace

TEST_CASE("examples/rules/movies.xml loads and places the movie services", "[rules][examples]") {
  const auto load = loadExample("movies.xml");
  const Rules& rules = *load.rules;
  const auto directory = testDirectory();
  CHECK(rules.processRules("database", "movie_db_init")->wait_exit);
  CHECK(rules.processRules("database", "movie_server")->required);
  CHECK(rules.allowedInstances("movies_services", "search_03", 2, directory) ==
        Names{"10.0.0.1:60000"});
  CHECK(rules.processRules("movies_services", "indexer")->start_sequence == 0);
  CHECK(rules.applicationRules("web_movies")->distribution == DistributionRule::SingleInstance);
  CHECK(rules.processRules("viewer_2", "player")->expected_loading == 8);
  CHECK_FALSE(rules.applicationRules("unrelated"));
}

TEST_CASE("examples/rules/displays.xml pins display_N to the N-th console", "[rules][examples]") {
  const auto load = loadExample("displays.xml");
  const Rules& rules = *load.rules;
  const auto directory = testDirectory();
  CHECK(rules.allowedInstances("display_01", "screen_1", 0, directory) == Names{"10.0.0.3:60000"});
  CHECK(rules.allowedInstances("display_02", "screen_1", 0, directory) == Names{"10.0.0.4:60000"});
  CHECK(rules.allowedInstances("display_03", "screen_1", 0, directory) == Names{"10.0.0.3:60000"});
  // '@' over @CONSOLE: decoder 0 and 1 get a console each, decoder 2 none.
  CHECK(rules.allowedInstances("video_wall", "decoder_1", 1, directory) == Names{"10.0.0.4:60000"});
  CHECK(rules.allowedInstances("video_wall", "decoder_2", 2, directory).empty());
  const auto formula = rules.applicationRules("display_01")->operational_status;
  REQUIRE(formula);
  CHECK(formula->evaluate({{"window_manager", ProcessState::Running, true},
                           {"screen_1", ProcessState::Running, true},
                           {"screen_2", ProcessState::Fatal, true}})
            .value == false);
}

TEST_CASE("examples/rules/server_console.xml resolves aliases to stereotypes", "[rules][examples]") {
  const auto load = loadExample("server_console.xml");
  const Rules& rules = *load.rules;
  auto directory = testDirectory();
  CHECK(rules.allowedInstances("scen_srv_02", "srv_bus", 0, directory) == Names{"10.0.0.2:60000"});
  CHECK(rules.allowedInstances("scen_hci_07", "hci_map", 0, directory) ==
        Names{"10.0.0.3:60000", "10.0.0.4:60000"});
  const auto bus = rules.processRules("scen_srv_01", "srv_bus");
  CHECK(bus->running_failure_strategy == RunningFailureStrategy::RestartApplication);
  CHECK(bus->required);
  CHECK(rules.processRules("scen_srv_01", "srv_track")->start_sequence == 2);
  CHECK(rules.allowedInstances("monitoring", "probe", 0, directory).size() == 4);
  // A console that joins later carries @CONSOLE: HCIs may run there without a rules change.
  directory.instances.push_back(InstanceEntry::named("10.0.0.5:60000", "con03", {"@CONSOLE"}));
  CHECK(rules.allowedInstances("scen_hci_07", "hci_map", 0, directory).size() == 3);
}
