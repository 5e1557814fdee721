// The configuration loader: one test per kind of mistake, the defaults, expansions, paths,
// globs and the resolution of supvisors_list and of this agent's identity.

#include <catch2/catch.hpp>

#include "agent/config/config_loader.h"
#include "agent/daemon/settings.h"
#include "test/agent/config_test_host.h"

namespace supvisors {
namespace {

using Catch::Matchers::Contains;
using test::errorsOf;
using test::loadText;
using test::TempDir;
using test::warningsOf;

const std::string kList = "[supvisors]\nsupvisors_list = server1:60000\n";

std::string conf(const TempDir& dir) {
  return (dir.path() / "a.conf").string();
}

TEST_CASE("a minimal file gives every default", "[config]") {
  TempDir dir;
  const auto load = loadText(dir, kList);
  REQUIRE(errorsOf(load).empty());
  REQUIRE(load.warnings.empty());
  const Config& c = *load.config;
  REQUIRE(c.instances.size() == 1);
  CHECK(c.local().identifier == "server1:60000");
  CHECK(c.local().nick == "server1");
  CHECK(c.local().peer_port == 60001);
  const auto& s = c.supvisors;
  CHECK(s.event_port == 60002);
  CHECK(s.event_link == EventLink::None);
  CHECK(s.inactivity_ticks == 8);
  CHECK(s.stats_collecting_period == 5.0);
  CHECK(s.stats_periods == std::vector<double>{10.0});
  CHECK(s.stats_histo == 200);
  CHECK(s.stats_enabled == StatisticsType::All);
  CHECK(s.synchro_timeout == 15);
  // CORE is dropped silently (no core_identifiers), as Supvisors.
  CHECK(s.synchro_options ==
        std::vector{SynchronizationOption::Strict, SynchronizationOption::Timeout});
  CHECK(s.starting_strategy == StartingStrategy::Config);
  CHECK(s.conciliation_strategy == ConciliationStrategy::User);
  CHECK(s.supvisors_failure_strategy == SupvisorsFailureStrategy::Continue);
  CHECK(s.tail_limit == 1024);
  CHECK(s.tailf_limit == 1024);
  CHECK(!s.logfile);
  CHECK(s.logfile_maxbytes == 50 * 1024 * 1024);
  CHECK(s.logfile_backups == 10);
  CHECK(s.loglevel == LogLevel::Info);
  CHECK(s.multicast_ttl == 1);
  CHECK(!s.multicast_group);
  CHECK(!s.auto_fence);
  CHECK(s.rules_files.empty());
  const auto& sv = c.supervisor;
  CHECK(sv.serverurl.kind == SupervisorUrl::Kind::Unix);
  CHECK(sv.serverurl.socket_path == "/var/run/supervisor.sock");
  CHECK(sv.serverurl.text == "unix:///var/run/supervisor.sock");
  CHECK(sv.poll_period == 1.0);
  CHECK(sv.call_timeout == 10.0);
  const auto& a = c.agent;
  CHECK(a.tick_period == 0.1);
  CHECK(a.goodbye_grace == 30.0);
  CHECK(a.supervisor_lost_after == 60.0);
  CHECK(a.node_id == "0123456789abcdef0123456789abcdef");
  CHECK(a.http_bind == "server1");
  CHECK(a.peer_bind == "server1");
  CHECK(a.http_max_body == 4 * 1024 * 1024);
  CHECK(a.http_threads == 8);
  CHECK(a.run_dir == dir.path());
  CHECK(c.lineOf("supvisors", "supvisors_list") == 2);
  CHECK(c.lineOf("supvisors", "starting_strategy") == 0);
}

TEST_CASE("an empty file is a one-instance cluster on this host", "[config]") {
  TempDir dir;
  auto host = test::fakeHost();
  host.machineId.clear();
  const auto load = loadText(dir, "", {}, host);
  REQUIRE(errorsOf(load).empty());
  CHECK(load.config->local().identifier == "server1:60000");
  CHECK(load.config->agent.node_id == "server1");  // no machine-id: the host name
}

TEST_CASE("a missing file is an error", "[config][mistake]") {
  TempDir dir;
  const auto load = loadConfig(dir.path() / "nope.conf", test::fakeHost(), {});
  REQUIRE(!load.config);
  REQUIRE(load.errors.size() == 1);
  CHECK(load.errors[0].format() ==
        (dir.path() / "nope.conf").string() + ": cannot read the file: No such file or directory");
}

TEST_CASE("a folder instead of a file is an error", "[config][mistake]") {
  TempDir dir;
  const auto load = loadConfig(dir.path(), test::fakeHost(), {});
  REQUIRE(!load.config);
  CHECK(errorsOf(load) == dir.path().string() + ": cannot read the file: is a directory\n");
}

TEST_CASE("an unknown section suggests the nearest", "[config][mistake]") {
  TempDir dir;
  const auto load = loadText(dir, kList + "[agnet]\ntick_period = 1\n");
  REQUIRE(!load.config);
  CHECK(errorsOf(load) == conf(dir) +
                              ":3: [agnet]: unknown section; did you mean [agent]? "
                              "allowed: [supvisors], [supervisor], [agent]\n");
}

TEST_CASE("an unknown key suggests the nearest", "[config][mistake]") {
  TempDir dir;
  const auto load = loadText(dir, kList + "starting_stategy = CONFIG\nStarting_Strategy = LOCAL\n");
  REQUIRE(!load.config);
  CHECK(
      errorsOf(load) ==
      conf(dir) +
          ":3: [supvisors] starting_stategy: unknown option; did you mean 'starting_strategy'?\n" +
          conf(dir) +
          ":4: [supvisors] Starting_Strategy: unknown option; did you mean 'starting_strategy'?\n");
}

TEST_CASE("a bad enum names the allowed values", "[config][mistake]") {
  TempDir dir;
  const auto load = loadText(dir, kList + "starting_strategy = FASTEST\n");
  REQUIRE(!load.config);
  CHECK(errorsOf(load) ==
        conf(dir) +
            ":3: [supvisors] starting_strategy = FASTEST: not a starting strategy; allowed: "
            "CONFIG, LESS_LOADED, MOST_LOADED, LOCAL, LESS_LOADED_NODE, MOST_LOADED_NODE\n");
}

TEST_CASE("enums are read in any case", "[config]") {
  TempDir dir;
  const auto load =
      loadText(dir, kList + "starting_strategy = less_loaded_node\nloglevel = WARN\n");
  REQUIRE(errorsOf(load).empty());
  CHECK(load.config->supvisors.starting_strategy == StartingStrategy::LessLoadedNode);
  CHECK(load.config->supvisors.loglevel == LogLevel::Warn);
}

TEST_CASE("an integer out of range or not an integer", "[config][mistake]") {
  TempDir dir;
  const auto load = loadText(dir, kList +
                                      "inactivity_ticks = 1\nsynchro_timeout = 3O\n"
                                      "[agent]\nhttp_threads = 1000\n");
  CHECK(errorsOf(load) ==
        conf(dir) +
            ":3: [supvisors] inactivity_ticks = 1: out of range; allowed: an integer in [2;720]\n" +
            conf(dir) +
            ":4: [supvisors] synchro_timeout = 3O: not an integer; allowed: an integer in "
            "[15;1200]\n" +
            conf(dir) +
            ":6: [agent] http_threads = 1000: out of range; allowed: an integer in [2;256]\n");
}

TEST_CASE("seconds out of range or not a number", "[config][mistake]") {
  TempDir dir;
  const auto load =
      loadText(dir, kList +
                        "[agent]\ntick_period = 20\n[supervisor]\npoll_period = fast\n"
                        "call_timeout = 0.1\n");
  CHECK(errorsOf(load) ==
        conf(dir) + ":4: [agent] tick_period = 20: out of range; allowed: seconds in [0.05;10]\n" +
            conf(dir) +
            ":6: [supervisor] poll_period = fast: not a number; allowed: seconds in [0.1;3600]\n" +
            conf(dir) +
            ":7: [supervisor] call_timeout = 0.1: out of range; allowed: seconds in [0.5;600]\n");
}

TEST_CASE("goodbye_grace and supervisor_lost_after: seconds in [0;3600], given to the engine",
          "[config]") {
  TempDir dir;
  {
    const auto load =
        loadText(dir, kList + "[agent]\ngoodbye_grace = 4.5\nsupervisor_lost_after = 0\n");
    REQUIRE(errorsOf(load).empty());
    REQUIRE(load.warnings.empty());
    CHECK(load.config->agent.goodbye_grace == 4.5);
    CHECK(load.config->agent.supervisor_lost_after == 0.0);  // never
    CHECK(load.config->lineOf("agent", "goodbye_grace") == 4);
    const auto settings = settingsFromConfig(*load.config, RulesLoad{}, std::nullopt);
    CHECK(settings.engine.goodbye_grace == 4.5);
    CHECK(settings.engine.supervisor_lost_after == 0.0);
    CHECK(settings.engine.ticksFor(settings.engine.goodbye_grace) == 45);  // 0.1 s ticks
    CHECK(settings.engine.validate().empty());
  }
  {
    const auto load =
        loadText(dir, kList + "[agent]\ngoodbye_grace = 0\nsupervisor_lost_after = 3600\n");
    REQUIRE(errorsOf(load).empty());
    CHECK(load.config->agent.goodbye_grace == 0.0);  // a clean stop is a lost host at once
    CHECK(load.config->agent.supervisor_lost_after == 3600.0);
  }
  {  // the defaults reach the engine unchanged
    const auto load = loadText(dir, kList);
    REQUIRE(errorsOf(load).empty());
    const auto settings = settingsFromConfig(*load.config, RulesLoad{}, std::nullopt);
    CHECK(settings.engine.goodbye_grace == 30.0);
    CHECK(settings.engine.supervisor_lost_after == 60.0);
  }
}

TEST_CASE("the engine refreshes its StateModes once a second whatever tick_period", "[config]") {
  TempDir dir;
  for (const auto& [period, ticks] : {std::pair{"0.05", 20}, {"0.1", 10}, {"0.2", 5}, {"1", 1}}) {
    const auto load = loadText(dir, kList + "[agent]\ntick_period = " + period + "\n");
    REQUIRE(errorsOf(load).empty());
    const auto settings = settingsFromConfig(*load.config, RulesLoad{}, std::nullopt);
    CHECK(settings.engine.state_refresh_ticks == ticks);
  }
}

TEST_CASE("goodbye_grace and supervisor_lost_after out of range or not a number",
          "[config][mistake]") {
  TempDir dir;
  const auto load =
      loadText(dir, kList + "[agent]\ngoodbye_grace = -1\nsupervisor_lost_after = 1m\n");
  CHECK(errorsOf(load) ==
        conf(dir) + ":4: [agent] goodbye_grace = -1: out of range; allowed: seconds in [0;3600]\n" +
            conf(dir) +
            ":5: [agent] supervisor_lost_after = 1m: not a number; allowed: seconds in [0;3600]\n");
  TempDir big;
  CHECK(errorsOf(loadText(big, kList + "[agent]\nsupervisor_lost_after = 3601\n")) ==
        conf(big) +
            ":4: [agent] supervisor_lost_after = 3601: out of range; allowed: seconds in "
            "[0;3600]\n");
}

TEST_CASE("a bad boolean", "[config][mistake]") {
  TempDir dir;
  const auto load = loadText(dir, kList + "auto_fence = maybe\n");
  CHECK(errorsOf(load) == conf(dir) +
                              ":3: [supvisors] auto_fence = maybe: not a boolean; allowed: "
                              "true, false, yes, no, on, off, 1, 0\n");
}

TEST_CASE("booleans are Supervisor's spellings", "[config]") {
  for (const auto& [text, value] : std::vector<std::pair<std::string, bool>>{{"true", true},
                                                                             {"Yes", true},
                                                                             {"on", true},
                                                                             {"1", true},
                                                                             {"false", false},
                                                                             {"NO", false},
                                                                             {"off", false},
                                                                             {"0", false}}) {
    TempDir dir;
    const auto load = loadText(dir, kList + "stats_irix_mode = " + text + "\n");
    REQUIRE(errorsOf(load).empty());
    CHECK(load.config->supvisors.stats_irix_mode == value);
  }
}

TEST_CASE("a bad byte size", "[config][mistake]") {
  TempDir dir;
  const auto load = loadText(dir, kList + "tail_limit = 1TB\nlogfile_maxbytes = 2 MB\n");
  CHECK(errorsOf(load) == conf(dir) +
                              ":3: [supvisors] tail_limit = 1TB: not a byte size; allowed: "
                              "a number of bytes with an optional KB, MB or GB suffix\n");
  TempDir ok;
  const auto good = loadText(ok, kList + "tail_limit = 3kb\nlogfile_maxbytes = 1GB\n");
  REQUIRE(errorsOf(good).empty());
  CHECK(good.config->supvisors.tail_limit == 3072);
  CHECK(good.config->supvisors.logfile_maxbytes == 1024LL * 1024 * 1024);
}

TEST_CASE("bad supvisors_list entries are each reported", "[config][mistake]") {
  TempDir dir;
  const auto load = loadText(dir,
                             "[supvisors]\nsupvisors_list = server1:60000, server2:99999, "
                             "<>server3, fe80::1:60000, bad/host\n");
  const std::string allowed =
      "; allowed: <nick>host:port (nick and port optional, port in [1;65533])\n";
  CHECK(errorsOf(load) ==
        conf(dir) + ":2: [supvisors] supvisors_list: bad entry 'server2:99999': bad port '99999'" +
            allowed + conf(dir) +
            ":2: [supvisors] supvisors_list: bad entry '<>server3': bad nick; a nick is letters, "
            "digits, '-', '_' or '.'" +
            allowed + conf(dir) +
            ":2: [supvisors] supvisors_list: bad entry 'fe80::1:60000': an IPv6 address is written "
            "in brackets, e.g. [::1]:60000" +
            allowed + conf(dir) +
            ":2: [supvisors] supvisors_list: bad entry 'bad/host': bad host name" + allowed);
}

TEST_CASE("two entries with the same nick", "[config][mistake]") {
  TempDir dir;
  const auto load = loadText(dir,
                             "[supvisors]\nsupvisors_list = server1:60000, server1:60010\n"
                             "[agent]\nidentifier = server1:60000\n");
  CHECK(errorsOf(load) == conf(dir) +
                              ":2: [supvisors] supvisors_list: entries server1:60000 and "
                              "server1:60010 have the same nick 'server1'; give each its own "
                              "nick: <nick>host:port\n");
}

TEST_CASE("this host matches no entry", "[config][mistake]") {
  TempDir dir;
  const auto load = loadText(dir, "[supvisors]\nsupvisors_list = server2:60000, server3:60000\n");
  CHECK(errorsOf(load) ==
        conf(dir) +
            ": [agent] identifier: not set, and no entry of supvisors_list (server2:60000, "
            "server3:60000) names this host (server1, server1.example.com, 127.0.0.1, 10.0.0.1, "
            "::1); set [agent] identifier to the nick or host:port of this agent's entry\n");
}

TEST_CASE("this host matches several entries", "[config][mistake]") {
  TempDir dir;
  const auto load = loadText(dir,
                             "[supvisors]\nsupvisors_list = <a>localhost:60000, <b>10.0.0.1:60000, "
                             "<c>server2:60000\n");
  CHECK(errorsOf(load) ==
        conf(dir) +
            ": [agent] identifier: not set, and this host matches several entries of "
            "supvisors_list (<a>localhost:60000, <b>10.0.0.1:60000); set [agent] identifier to the "
            "nick or host:port of one of them\n");
}

TEST_CASE("an identifier that names no entry", "[config][mistake]") {
  TempDir dir;
  const auto load = loadText(dir,
                             "[supvisors]\nsupvisors_list = <a>localhost:60000\n"
                             "[agent]\nidentifier = b\n");
  CHECK(errorsOf(load) ==
        conf(dir) +
            ":4: [agent] identifier: 'b' names no entry of supvisors_list "
            "(<a>localhost:60000); allowed: the nick or host:port of one entry\n");
}

TEST_CASE("identity: by nick, by host:port, by host name, by address", "[config][identity]") {
  const std::string list =
      "[supvisors]\nsupvisors_list = <a>localhost:60000, <b>localhost:60010, "
      "<c>server2:60020\n";
  SECTION("by nick") {
    TempDir dir;
    const auto load = loadText(dir, list + "[agent]\nidentifier = b\n");
    REQUIRE(errorsOf(load).empty());
    CHECK(load.config->local_index == 1);
    CHECK(load.config->local().identifier == "localhost:60010");
    CHECK(load.config->supvisors.event_port == 60012);
    CHECK(load.config->agent.identifier == "b");
  }
  SECTION("by host alone, when one entry has it") {
    TempDir dir;
    const auto load = loadText(dir, list + "[agent]\nidentifier = server2\n");
    REQUIRE(errorsOf(load).empty());
    CHECK(load.config->local_index == 2);
  }
  SECTION("by host:port") {
    TempDir dir;
    const auto load = loadText(dir, list + "[agent]\nidentifier = server2:60020\n");
    REQUIRE(errorsOf(load).empty());
    CHECK(load.config->local_index == 2);
  }
  SECTION("by /etc/hosts name of a local address") {
    TempDir dir;
    const auto load = loadText(dir, "[supvisors]\nsupvisors_list = server2:1, localhost:2\n");
    REQUIRE(errorsOf(load).empty());
    CHECK(load.config->local_index == 1);
  }
  SECTION("by alias") {
    TempDir dir;
    const auto load =
        loadText(dir, "[supvisors]\nsupvisors_list = server2:1, SERVER1.example.com:2\n");
    REQUIRE(errorsOf(load).empty());
    CHECK(load.config->local_index == 1);
  }
  SECTION("by IPv6 literal") {
    TempDir dir;
    const auto load = loadText(dir, "[supvisors]\nsupvisors_list = server2:1, <v6>[0:0::1]:2\n");
    REQUIRE(errorsOf(load).empty());
    CHECK(load.config->local().identifier == "[::1]:2");
    CHECK(load.config->local().host == "::1");
    CHECK(load.config->agent.http_bind == "::1");
  }
}

TEST_CASE("ports default to this agent's, duplicates go, order stays", "[config][identity]") {
  TempDir dir;
  const auto load = loadText(dir,
                             "[supvisors]\nsupvisors_list = server3, <me>server1:61000, server2, "
                             "server3:61000, <two>server2\n");
  REQUIRE(errorsOf(load).empty());
  const auto& list = load.config->instances;
  REQUIRE(list.size() == 3);
  CHECK(list[0].identifier == "server3:61000");
  CHECK(list[1].identifier == "server1:61000");
  CHECK(list[1].nick == "me");
  CHECK(list[2].identifier == "server2:61000");
  CHECK(list[2].nick == "two");  // a written nick wins over the default one
  CHECK(list[2].peer_port == 61001);
  CHECK(load.config->local_index == 1);
}

TEST_CASE("this agent's entry without a port", "[config][mistake]") {
  TempDir dir;
  const auto load = loadText(dir, "[supvisors]\nsupvisors_list = server1, server2:5000\n");
  CHECK(errorsOf(load) ==
        conf(dir) +
            ":2: [supvisors] supvisors_list: this agent's entry 'server1' has "
            "no port; write it host:port or set [agent] identifier = host:port\n");
  TempDir ok;
  const auto good = loadText(ok,
                             "[supvisors]\nsupvisors_list = server1, server2\n"
                             "[agent]\nidentifier = server1:7000\n");
  REQUIRE(errorsOf(good).empty());
  CHECK(good.config->instances[1].identifier == "server2:7000");
}

TEST_CASE("event_port: computed, set, or clashing", "[config]") {
  TempDir dir;
  const auto set = loadText(dir, kList + "event_port = 7000\n");
  REQUIRE(errorsOf(set).empty());
  CHECK(set.config->supvisors.event_port == 7000);
  TempDir bad;
  const auto clash = loadText(bad, kList + "event_port = 60001\n");
  CHECK(errorsOf(clash) == conf(bad) +
                               ":3: [supvisors] event_port: 60001 is taken by this agent's peer "
                               "port; allowed: a port other than 60000 and 60001\n");
}

TEST_CASE("username without password and the reverse", "[config][mistake]") {
  TempDir dir;
  const auto load =
      loadText(dir, kList + "[agent]\nusername = admin\n[supervisor]\npassword = x\n");
  CHECK(errorsOf(load) ==
        conf(dir) + ":4: [agent] username: set without a password; set both or neither\n" +
            conf(dir) + ":6: [supervisor] password: set without a username; set both or neither\n");
}

TEST_CASE("a {SHA} password must hold 40 hex digits", "[config][mistake]") {
  TempDir dir;
  const auto load = loadText(dir, kList + "[agent]\nusername = a\npassword = {SHA}1234\n");
  CHECK(errorsOf(load) == conf(dir) +
                              ":5: [agent] password: a {SHA} password must be {SHA} followed by "
                              "40 hexadecimal digits (the SHA-1 of the password)\n");
}

TEST_CASE("serverurl: unix, http, or a bad scheme", "[config][mistake]") {
  TempDir dir;
  const auto bad = loadText(dir, kList + "[supervisor]\nserverurl = https://localhost:9001\n");
  CHECK(errorsOf(bad) ==
        conf(dir) +
            ":4: [supervisor] serverurl = https://localhost:9001: not a "
            "supervisord URL; allowed: unix:///path/to/socket or http://host:port\n");
  TempDir d2;
  const auto http = loadText(d2, kList + "[supervisor]\nserverurl = http://localhost:9001\n");
  REQUIRE(errorsOf(http).empty());
  CHECK(http.config->supervisor.serverurl.kind == SupervisorUrl::Kind::Http);
  CHECK(http.config->supervisor.serverurl.host == "localhost");
  CHECK(http.config->supervisor.serverurl.port == 9001);
  TempDir d3;
  const auto onUnix =
      loadText(d3, kList + "[supervisor]\nserverurl = unix://sock/supervisor.sock\n");
  REQUIRE(errorsOf(onUnix).empty());
  CHECK(onUnix.config->supervisor.serverurl.socket_path == d3.path() / "sock/supervisor.sock");
  CHECK(onUnix.config->supervisor.serverurl.text ==
        "unix://" + (d3.path() / "sock/supervisor.sock").string());
}

TEST_CASE("an unknown environment variable is named", "[config][mistake]") {
  TempDir dir;
  const auto load = loadText(dir, kList + "software_name = %(ENV_NOPE)s\n");
  CHECK(errorsOf(load) == conf(dir) +
                              ":3: [supvisors] software_name = %(ENV_NOPE)s: environment "
                              "variable 'NOPE' is not set (in %(ENV_NOPE)s)\n");
}

TEST_CASE("expansions: here, ENV, host_node_name, %%", "[config]") {
  TempDir dir;
  const auto load = loadText(dir,
                             "[supvisors]\nsupvisors_list = %(host_node_name)s:%(ENV_PORT)s\n"
                             "software_name = 100%% %(ENV_APP)s\nlogfile = %(here)s/x.log\n",
                             {{"PORT", "6000"}, {"APP", "Movies"}});
  REQUIRE(errorsOf(load).empty());
  CHECK(load.config->local().identifier == "server1:6000");
  CHECK(load.config->supvisors.software_name == "100% Movies");
  CHECK(*load.config->supvisors.logfile == dir.path() / "x.log");
  TempDir bad;
  const auto lone = loadText(bad, kList + "software_name = 100%\n");
  CHECK_THAT(errorsOf(lone), Contains("a '%' must be written '%%' or start '%(name)s'"));
}

TEST_CASE("a duplicate key names both lines", "[config][mistake]") {
  TempDir dir;
  const auto load = loadText(dir, kList + "loglevel = info\n\nloglevel = debug\n");
  CHECK(errorsOf(load) == conf(dir) + ":5: [supvisors] loglevel: duplicate key (lines 3 and 5)\n");
}

TEST_CASE("several errors are reported together with their lines", "[config][mistake]") {
  TempDir dir;
  const auto load = loadText(dir,
                             "[supvisors]\n"
                             "supvisors_list = server1:60000\n"
                             "starting_strategy = FASTEST\n"
                             "stats_histo = 5\n"
                             "[agent]\n"
                             "tick_period = never\n"
                             "colour = blue\n"
                             "[supervisor]\n"
                             "serverurl = ftp://x\n");
  REQUIRE(!load.config);
  REQUIRE(load.errors.size() == 5);
  CHECK(load.errors[0].line == 3);
  CHECK(load.errors[0].option == "starting_strategy");
  CHECK(load.errors[1].line == 4);
  CHECK(load.errors[1].option == "stats_histo");
  CHECK(load.errors[2].line == 6);
  CHECK(load.errors[3].line == 7);
  CHECK(load.errors[3].option == "colour");
  CHECK(load.errors[4].line == 9);
  CHECK(load.errors[4].section == "supervisor");
}

TEST_CASE("paths are relative to the config file's folder", "[config]") {
  TempDir dir;
  const auto load = loadText(dir,
                             kList +
                                 "logfile = log/agent.log\ndisabilities_file = ~/dis.json\n"
                                 "[agent]\nrun_dir = ../run\n",
                             {{"HOME", "/home/u"}});
  REQUIRE(errorsOf(load).empty());
  CHECK(*load.config->supvisors.logfile == dir.path() / "log/agent.log");
  CHECK(*load.config->supvisors.disabilities_file == "/home/u/dis.json");
  CHECK(load.config->agent.run_dir == dir.path().parent_path() / "run");
}

TEST_CASE("rules_files globs are expanded and sorted; a glob matching nothing warns", "[config]") {
  TempDir dir;
  dir.write("rules/b.xml", "<x/>");
  dir.write("rules/a.xml", "<x/>");
  dir.write("rules/c.txt", "");
  const auto load =
      loadText(dir, kList + "rules_files = rules/*.xml %(here)s/rules/a.xml none/*.xml\n");
  REQUIRE(errorsOf(load).empty());
  CHECK(load.config->supvisors.rules_files ==
        std::vector<std::filesystem::path>{dir.path() / "rules/a.xml", dir.path() / "rules/b.xml"});
  CHECK(warningsOf(load) ==
        conf(dir) + ":3: [supvisors] rules_files: 'none/*.xml' matches no file\n");
}

TEST_CASE("continuation lines, comments and ':' separators", "[config]") {
  TempDir dir;
  const auto load =
      loadText(dir,
               "; a comment\n"
               "# another\n"
               "[supvisors]\n"
               "supvisors_list:\n"
               "    <a>server1:60000 ; inline comment\n"
               "    ; a comment inside the value\n"
               "    <b>server2:60000\n"
               "software_name = a;b # an inline comment; the first ; has no blank before it\n"
               "core_identifiers = a,\n"
               "  b\n");
  REQUIRE(errorsOf(load).empty());
  REQUIRE(load.config->instances.size() == 2);
  CHECK(load.config->instances[1].nick == "b");
  CHECK(load.config->supvisors.software_name == "a;b");
  CHECK(load.config->supvisors.core_identifiers == std::vector<std::string>{"a", "b"});
}

TEST_CASE("an option not implemented yet is accepted with one warning", "[config]") {
  TempDir dir;
  const auto load = loadText(dir, kList + "software_name = Lab\nloglevel = debug\n");
  REQUIRE(errorsOf(load).empty());
  CHECK(warningsOf(load) ==
        conf(dir) + ":3: [supvisors] software_name: accepted; not implemented yet by this agent\n");
}

TEST_CASE("event_link WS is an error: this agent publishes on ZMQ only", "[config]") {
  TempDir dir;
  const auto load = loadText(dir, kList + "event_link = WS\n");
  CHECK_THAT(errorsOf(load), Catch::Contains(":3: [supvisors] event_link") &&
                                 Catch::Contains("WS is not supported") &&
                                 Catch::Contains("NONE, ZMQ"));
}

TEST_CASE("the event stream: ZMQ, its port, bind address and CURVE key options", "[config]") {
  TempDir dir;
  auto load = loadText(dir, kList + "event_link = ZMQ\n");
  REQUIRE(errorsOf(load).empty());
  CHECK(load.config->supvisors.event_link == EventLink::Zmq);
  CHECK(load.config->supvisors.event_port == load.config->local().http_port + 2);
  CHECK(load.config->agent.event_bind == load.config->local().host);
  CHECK_FALSE(load.config->agent.event_curve_key);

  load = loadText(dir, kList + "event_link = ZMQ\nevent_port = 7000\n[agent]\nevent_bind = *\n"
                               "event_curve_key = keys/events.key\n");
  REQUIRE(errorsOf(load).empty());
  CHECK(load.config->supvisors.event_port == 7000);
  CHECK(load.config->agent.event_bind == "0.0.0.0");
  REQUIRE(load.config->agent.event_curve_key);
  CHECK(*load.config->agent.event_subscriber_keys == load.config->agent.event_curve_key->parent_path());

  load = loadText(dir, kList + "[agent]\nevent_bind = not an address!\n");
  CHECK_THAT(errorsOf(load), Catch::Contains("[agent] event_bind"));
}

TEST_CASE("Supvisors' consistency adjustments", "[config]") {
  TempDir dir;
  const auto load = loadText(dir, kList +
                                      "synchro_options = CORE, TIMEOUT\n"
                                      "supvisors_failure_strategy = RESYNC\n");
  REQUIRE(errorsOf(load).empty());
  CHECK(load.config->supvisors.synchro_options == std::vector{SynchronizationOption::Timeout});
  CHECK(load.config->supvisors.supvisors_failure_strategy == SupvisorsFailureStrategy::Continue);
  CHECK_THAT(warningsOf(load),
             Contains(":3: [supvisors] synchro_options: CORE dropped: core_identifiers is empty"));
  CHECK_THAT(warningsOf(load),
             Contains(":4: [supvisors] supvisors_failure_strategy: forced to CONTINUE"));
  TempDir empty;
  const auto none = loadText(empty, kList + "synchro_options = CORE\n");
  CHECK_THAT(errorsOf(none),
             Contains(":3: [supvisors] synchro_options: no option left after adjustments"));
  TempDir bad;
  const auto wrong = loadText(bad, kList + "synchro_options = STRICT, SOON\n");
  CHECK_THAT(errorsOf(wrong),
             Contains("'SOON' is not a synchronization option; allowed: a comma-separated "
                      "list of STRICT, LIST, TIMEOUT, CORE, USER"));
}

TEST_CASE("statistics options", "[config]") {
  TempDir dir;
  const auto load = loadText(dir, kList +
                                      "stats_enabled = host\nstats_periods = 600, 5, 60, 5\n"
                                      "stats_collecting_period = 2.5\n");
  REQUIRE(errorsOf(load).empty());
  CHECK(load.config->supvisors.stats_enabled == StatisticsType::Host);
  CHECK(load.config->supvisors.stats_periods == std::vector{5.0, 60.0, 600.0});
  CHECK(load.config->supvisors.stats_collecting_period == 2.5);
  TempDir off;
  CHECK(loadText(off, kList + "stats_enabled = false\n").config->supvisors.stats_enabled ==
        StatisticsType::Off);
  TempDir bad;
  const auto wrong = loadText(bad, kList + "stats_periods = 1,2,3,4\nstats_enabled = CPU\n");
  CHECK_THAT(errorsOf(wrong), Contains("stats_periods = 1,2,3,4: wrong number of periods"));
  CHECK_THAT(errorsOf(wrong), Contains("stats_enabled = CPU: 'CPU' is not a statistics type"));
}

TEST_CASE("multicast options", "[config]") {
  TempDir dir;
  const auto load =
      loadText(dir, kList + "multicast_group = 239.0.0.1:7777\nmulticast_interface = ANY\n");
  REQUIRE(errorsOf(load).empty());
  CHECK(load.config->supvisors.multicast_group->address == "239.0.0.1");
  CHECK(load.config->supvisors.multicast_group->port == 7777);
  TempDir bad;
  const auto wrong =
      loadText(bad, kList + "multicast_group = 239.0.0.0:7777\nmulticast_interface = eth0\n");
  CHECK_THAT(errorsOf(wrong),
             Contains("multicast_group = 239.0.0.0:7777: not a usable multicast address"));
  CHECK_THAT(errorsOf(wrong), Contains("multicast_interface = eth0: not an IPv4 address"));
}

TEST_CASE("bind addresses: * and explicit", "[config]") {
  TempDir dir;
  const auto load = loadText(dir, kList + "[agent]\nhttp_bind = *\npeer_bind = 10.0.0.1\n");
  REQUIRE(errorsOf(load).empty());
  CHECK(load.config->agent.http_bind == "0.0.0.0");
  CHECK(load.config->agent.peer_bind == "10.0.0.1");
  TempDir bad;
  CHECK_THAT(errorsOf(loadText(bad, kList + "[agent]\nhttp_bind = a b\n")),
             Contains("http_bind = a b: not an address"));
}

TEST_CASE("relay_endpoint: none by default, ipc paths from the config folder, tcp, or an error",
          "[config]") {
  TempDir dir;
  {
    const auto load = loadText(dir, kList);
    REQUIRE(errorsOf(load).empty());
    CHECK(load.config->agent.relay_endpoint.empty());
  }
  {
    const auto load = loadText(dir, kList + "[agent]\nrelay_endpoint = ipc://run/agent.relay\n");
    REQUIRE(errorsOf(load).empty());
    CHECK(load.config->agent.relay_endpoint ==
          "ipc://" + (dir.path() / "run/agent.relay").string());
  }
  {
    const auto load = loadText(dir, kList + "[agent]\nrelay_endpoint = tcp://127.0.0.1:7000\n");
    REQUIRE(errorsOf(load).empty());
    CHECK(load.config->agent.relay_endpoint == "tcp://127.0.0.1:7000");
  }
  {
    const auto load = loadText(dir, kList + "[agent]\nrelay_endpoint = udp://x\n");
    CHECK(errorsOf(load) == conf(dir) +
                                ":4: [agent] relay_endpoint = udp://x: not a relay endpoint; "
                                "allowed: none, ipc://PATH or tcp://HOST:PORT\n");
  }
}

}  // namespace
}  // namespace supvisors

namespace supvisors {
namespace {

TEST_CASE("args_dir: one per agent in run_dir by default, paths from the config folder",
          "[config]") {
  TempDir dir;
  {
    const auto load = loadText(dir, kList);
    REQUIRE(errorsOf(load).empty());
    CHECK(load.config->agent.args_dir == dir.path() / "supvisorsd-60000.args");
  }
  {
    const auto load = loadText(dir, kList + "[agent]\nrun_dir = /var/run/sv\n");
    REQUIRE(errorsOf(load).empty());
    CHECK(load.config->agent.args_dir == "/var/run/sv/supvisorsd-60000.args");
  }
  {
    const auto load = loadText(dir, kList + "[agent]\nargs_dir = args\n");
    REQUIRE(errorsOf(load).empty());
    CHECK(load.config->agent.args_dir == dir.path() / "args");
  }
  {
    const auto load = loadText(dir, kList + "[agent]\nargs_dir =\n");
    CHECK(errorsOf(load) == conf(dir) + ":4: [agent] args_dir = : empty; allowed: a folder path\n");
  }
}

}  // namespace
}  // namespace supvisors
