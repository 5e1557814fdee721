#include "agent/core/disabilities.h"

#include <nlohmann/json.hpp>

#include "common/faults.h"

namespace supvisors {

Result<Disabilities> Disabilities::parse(std::string_view json) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(json.begin(), json.end());
  } catch (const nlohmann::json::parse_error& e) {
    return Error::transport(std::string("not JSON: ") + e.what());
  }
  if (!j.is_object())
    return Error::transport("expected a JSON object {\"program_name\": true|false, ...}, got " +
                            std::string(j.type_name()));
  Disabilities out;
  for (const auto& [program, value] : j.items()) {
    if (program.empty()) return Error::transport("an empty program name");
    if (!value.is_boolean())
      return Error::transport("the value of \"" + program + "\" is " + value.dump() +
                              ", expected true or false");
    out.flags_[program] = value.get<bool>();
  }
  return out;
}

std::string Disabilities::serialize() const {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [program, disabled] : flags_) j[program] = disabled;
  return j.dump(2) + "\n";
}

bool Disabilities::isDisabled(const std::string& program) const {
  const auto it = flags_.find(program);
  return it != flags_.end() && it->second;
}

bool Disabilities::set(const std::string& program, bool disabled) {
  const bool before = isDisabled(program);
  flags_[program] = disabled;
  return before != disabled;
}

std::string programOf(const LocalProcess& process) {
  if (process.config && !process.config->program_name.empty())
    return process.config->program_name;
  return process.info.name;
}

std::vector<std::string> processesOf(const LocalTable& table, const std::string& program) {
  std::vector<std::string> out;
  for (const auto& [namespec, p] : table.processes())
    if (programOf(p) == program) out.push_back(namespec);
  return out;
}

std::vector<std::string> applyDisabilities(LocalTable& table, const Disabilities& disabilities) {
  std::vector<std::string> changed;
  for (const auto& [namespec, p] : table.processes())
    if (p.disabled != disabilities.isDisabled(programOf(p))) changed.push_back(namespec);
  for (const auto& namespec : changed) table.setDisabled(namespec, !table.find(namespec)->disabled);
  return changed;
}

std::vector<std::string> runningWhileDisabled(const LocalTable& table) {
  std::vector<std::string> out;
  for (const auto& [namespec, p] : table.processes()) {
    if (p.disabled && isRunningState(p.info.state)) out.push_back(namespec);
  }
  return out;
}

std::vector<std::string> autostartsOf(const LocalTable& table, const std::string& program) {
  std::vector<std::string> out;
  for (const auto& [namespec, p] : table.processes())
    if (programOf(p) == program && p.config && p.config->autostart &&
        p.info.state == ProcessState::Stopped)
      out.push_back(namespec);
  return out;
}

std::string disabledStartDetail(const std::string& namespec, const std::string& program) {
  return namespec + ": program " + program +
         " is disabled on this instance (supvisorsctl enable " + program +
         ", or supvisors.enable, to allow its starts again)";
}

std::optional<OrderDone> refuseDisabledStart(const LocalTable& table, const ExecuteOrder& order) {
  if (order.kind != RequestKind::StartProcess) return std::nullopt;
  const LocalProcess* p = table.find(order.namespec);
  if (!p || !p->disabled) return std::nullopt;
  return OrderDone{order.order_id, false, static_cast<int>(FaultCode::Disabled),
                   faultString(FaultCode::Disabled, disabledStartDetail(order.namespec, programOf(*p)))};
}

}  // namespace supvisors
