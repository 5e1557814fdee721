// The engine driven by hand, one event at a time (the simulator in test/sim drives many).
#include <catch2/catch.hpp>

#include "agent/core/engine.h"
#include "agent/core/handshake.h"

using namespace supvisors;

namespace {

struct TestOptions {
  int inactivity_ticks = 5;
  bool auto_fence = false;
  std::vector<SynchronizationOption> synchro{SynchronizationOption::Strict,
                                             SynchronizationOption::Timeout};
};

EngineConfig testConfig(TestOptions o = {}) {
  EngineConfig c;
  c.instances = {InstanceEntry::named("a", "a"), InstanceEntry::named("b", "b")};
  c.local_index = 0;
  c.inactivity_ticks = o.inactivity_ticks;
  c.auto_fence = o.auto_fence;
  c.synchro_options = o.synchro;
  c.goodbye_grace = 1.0;  // 5 ticks
  return c;
}

PeerReceived from(const std::string& sender, std::uint64_t incarnation, PeerBody body) {
  static std::uint64_t sequence = 0;
  return PeerReceived{PeerMessage{{kPeerProtocolVersion, sender, incarnation, ++sequence}, body}};
}

PeerReceived peerTick(std::uint64_t incarnation, bool supervisor_reachable = true) {
  TickMessage t;
  t.supervisor_reachable = supervisor_reachable;
  return from("b", incarnation, t);
}

// a and b shake hands; b reports OPERATION under `master` with both RUNNING.
void join(Engine& engine, std::uint64_t incarnation = 1, std::uint64_t tick = 1) {
  engine.step(LocalProcessesChanged{});  // the local supervisord has no process
  engine.step(Tick{tick});
  engine.step(peerTick(incarnation));
  engine.step(from("b", incarnation, localHandshake(engine.config())));
  PeerProcess p;
  p.group = "app";
  p.name = "worker";
  p.state = ProcessState::Running;
  engine.step(from("b", incarnation, ProcessTableMessage{1, {p}}));
}

template <typename T>
std::vector<T> commandsOf(const std::vector<Command>& commands) {
  std::vector<T> out;
  for (const auto& c : commands)
    if (const auto* t = std::get_if<T>(&c)) out.push_back(*t);
  return out;
}

bool sendsTo(const std::vector<Command>& commands, const std::string& to) {
  for (const auto& s : commandsOf<SendPeer>(commands))
    if (std::find(s.to.begin(), s.to.end(), to) != s.to.end()) return true;
  return false;
}

}  // namespace

TEST_CASE("an instance silent for more than inactivity_ticks is lost", "[engine]") {
  Engine engine(testConfig({.inactivity_ticks = 2}));
  join(engine);
  REQUIRE(engine.view().instance("b").state == InstanceState::Running);
  for (std::uint64_t t = 2; t <= 3; ++t) engine.step(Tick{t});
  CHECK(engine.view().instance("b").state == InstanceState::Running);
  const auto out = engine.step(Tick{4});
  CHECK(engine.view().instance("b").state == InstanceState::Stopped);  // FAILED, then processed
  const auto lost = commandsOf<ProcessesLost>(out);
  REQUIRE(lost.size() == 1);
  CHECK(lost[0].namespecs == std::vector<std::string>{"app:worker"});
}

TEST_CASE("the first tick makes the local instance RUNNING and starts synchronisation",
          "[engine]") {
  Engine engine(testConfig());
  CHECK(engine.step(peerTick(1)).empty());  // nothing before the first tick
  CHECK(engine.view().dropped_messages == 1);
  const auto out = engine.step(Tick{1});
  CHECK(engine.view().local().state == InstanceState::Running);
  CHECK(engine.view().fsm_state == SupvisorsState::Synchronization);
  CHECK(sendsTo(out, "b"));  // the heartbeat goes to STOPPED instances too: how they find us
}

TEST_CASE("two consistent instances reach OPERATION with the smallest nick as Master", "[engine]") {
  Engine engine(testConfig());
  join(engine);
  auto modes = engine.view().stateModes();
  modes.fsm_state = SupvisorsState::Election;
  engine.step(from("b", 1, modes));
  CHECK(engine.view().fsm_state == SupvisorsState::Operation);
  CHECK(engine.view().master == "a");
  CHECK_FALSE(engine.view().degraded);
}

TEST_CASE("a transport error alone tears nothing down", "[engine]") {
  Engine engine(testConfig());
  join(engine);
  for (int i = 0; i < 10; ++i) engine.step(PeerUnreachable{"b", "connection refused"});
  CHECK(engine.view().instance("b").state == InstanceState::Running);
  CHECK(engine.view().instance("b").transport_errors == 10);
}

TEST_CASE("a stalled supervisord behind a ticking agent is not suspected", "[engine]") {
  Engine engine(testConfig());
  join(engine);
  for (std::uint64_t t = 2; t < 60; ++t) {
    engine.step(Tick{t});
    engine.step(peerTick(1, /*supervisor_reachable=*/false));
  }
  const auto& b = engine.view().instance("b");
  CHECK(b.state == InstanceState::Running);
  CHECK_FALSE(b.supervisor_reachable);
  CHECK_FALSE(b.eligible());
  CHECK_FALSE(b.processes_lost);  // 60 s by default before they count as lost
}

TEST_CASE("a restarted agent is re-handshaked, stays RUNNING and its table is replaced",
          "[engine]") {
  Engine engine(testConfig());
  join(engine, 1);
  const auto out = engine.step(peerTick(2));
  CHECK(engine.view().instance("b").state == InstanceState::Running);
  CHECK(engine.view().instance("b").rehandshaking);
  const auto sends = commandsOf<SendPeer>(out);
  CHECK(std::any_of(sends.begin(), sends.end(), [](const SendPeer& s) {
    return std::holds_alternative<HandshakeRequest>(s.body);
  }));
  CHECK(commandsOf<ProcessesLost>(out).empty());
  engine.step(from("b", 2, localHandshake(engine.config())));
  engine.step(from("b", 2, ProcessTableMessage{1, {}}));
  CHECK_FALSE(engine.view().instance("b").rehandshaking);
  CHECK(engine.view().instance("b").processes->empty());
  // A late message of the former life is dropped, not taken for a third life.
  const auto dropped = engine.view().dropped_messages;
  engine.step(peerTick(1));
  CHECK(engine.view().dropped_messages == dropped + 1);
  CHECK_FALSE(engine.view().instance("b").rehandshaking);
}

TEST_CASE("a Goodbye keeps the processes for the grace period, then the host is lost", "[engine]") {
  Engine engine(testConfig());
  join(engine);
  engine.step(from("b", 1, GoodbyeMessage{"SIGTERM"}));
  for (std::uint64_t t = 2; t <= 5; ++t) engine.step(Tick{t});
  CHECK(engine.view().instance("b").state == InstanceState::Running);
  CHECK(engine.view().instance("b").leaving_until.has_value());
  CHECK_FALSE(engine.view().instance("b").eligible());
  const auto out = engine.step(Tick{6});
  CHECK(engine.view().instance("b").state == InstanceState::Stopped);
  CHECK(commandsOf<ProcessesLost>(out).size() == 1);
}

TEST_CASE("an inconsistent peer is ISOLATED and never addressed again", "[engine]") {
  Engine engine(testConfig());
  engine.step(Tick{1});
  engine.step(peerTick(1));
  auto theirs = localHandshake(engine.config());
  theirs.conciliation_strategy = ConciliationStrategy::Senicide;
  engine.step(from("b", 1, theirs));
  const auto& b = engine.view().instance("b");
  CHECK(b.state == InstanceState::Isolated);
  REQUIRE(b.handshake_differences.size() == 1);
  CHECK(b.handshake_differences[0] == "conciliation_strategy: here USER, peer SENICIDE");
  const auto out = engine.step(Tick{2});
  CHECK_FALSE(sendsTo(out, "b"));
  engine.step(peerTick(1));
  CHECK(engine.view().instance("b").state == InstanceState::Isolated);
}

TEST_CASE("auto_fence isolates an instance lost in a working state", "[engine]") {
  Engine engine(testConfig({.inactivity_ticks = 2, .auto_fence = true}));
  join(engine);
  auto modes = engine.view().stateModes();
  engine.step(from("b", 1, modes));
  REQUIRE(engine.view().fsm_state == SupvisorsState::Operation);
  for (std::uint64_t t = 2; t <= 4; ++t) engine.step(Tick{t});
  CHECK(engine.view().instance("b").state == InstanceState::Isolated);
}

TEST_CASE("a joining instance adopts the Master of a peer in OPERATION", "[engine]") {
  EngineConfig config = testConfig();
  config.local_index = 1;  // this agent is b; a already runs the cluster
  Engine engine(config);
  engine.step(Tick{1});
  engine.step(from("a", 5, TickMessage{}));
  engine.step(from("a", 5, localHandshake(engine.config())));
  StateModesMessage modes;
  modes.fsm_state = SupvisorsState::Operation;
  modes.master_identifier = "a";
  modes.instance_states = {{"a", InstanceState::Running}, {"b", InstanceState::Running}};
  engine.step(from("a", 5, modes));
  CHECK(engine.view().fsm_state == SupvisorsState::Operation);
  CHECK(engine.view().master == "a");
}

namespace {

// a, b and c, this agent being `local`; synchronisation ends when the core a and b are RUNNING.
EngineConfig threeInstances(std::size_t local) {
  EngineConfig c = testConfig();
  c.instances = {InstanceEntry::named("a", "a"), InstanceEntry::named("b", "b"),
                 InstanceEntry::named("c", "c")};
  c.local_index = local;
  c.core_identifiers = {"a", "b"};
  c.synchro_options = {SynchronizationOption::Core};
  c.core_guard = 0.0;  // no 15 s guard: the synchronisation ends as soon as a and b are RUNNING
  return c;
}

StateModesMessage modesOf(SupvisorsState fsm, std::string master,
                          std::map<std::string, InstanceState> states) {
  StateModesMessage modes;
  modes.fsm_state = fsm;
  modes.master_identifier = std::move(master);
  modes.instance_states = std::move(states);
  return modes;
}

// One tick here with a heartbeat from each peer, so that none goes silent.
void tickWithPeers(Engine& engine, std::uint64_t tick, const std::vector<std::string>& peers) {
  engine.step(Tick{tick});
  for (const auto& peer : peers) engine.step(from(peer, 1, TickMessage{}));
}

// The first tick, then each peer heard, handshaken and its (empty) table received: RUNNING.
void meetPeers(Engine& engine, const std::vector<std::string>& peers) {
  tickWithPeers(engine, 1, peers);
  for (const auto& peer : peers) {
    engine.step(from(peer, 1, localHandshake(engine.config())));
    engine.step(from(peer, 1, ProcessTableMessage{1, {}}));
  }
}

}  // namespace

TEST_CASE("a first election adopts the acting Master without waiting for a stable context",
          "[engine]") {
  Engine engine(threeInstances(2));  // c joins a cluster run by a
  meetPeers(engine, {"a", "b"});
  using S = InstanceState;
  // b still sees c FAILED (its last incarnation): Supvisors would wait for b's view to change.
  engine.step(from("b", 1,
                   modesOf(SupvisorsState::Operation, "a",
                           {{"a", S::Running}, {"b", S::Running}, {"c", S::Failed}})));
  engine.step(from("a", 1,
                   modesOf(SupvisorsState::Operation, "a",
                           {{"a", S::Running}, {"b", S::Running}, {"c", S::Running}})));
  CHECK(engine.view().master == "a");
  CHECK(engine.view().fsm_state == SupvisorsState::Operation);
}

TEST_CASE("an election held back by a state that cannot alter the choice ends after a while",
          "[engine]") {
  Engine engine(threeInstances(0));  // a: the first core identifier, the Master to be
  using S = InstanceState;
  meetPeers(engine, {"b", "c"});
  // b sees c FAILED, c sees itself RUNNING: the context is not stable.
  engine.step(from("b", 1,
                   modesOf(SupvisorsState::Election, "",
                           {{"a", S::Running}, {"b", S::Running}, {"c", S::Failed}})));
  engine.step(from("c", 1,
                   modesOf(SupvisorsState::Election, "",
                           {{"a", S::Running}, {"b", S::Running}, {"c", S::Running}})));
  tickWithPeers(engine, 2, {"b", "c"});
  REQUIRE(engine.view().fsm_state == SupvisorsState::Election);
  const auto patience = 2 * static_cast<std::uint64_t>(engine.config().inactivity_ticks);
  std::uint64_t tick = 3;
  for (; tick <= 2 + patience && engine.view().fsm_state == SupvisorsState::Election; ++tick)
    tickWithPeers(engine, tick, {"b", "c"});
  // Not before the patience is over; then a, first for every view, is elected.
  CHECK(tick > patience);
  CHECK(engine.view().master == "a");
  CHECK(engine.view().fsm_state != SupvisorsState::Election);

  SECTION("but not when a view would elect another Master") {
    Engine other(threeInstances(1));  // b, whose view of a differs from c's
    meetPeers(other, {"a", "c"});
    other.step(from("a", 1,
                    modesOf(SupvisorsState::Election, "",
                            {{"a", S::Running}, {"b", S::Running}, {"c", S::Running}})));
    other.step(from("c", 1,
                    modesOf(SupvisorsState::Election, "",
                            {{"a", S::Checking}, {"b", S::Running}, {"c", S::Running}})));
    for (std::uint64_t t = 2; t <= 2 + 2 * patience; ++t) tickWithPeers(other, t, {"a", "c"});
    CHECK(other.view().fsm_state == SupvisorsState::Election);
    CHECK(other.view().master.empty());
  }
}

TEST_CASE("end_sync answers with Supvisors' faults", "[engine]") {
  Engine engine(testConfig({.synchro = {SynchronizationOption::User}}));
  auto result = [&](const std::string& master) {
    const auto out = engine.step(UserEndSync{1, master});
    const auto results = commandsOf<UserResult>(out);
    REQUIRE(results.size() == 1);
    return results[0];
  };
  CHECK(result("a").fault == FaultCode::BadSupvisorsState);  // OFF
  engine.step(Tick{1});
  CHECK(result("nobody").fault == FaultCode::BadName);
  CHECK(result("b").fault == FaultCode::NotRunning);
  CHECK(result("a").ok);
  CHECK(engine.view().fsm_state == SupvisorsState::Operation);
  CHECK(engine.view().master == "a");

  Engine strict(testConfig());
  strict.step(Tick{1});
  const auto out = strict.step(UserEndSync{2, ""});
  CHECK(commandsOf<UserResult>(out).at(0).fault == FaultCode::NotApplicable);
}

TEST_CASE("a local table change travels as a delta and a gap asks for the whole table",
          "[engine]") {
  Engine engine(testConfig());
  join(engine);
  PeerProcess p;
  p.group = "web";
  p.name = "web";
  auto out = engine.step(LocalProcessesChanged{{p}});
  const auto sends = commandsOf<SendPeer>(out);
  REQUIRE(sends.size() == 1);
  const auto& delta = std::get<ProcessDeltaMessage>(sends[0].body);
  CHECK(delta.updated.size() == 1);
  CHECK(delta.base_version == 1);  // join() sent the empty table as version 1

  out = engine.step(from("b", 1, ProcessDeltaMessage{7, 8, {}, {}}));  // b's table is at 1
  const auto asks = commandsOf<SendPeer>(out);
  REQUIRE(asks.size() == 1);
  CHECK(std::holds_alternative<ProcessTableRequest>(asks[0].body));
}

TEST_CASE("a partial local table changes only the entries it names", "[engine]") {
  Engine engine(testConfig());
  join(engine);
  PeerProcess web, db;
  web.group = web.name = "web";
  web.state = ProcessState::Running;
  web.pid = 10;
  db.group = db.name = "db";
  db.state = ProcessState::Running;
  db.pid = 11;
  engine.step(LocalProcessesChanged{{db, web}});
  const auto local = [&] { return *engine.view().local().processes; };
  REQUIRE(local().size() == 2);

  // web crashed: only web is named; db stays as it was and only web travels to the peer.
  PeerProcess crashed = web;
  crashed.state = ProcessState::Exited;
  crashed.pid = 0;
  LocalProcessesChanged partial;
  partial.partial = true;
  partial.processes = {crashed};
  auto out = engine.step(partial);
  CHECK(local().at("web").state == ProcessState::Exited);
  CHECK(local().at("db") == db);
  auto sends = commandsOf<SendPeer>(out);
  REQUIRE(sends.size() == 1);
  auto delta = std::get<ProcessDeltaMessage>(sends[0].body);
  REQUIRE(delta.updated.size() == 1);
  CHECK(delta.updated[0].name == "web");
  CHECK(delta.removed.empty());
  const auto crashedTables = engine.view().tables;
  CHECK(crashedTables->findProcess("web")->instances.at("a").info.state == ProcessState::Exited);

  // Named but unchanged: no delta, no rebuild.
  out = engine.step(partial);
  CHECK(commandsOf<SendPeer>(out).empty());
  CHECK(engine.view().tables->version == crashedTables->version);

  // A removal by name; an unknown name is ignored.
  LocalProcessesChanged removal;
  removal.partial = true;
  removal.removed = {"db", "nosuch"};
  out = engine.step(removal);
  CHECK(local().size() == 1);
  CHECK(local().count("web") == 1);
  sends = commandsOf<SendPeer>(out);
  REQUIRE(sends.size() == 1);
  delta = std::get<ProcessDeltaMessage>(sends[0].body);
  CHECK(delta.updated.empty());
  CHECK(delta.removed == std::vector<std::string>{"db"});
  CHECK(engine.view().tables->findProcess("db") == nullptr);
}

TEST_CASE("a renewed stream sends the peer our state and whole table again",
          "[engine][rotation]") {
  Engine engine(testConfig());
  join(engine);
  const auto out = engine.step(PeerLinkRenewed{"b"});
  const auto sends = commandsOf<SendPeer>(out);
  REQUIRE(sends.size() == 2);
  for (const auto& s : sends) CHECK(s.to == std::vector<std::string>{"b"});
  CHECK(std::holds_alternative<StateModesMessage>(sends[0].body));
  CHECK(std::holds_alternative<ProcessTableMessage>(sends[1].body));
  // Nothing for an unknown peer, nor for ourselves.
  CHECK(commandsOf<SendPeer>(engine.step(PeerLinkRenewed{"nosuch"})).empty());
  CHECK(commandsOf<SendPeer>(engine.step(PeerLinkRenewed{"a"})).empty());
}

TEST_CASE("unknown senders are dropped and counted", "[engine]") {
  Engine engine(testConfig());
  engine.step(Tick{1});
  engine.step(from("intruder", 1, TickMessage{}));
  CHECK(engine.view().dropped_messages == 1);
  CHECK(engine.view().find("intruder") == nullptr);
}

TEST_CASE("durations become ticks of tick_period", "[engine]") {
  EngineConfig c = testConfig();
  CHECK(c.ticksFor(15.0) == 75);
  CHECK(c.ticksFor(0.1) == 1);
  CHECK(c.ticksFor(0.0) == 0);
  CHECK(c.validate().empty());
  c.core_identifiers = {"zz"};
  CHECK(c.validate() == std::vector<std::string>{"core identifier zz is not in supvisors_list"});
}

TEST_CASE("beacons of the known life keep a peer with a stalled stream alive", "[engine][beacon]") {
  Engine engine(testConfig({.inactivity_ticks = 2}));
  join(engine, /*incarnation=*/7);
  REQUIRE(engine.view().instance("b").state == InstanceState::Running);
  // The stream says nothing for 24 ticks (retransmission backoff); beacons arrive.
  std::vector<Command> out;
  for (std::uint64_t t = 2; t <= 25; ++t) {
    // A beacon only stamps liveness: it says nothing (the shell then publishes no snapshot).
    CHECK(engine.step(PeerBeacon{"b", 7, t}).empty());
    const auto step = engine.step(Tick{t});
    out.insert(out.end(), step.begin(), step.end());
  }
  CHECK(engine.view().instance("b").state == InstanceState::Running);
  CHECK(engine.view().instance("b").liveness.beacons() == 24);
  CHECK(engine.view().instance("b").liveness.lastMessageTick() == 1);
  // The remote tick and clocks stay those of the last Tick message (beacons carry no clock).
  CHECK(engine.view().instance("b").local_tick_at_reception == 1);
  // Ten windows of stream silence: warned once, nothing torn down.
  int warnings = 0;
  for (const auto& log : commandsOf<Log>(out))
    if (log.text.find("the peer stream is stalled") != std::string::npos) ++warnings;
  CHECK(warnings == 1);
  // The beacons stop: lost after inactivity_ticks like any silence.
  engine.step(Tick{26});
  CHECK(engine.view().instance("b").state == InstanceState::Running);
  for (std::uint64_t t = 27; t <= 28; ++t) engine.step(Tick{t});
  CHECK(engine.view().instance("b").state == InstanceState::Stopped);
}

TEST_CASE("beacons of a retired or unknown life keep nothing alive", "[engine][beacon]") {
  Engine engine(testConfig({.inactivity_ticks = 2}));
  join(engine, /*incarnation=*/7);
  engine.step(Tick{2});
  engine.step(peerTick(8));  // b restarted: life 7 retired, 8 being re-handshaked
  REQUIRE(engine.view().instance("b").liveness.incarnation() == 8);
  for (std::uint64_t t = 3; t <= 6; ++t) {
    engine.step(PeerBeacon{"b", 7, t});  // the former life (or a replay of it)
    engine.step(PeerBeacon{"b", 9, t});  // a life never handshaked
    engine.step(Tick{t});
  }
  CHECK(engine.view().instance("b").state == InstanceState::Stopped);
  CHECK(engine.view().instance("b").liveness.ignoredBeacons() == 8);
  CHECK(engine.view().instance("b").liveness.beacons() == 0);
  // A lost peer is not revived by beacons of its known life either: only its stream can.
  for (std::uint64_t t = 7; t <= 9; ++t) {
    engine.step(PeerBeacon{"b", 8, t});
    engine.step(Tick{t});
  }
  CHECK(engine.view().instance("b").state == InstanceState::Stopped);
}

TEST_CASE("beacons from strangers or before the first tick are dropped and counted",
          "[engine][beacon]") {
  Engine engine(testConfig());
  engine.step(PeerBeacon{"b", 1, 1});  // no tick yet
  engine.step(Tick{1});
  engine.step(PeerBeacon{"z", 1, 1});  // not in the list
  engine.step(PeerBeacon{"a", 1, 1});  // ourselves
  CHECK(engine.view().dropped_beacons == 3);
  // b is not known yet (no stream message): its beacons introduce nothing.
  engine.step(PeerBeacon{"b", 1, 2});
  CHECK(engine.view().instance("b").state == InstanceState::Stopped);
  CHECK_FALSE(engine.view().instance("b").liveness.incarnation());
}

// Agent::step keeps its published copy of the view while only this is true (docs/BENCHMARKS.md
// "Idle CPU"): what it misses then must be clocks and liveness stamps, nothing a reader acts on.
TEST_CASE("a view that only ticks says so; a change of state, table or Master does not",
          "[engine]") {
  Engine engine(testConfig({.inactivity_ticks = 3}));
  join(engine);
  auto modes = engine.view().stateModes();
  modes.fsm_state = SupvisorsState::Election;
  engine.step(from("b", 1, modes));
  REQUIRE(engine.view().fsm_state == SupvisorsState::Operation);

  const ClusterView settled = engine.view();
  for (std::uint64_t t = 2; t <= 4; ++t) {
    engine.step(Tick{t});
    engine.step(peerTick(1));
  }
  CHECK(engine.view().tick == 4);
  CHECK(engine.view().instance("b").liveness.lastHeardTick() == 4);
  CHECK(engine.view().onlyClocksMoved(settled));

  SECTION("a process of the peer changed") {
    PeerProcess p;
    p.group = "app";
    p.name = "worker";
    p.state = ProcessState::Stopped;
    engine.step(from("b", 1, ProcessTableMessage{2, {p}}));
    REQUIRE(engine.view().instance("b").processes->at("app:worker").state == ProcessState::Stopped);
    CHECK_FALSE(engine.view().onlyClocksMoved(settled));
  }
  SECTION("the peer fell silent") {
    for (std::uint64_t t = 5; t <= 9; ++t) engine.step(Tick{t});
    REQUIRE(engine.view().instance("b").state != InstanceState::Running);
    CHECK_FALSE(engine.view().onlyClocksMoved(settled));
  }
  SECTION("the peer's supervisord stopped answering") {
    engine.step(Tick{5});
    engine.step(peerTick(1, /*supervisor_reachable=*/false));
    REQUIRE_FALSE(engine.view().instance("b").supervisor_reachable);
    CHECK_FALSE(engine.view().onlyClocksMoved(settled));
  }
}

namespace {

// a and b in OPERATION under a (engine a), b's heartbeat heard at tick 1.
void operate(Engine& engine) {
  join(engine);
  auto modes = engine.view().stateModes();
  modes.fsm_state = SupvisorsState::Election;
  engine.step(from("b", 1, modes));
  REQUIRE(engine.view().fsm_state == SupvisorsState::Operation);
}

}  // namespace

TEST_CASE("a settled engine skips the evaluations of its ticks and heartbeats, not its checks",
          "[engine]") {
  Engine engine(testConfig());
  operate(engine);
  const auto skipped = engine.skippedSteps();
  std::vector<std::uint64_t> refreshes;  // the ticks at which StateModes went to b
  std::uint64_t t = 2;
  for (; t < 40; ++t) {
    const auto out = engine.step(Tick{t});
    for (const auto& send : commandsOf<SendPeer>(out))
      if (std::holds_alternative<StateModesMessage>(send.body)) refreshes.push_back(t);
    CHECK(sendsTo(out, "b"));  // the heartbeat, every tick
    CHECK(engine.step(peerTick(1)).empty());
  }
  // Every tick and heartbeat of this idle pair was skipped.
  CHECK(engine.skippedSteps() - skipped == 2 * (40 - 2));
  // The StateModes refresh keeps its period (state_refresh_ticks).
  REQUIRE(refreshes.size() >= 6);
  for (std::size_t k = 1; k < refreshes.size(); ++k)
    CHECK(refreshes[k] - refreshes[k - 1] ==
          static_cast<std::uint64_t>(engine.config().state_refresh_ticks));

  SECTION("a silent peer is still lost, and the engine evaluates again") {
    std::vector<Command> out;
    for (int k = 0; k < 10 && engine.view().instance("b").state == InstanceState::Running; ++k)
      out = engine.step(Tick{t++});
    CHECK(engine.view().instance("b").state == InstanceState::Stopped);
    CHECK(commandsOf<ProcessesLost>(out).size() == 1);
    // STRICT: b's loss makes the cluster degraded, which the evaluation tells.
    CHECK(engine.view().degraded);
  }
  SECTION("a heartbeat that says something is evaluated") {
    const auto before = engine.skippedSteps();
    const auto out = engine.step(peerTick(1, /*supervisor_reachable=*/false));
    CHECK_FALSE(commandsOf<Log>(out).empty());
    CHECK(engine.skippedSteps() == before);
    CHECK_FALSE(engine.view().instance("b").eligible());
  }
  SECTION("a peer that declares another Master is heard at once") {
    auto modes = engine.view().stateModes();
    modes.master_identifier = "b";
    bool election = false;
    for (const auto& state : commandsOf<PublishState>(engine.step(from("b", 1, modes))))
      election = election || state.fsm_state == SupvisorsState::Election;
    CHECK(election);
  }
}

TEST_CASE("check_skipped_steps evaluates the steps it would skip and counts none that act",
          "[engine]") {
  auto config = testConfig();
  config.check_skipped_steps = true;
  Engine engine(config);
  operate(engine);
  const auto skipped = engine.skippedSteps();
  for (std::uint64_t t = 2; t < 20; ++t) {
    engine.step(Tick{t});
    engine.step(peerTick(1));
  }
  CHECK(engine.skippedSteps() - skipped == 2 * (20 - 2));
  CHECK(engine.skipMismatches() == 0);
}
