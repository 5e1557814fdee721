#include "test/sim/scenario.h"

#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>

#include "common/process_info.h"
#include "rules/rules_parser.h"
#include "test/sim/sim.h"

namespace supvisors::sim {
namespace {

std::vector<std::string> words(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

std::vector<std::string> splitComma(const std::string& text) {
  std::vector<std::string> out;
  std::string item;
  std::istringstream in(text);
  while (std::getline(in, item, ',')) out.push_back(item);
  return out;
}

template <typename E>
E parseEnum(const std::string& name) {
  const auto value = enumFromName<E>(name);
  if (!value) throw std::invalid_argument("unknown value " + name);
  return *value;
}

std::unique_ptr<Simulation> makeCluster(const std::vector<std::string>& w,
                                        const std::filesystem::path& rules_dir) {
  std::vector<std::string> names;
  EngineConfig base;
  base.goodbye_grace = 4.0;  // 20 ticks: short scenarios
  std::uint64_t seed = 1;
  std::filesystem::path rules_file;
  for (std::size_t i = 1; i < w.size(); ++i) {
    const auto eq = w[i].find('=');
    const std::string key = w[i].substr(0, eq);
    const std::string value = eq == std::string::npos ? "" : w[i].substr(eq + 1);
    if (eq == std::string::npos && key != "auto_fence") {
      names.push_back(key);
    } else if (key == "auto_fence") {
      base.auto_fence = true;
    } else if (key == "core") {
      base.core_identifiers = splitComma(value);
    } else if (key == "synchro") {
      base.synchro_options.clear();
      for (const auto& o : splitComma(value))
        base.synchro_options.push_back(parseEnum<SynchronizationOption>(o));
    } else if (key == "timeout") {
      base.synchro_timeout = std::stod(value);
    } else if (key == "failure") {
      base.supvisors_failure_strategy = parseEnum<SupvisorsFailureStrategy>(value);
    } else if (key == "inactivity") {
      base.inactivity_ticks = std::stoi(value);
    } else if (key == "grace") {
      base.goodbye_grace = std::stod(value);
    } else if (key == "lost_after") {
      base.supervisor_lost_after = std::stod(value);
    } else if (key == "seed") {
      seed = std::stoull(value);
    } else if (key == "margin") {
      base.job_margin = std::stod(value);
    } else if (key == "starting") {
      base.starting_strategy = parseEnum<StartingStrategy>(value);
    } else if (key == "conciliation") {
      base.conciliation_strategy = parseEnum<ConciliationStrategy>(value);
    } else if (key == "rules") {
      rules_file = rules_dir / value;
    } else {
      throw std::invalid_argument("unknown cluster option " + key);
    }
  }
  if (!rules_file.empty()) {
    InstanceDirectory directory;
    for (const auto& n : names) directory.instances.push_back(InstanceEntry::named(n, n));
    auto load = loadRules({rules_file}, directory);
    if (!load.ok()) throw std::invalid_argument(load.errors.front().describe());
    base.rules = load.rules;
  }
  return std::make_unique<Simulation>(names, base, seed);
}

std::optional<ControlKind> controlKind(const std::string& method) {
  for (int k = 0; k <= static_cast<int>(ControlKind::Conciliate); ++k)
    if (controlName(static_cast<ControlKind>(k)) == method) return static_cast<ControlKind>(k);
  return std::nullopt;
}

bool takesStrategy(ControlKind kind) {
  switch (kind) {
    case ControlKind::StartApplication:
    case ControlKind::TestStartApplication:
    case ControlKind::RestartApplication:
    case ControlKind::StartProcess:
    case ControlKind::TestStartProcess:
    case ControlKind::StartAnyProcess:
    case ControlKind::RestartProcess:
      return true;
    default:
      return false;
  }
}

bool takesTarget(ControlKind kind) {
  return kind != ControlKind::RestartSequence && kind != ControlKind::Restart &&
         kind != ControlKind::Shutdown && kind != ControlKind::Conciliate;
}

void runCommand(std::unique_ptr<Simulation>& sim, const std::vector<std::string>& w,
                std::vector<std::string>& out, const std::filesystem::path& rules_dir) {
  const std::string& verb = w[0];
  auto arg = [&](std::size_t i) -> const std::string& {
    if (i >= w.size()) throw std::invalid_argument(verb + ": missing argument");
    return w[i];
  };
  if (verb == "cluster") {
    sim = makeCluster(w, rules_dir);
    return;
  }
  if (!sim) throw std::invalid_argument("the first command must be cluster");
  if (verb == "config") {
    auto& config = sim->configOf(arg(1));
    for (std::size_t i = 2; i < w.size(); ++i) {
      const auto eq = w[i].find('=');
      const std::string key = w[i].substr(0, eq);
      const std::string value = w[i].substr(eq + 1);
      if (key == "starting")
        config.starting_strategy = parseEnum<StartingStrategy>(value);
      else if (key == "conciliation")
        config.conciliation_strategy = parseEnum<ConciliationStrategy>(value);
      else if (key == "rules")
        config.rules_digest = value;
      else if (key == "node")
        config.node_id = value;
      else
        throw std::invalid_argument("unknown config option " + key);
    }
  } else if (verb == "start") {
    for (std::size_t i = 1; i < w.size(); ++i) sim->start(w[i]);
  } else if (verb == "crash") {
    sim->crash(arg(1));
  } else if (verb == "crash_host") {
    sim->crashHost(arg(1));
  } else if (verb == "stop") {
    sim->stop(arg(1));
  } else if (verb == "restart") {
    sim->crash(arg(1));
    sim->start(arg(1));
  } else if (verb == "tick") {
    sim->rounds(std::stoi(arg(1)));
  } else if (verb == "partition") {
    std::vector<std::set<std::string>> groups(1);
    for (std::size_t i = 1; i < w.size(); ++i) {
      if (w[i] == "|")
        groups.emplace_back();
      else
        groups.back().insert(w[i]);
    }
    sim->partition(groups);
  } else if (verb == "heal") {
    sim->heal();
  } else if (verb == "silence" || verb == "unsilence") {
    sim->silence(arg(1), verb == "silence");
  } else if (verb == "stall" || verb == "unstall") {
    sim->stall(arg(1), verb == "stall");
  } else if (verb == "beacon-loss") {
    sim->setBeaconLoss(std::stod(arg(1)) / 100.0);
  } else if (verb == "loss") {
    sim->setLoss(std::stod(arg(1)) / 100.0);
  } else if (verb == "delay") {
    sim->setMaxDelay(std::stoi(arg(1)));
  } else if (verb == "supervisor") {
    sim->setSupervisor(arg(1), arg(2) == "up");
  } else if (verb == "processes") {
    std::vector<PeerProcess> processes;
    for (std::size_t i = 2; i < w.size(); ++i) {
      PeerProcess p;
      const auto colon = w[i].find(':');
      p.group = colon == std::string::npos ? w[i] : w[i].substr(0, colon);
      p.name = colon == std::string::npos ? w[i] : w[i].substr(colon + 1);
      p.state = ProcessState::Running;
      processes.push_back(p);
    }
    sim->setProcesses(arg(1), processes);
  } else if (verb == "programs") {
    std::vector<std::string> namespecs;
    int startsecs = 1;
    int stopwaitsecs = 10;
    Behaviour behaviour = Behaviour::Normal;
    for (std::size_t i = 2; i < w.size(); ++i) {
      const auto eq = w[i].find('=');
      if (eq == std::string::npos) {
        namespecs.push_back(w[i]);
        continue;
      }
      const std::string key = w[i].substr(0, eq);
      const std::string value = w[i].substr(eq + 1);
      if (key == "startsecs") {
        startsecs = std::stoi(value);
      } else if (key == "stopwaitsecs") {
        stopwaitsecs = std::stoi(value);
      } else if (key == "behaviour") {
        static const std::map<std::string, Behaviour> kBehaviours = {
            {"normal", Behaviour::Normal}, {"fatal", Behaviour::Fatal},
            {"exit", Behaviour::Exit},     {"crash", Behaviour::Crash},
            {"hang", Behaviour::Hang},     {"stuck", Behaviour::Stuck}};
        const auto b = kBehaviours.find(value);
        if (b == kBehaviours.end()) throw std::invalid_argument("unknown behaviour " + value);
        behaviour = b->second;
      } else {
        throw std::invalid_argument("unknown program option " + key);
      }
    }
    for (const auto& name : splitComma(arg(1)))
      sim->addPrograms(name, namespecs, startsecs, stopwaitsecs, behaviour);
  } else if (verb == "run") {
    sim->runProcess(arg(1), arg(2));
  } else if (verb == "kill") {
    sim->killProcess(arg(1), arg(2));
  } else if (verb == "request") {
    const auto kind = controlKind(arg(2));
    if (!kind) throw std::invalid_argument("unknown request " + w[2]);
    ControlRequest request;
    request.kind = *kind;
    std::size_t i = 3;
    if (takesStrategy(*kind)) request.strategy = parseEnum<StartingStrategy>(arg(i++));
    if (takesTarget(*kind)) request.target = arg(i++);
    if (*kind == ControlKind::Conciliate) {
      request.conciliation = parseEnum<ConciliationStrategy>(arg(i++));
      request.wait = false;
    }
    std::string label = w[2] + (request.target.empty() ? "" : " " + request.target);
    for (; i < w.size(); ++i) {
      if (w[i] == "nowait")
        request.wait = false;
      else if (w[i].rfind("args=", 0) == 0)
        request.extra_args = w[i].substr(5);
      else
        throw std::invalid_argument("unknown request option " + w[i]);
    }
    sim->request(arg(1), request, label);
  } else if (verb == "end_sync") {
    sim->endSync(arg(1), w.size() > 2 ? w[2] : "");
  } else if (verb == "show") {
    // The process and its application as agent `name` shows them (get_process_info).
    for (auto& line : sim->takeTranscript()) out.push_back(std::move(line));
    const auto* engine = sim->engine(arg(1));
    if (!engine) throw std::invalid_argument("show: " + w[1] + " is down");
    const auto& tables = *engine->view().tables;
    const auto* p = tables.findProcess(arg(2));
    if (!p) throw std::invalid_argument("show: unknown process " + w[2]);
    const auto* a = tables.findApplication(p->application);
    std::string line = w[1] + ": " + p->namespec + " " + std::string(processStateName(p->state)) +
                       " \"" + p->description + "\"; " + p->application + " " +
                       std::string(enumName(a->state));
    if (a->major_failure) line += " major failure";
    if (a->minor_failure) line += " minor failure";
    out.push_back(std::move(line));
  } else if (verb == "state") {
    for (auto& line : sim->takeTranscript()) out.push_back(std::move(line));
    for (auto& line : sim->stateLines()) out.push_back(std::move(line));
  } else {
    throw std::invalid_argument("unknown command " + verb);
  }
}

}  // namespace

ScenarioResult runScenario(const std::string& text, const std::filesystem::path& rules_dir) {
  ScenarioResult result;
  result.matches = true;
  std::unique_ptr<Simulation> sim;
  std::istringstream in(text);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  std::size_t i = 0;
  while (i < lines.size()) {
    if (lines[i].empty()) {
      ++i;
      continue;
    }
    std::vector<std::string> commands;
    while (i < lines.size() && lines[i] != "----" && !lines[i].empty())
      commands.push_back(lines[i++]);
    std::vector<std::string> expected;
    if (i < lines.size() && lines[i] == "----") {
      ++i;
      while (i < lines.size() && !lines[i].empty()) expected.push_back(lines[i++]);
    }
    std::vector<std::string> actual;
    for (const auto& command : commands) {
      const auto w = words(command);
      if (w.empty() || w[0][0] == '#') continue;
      try {
        runCommand(sim, w, actual, rules_dir);
      } catch (const std::exception& e) {
        result.failures.push_back("'" + command + "': " + e.what());
      }
    }
    if (sim)
      for (auto& line : sim->takeTranscript()) actual.push_back(std::move(line));
    if (actual != expected) result.matches = false;
    for (const auto& c : commands) result.actual += c + "\n";
    result.actual += "----\n";
    for (const auto& a : actual) result.actual += a + "\n";
    result.actual += "\n";
  }
  if (sim)
    for (const auto& f : sim->failures()) result.failures.push_back(f);
  return result;
}

}  // namespace supvisors::sim
