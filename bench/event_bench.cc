// Event stream benchmark (issue 8): what the ZMQ event publisher sustains on loopback.
//
//   event_bench publish [--seconds S] [--windows N]
//     One EventPublisher (the agent's class, default high-water mark) and one plain SUB
//     subscriber on its own thread reading every message. The publisher sends the triple of a
//     process state change (event, process, application; bodies as the agent builds them) as
//     fast as it can for S seconds per window; prints, per window, the messages per second the
//     subscriber received and those publish() dropped (a queue full).
//   event_bench diff [--processes P] [--windows N]
//     The loop's side: EventDiff::next over cluster snapshots of P processes on 3 instances,
//     one process changing state per snapshot; prints state changes handled per second.
//
// Output: one line per window, "received_per_s dropped_per_s" or "changes_per_s"; bench/run.sh
// style recording is done by the caller (docs/BENCHMARKS.md, "Event stream").

#include <zmq.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

#include "agent/core/process_tables.h"
#include "agent/shell/event_diff.h"
#include "agent/shell/event_publisher.h"
#include "bench/bench_args.h"

using namespace supvisors;
using Clock = std::chrono::steady_clock;

namespace {

double seconds(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

ClusterSnapshot cluster(int processes) {
  ClusterSnapshot s;
  s.ready = true;
  for (int k = 0; k < 3; ++k) {
    InstanceEntry e = InstanceEntry::named("10.0.0." + std::to_string(k + 1) + ":60000",
                                           "host" + std::to_string(k));
    e.host = "10.0.0." + std::to_string(k + 1);
    e.http_port = 60000;
    s.config.instances.push_back(e);
    InstanceView v;
    v.identifier = e.identifier;
    v.nick = e.nick;
    v.state = InstanceState::Running;
    v.local = k == 0;
    s.view.instances.push_back(v);
  }
  for (int p = 0; p < processes; ++p) {
    PeerProcess q;
    q.group = "app" + std::to_string(p / 10);
    q.name = "prog" + std::to_string(p % 10);
    q.state = ProcessState::Stopped;
    s.view.instances[p % 3].processes.write()[makeNamespec(q.group, q.name)] = q;
  }
  s.view.fsm_state = SupvisorsState::Operation;
  s.view.master = s.view.instances[0].identifier;
  return s;
}

int publishBench(double window, int windows) {
  EventPublisherOptions options;
  options.bind_host = "127.0.0.1";
  auto created = EventPublisher::create(options);
  if (!created.ok()) bench::die(created.error().message);
  auto publisher = std::move(created).value();

  zmq::context_t context;
  std::atomic<std::uint64_t> received{0};
  std::atomic<bool> stop{false};
  std::thread reader([&] {
    zmq::socket_t sub(context, zmq::socket_type::sub);
    sub.set(zmq::sockopt::linger, 0);
    sub.set(zmq::sockopt::rcvtimeo, 100);
    sub.set(zmq::sockopt::subscribe, "");
    sub.connect(publisher->endpoint());
    while (!stop.load()) {
      zmq::message_t header, body;
      if (!sub.recv(header)) continue;
      (void)sub.recv(body);
      received.fetch_add(1);
    }
  });

  // The bodies of one state change, as the agent sends them.
  ClusterSnapshot snapshot = cluster(3);
  auto before = std::make_shared<const ClusterSnapshot>(snapshot);
  InstanceView& owner = snapshot.view.instances[0];
  auto& p = owner.processes.write().begin()->second;
  p.state = ProcessState::Running;
  p.pid = 4242;
  ++owner.table_version;
  EventDiff diff;
  ProcessTablesInput input;
  input.instances = &before->view.instances;
  auto first = std::make_shared<ClusterSnapshot>(*before);
  first->view.tables = buildProcessTables(input, 1);
  diff.next(first, 0.0);
  input.instances = &snapshot.view.instances;
  snapshot.view.tables = buildProcessTables(input, 2);
  const auto messages = diff.next(std::make_shared<const ClusterSnapshot>(snapshot), 1.0);

  // Subscribed once a message comes through (bounded).
  for (int i = 0; i < 500 && received.load() == 0; ++i) {
    publisher->service();
    publisher->publish("supvisors", messages.front().body);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (received.load() == 0) bench::die("the subscriber never received anything");
  std::this_thread::sleep_for(std::chrono::milliseconds(200));

  for (int w = 0; w < windows; ++w) {
    const std::uint64_t r0 = received.load();
    const std::uint64_t d0 = publisher->stats().dropped;
    const auto start = Clock::now();
    auto now = start;
    while (seconds(start, now) < window) {
      for (int i = 0; i < 100; ++i)
        for (const auto& m : messages) publisher->publish(m.header, m.body);
      now = Clock::now();
    }
    // Let the subscriber drain what was queued in the window.
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    const double elapsed = seconds(start, now);
    std::printf("%.0f %.0f\n", static_cast<double>(received.load() - r0) / elapsed,
                static_cast<double>(publisher->stats().dropped - d0) / elapsed);
    std::fflush(stdout);
  }
  stop.store(true);
  reader.join();
  return 0;
}

int diffBench(int processes, int windows) {
  ClusterSnapshot snapshot = cluster(processes);
  ProcessTablesInput input;
  input.instances = &snapshot.view.instances;
  std::uint64_t version = 1;
  snapshot.view.tables = buildProcessTables(input, version);
  EventDiff diff;
  diff.next(std::make_shared<const ClusterSnapshot>(snapshot), 0.0);
  int changes = 0;
  for (int w = 0; w < windows; ++w) {
    const auto start = Clock::now();
    int done = 0;
    while (seconds(start, Clock::now()) < 1.0) {
      InstanceView& owner = snapshot.view.instances[changes % 3];
      auto& table = owner.processes.write();
      auto it = table.begin();
      std::advance(it, (changes / 3) % table.size());
      it->second.state =
          it->second.state == ProcessState::Running ? ProcessState::Stopped : ProcessState::Running;
      ++owner.table_version;
      // The engine rebuilds its tables after a change; that cost is the engine's, counted here
      // too since the diff cannot run without it.
      snapshot.view.tables = buildProcessTables(input, ++version);
      snapshot.taken_monotonic += 0.001;
      const auto out = diff.next(std::make_shared<const ClusterSnapshot>(snapshot),
                                 snapshot.taken_monotonic);
      if (out.size() < 3) bench::die("a state change gave fewer than 3 messages");
      ++changes;
      ++done;
    }
    std::printf("%.0f\n", done / seconds(start, Clock::now()));
    std::fflush(stdout);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) bench::die("usage: event_bench publish|diff [--key value]...");
  const std::string command = argv[1];
  const auto args = bench::parseArgs(argc, argv, 2);
  auto get = [&](const std::string& key, const std::string& fallback) {
    const auto it = args.find(key);
    return it == args.end() ? fallback : it->second;
  };
  const int windows = std::stoi(get("windows", "10"));
  if (command == "publish") return publishBench(std::stod(get("seconds", "2")), windows);
  if (command == "diff") return diffBench(std::stoi(get("processes", "1000")), windows);
  bench::die("unknown command " + command);
}
