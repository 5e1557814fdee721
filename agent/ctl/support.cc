#include "agent/ctl/support.h"

#include <algorithm>

#include "agent/shell/xmlrpc_json.h"
#include "common/faults.h"
#include "common/process_info.h"
#include "common/strategies.h"
#include "common/text.h"

namespace supvisors::ctl {

int reportError(const Context& ctx, const std::string& method, const Error& error) {
  if (error.isTransport()) {
    ctx.err << ctx.options.serverurl << ": " << error.message << "\n";
    return exit_code::kNotRunning;
  }
  if (error.code == static_cast<int>(FaultCode::UnknownMethod)) {
    ctx.err << ctx.options.serverurl << " does not implement " << method
            << ": is it a supvisorsd agent, not a plain supervisord?\n";
    return exit_code::kGeneric;
  }
  ctx.err << "ERROR (" << error.message << ")\n";
  return exit_code::kGeneric;
}

int reportTargetError(const Context& ctx, const std::string& name, const std::string& method,
                      const Error& error) {
  if (error.isTransport() || error.code == static_cast<int>(FaultCode::UnknownMethod))
    return reportError(ctx, method, error);
  ctx.err << name << ": ERROR (" << error.message << ")\n";
  return error.code == static_cast<int>(FaultCode::BadName) ? exit_code::kStatusUnknown
                                                            : exit_code::kGeneric;
}

int worse(int a, int b) {
  static constexpr int kOrder[] = {exit_code::kNotRunning, exit_code::kGeneric,
                                   exit_code::kInvalidArgs, exit_code::kStatusUnknown,
                                   exit_code::kStatusNotRunning};
  for (const int code : kOrder)
    if (a == code || b == code) return code;
  return a != exit_code::kSuccess ? a : b;
}

std::optional<nlohmann::json> ask(const Context& ctx, const std::string& method,
                                  const xmlrpc_c::paramList& params, int& code) {
  const auto r = ctx.agent.call(method, params);
  if (!r.ok()) {
    code = worse(code, reportError(ctx, method, r.error()));
    return std::nullopt;
  }
  return toJson(*r);
}

xmlrpc_c::paramList stringParams(const std::vector<std::string>& values) {
  xmlrpc_c::paramList params;
  for (const auto& v : values) params.add(xmlrpc_c::value_string(v));
  return params;
}

std::string str(const nlohmann::json& j, const char* key) {
  const auto it = j.find(key);
  if (it == j.end() || it->is_null()) return "";
  return it->is_string() ? it->get<std::string>() : it->dump();
}

std::string yesNo(const nlohmann::json& j, const char* key) {
  return j.value(key, false) ? "yes" : "no";
}

std::string joined(const nlohmann::json& j, const char* key) {
  std::string text;
  const auto it = j.find(key);
  if (it != j.end() && it->is_array())
    for (const auto& item : *it)
      text +=
          (text.empty() ? "" : ",") + (item.is_string() ? item.get<std::string>() : item.dump());
  return orDash(text);
}

std::string namespecOf(const nlohmann::json& j) {
  return makeNamespec(str(j, "application_name"), str(j, "process_name"));
}

std::string orDash(const std::string& text) {
  return text.empty() ? "-" : text;
}

std::string joinWords(const Arguments& words, std::size_t from) {
  std::string text;
  for (std::size_t i = from; i < words.size(); ++i) text += (i > from ? " " : "") + words[i];
  return text;
}

bool noEmptyWord(const Context& ctx, const std::string& command, const Arguments& args) {
  if (std::none_of(args.begin(), args.end(), [](const std::string& a) { return a.empty(); }))
    return true;
  ctx.err << command << ": empty argument\n";
  return false;
}

bool selectsAll(const Arguments& names) {
  return names.empty() || std::find(names.begin(), names.end(), "all") != names.end();
}

std::optional<std::string> startingStrategy(const Context& ctx, const std::string& command,
                                            const std::string& arg) {
  const std::string name = toUpper(arg);
  if (enumFromName<StartingStrategy>(name)) return name;
  ctx.err << command << ": unknown strategy '" << arg << "' (use one of "
          << enumAllowedNames<StartingStrategy>() << ")\n";
  return std::nullopt;
}

bool selectEach(const Context& ctx, const std::string& method, const Arguments& names,
                const std::function<std::string(const nlohmann::json&)>& key,
                const std::function<std::string(const std::string&)>& missing,
                std::vector<nlohmann::json>& out, int& code) {
  const auto append = [&](const nlohmann::json& item) {
    const bool seen = std::any_of(out.begin(), out.end(),
                                  [&](const nlohmann::json& o) { return key(o) == key(item); });
    if (!seen) out.push_back(item);
  };
  for (const auto& name : names) {
    const auto r = ctx.agent.call(method, stringParams({name}));
    if (!r.ok()) {
      if (r.error().isFault() && r.error().code == static_cast<int>(FaultCode::BadName)) {
        ctx.err << name << ": ERROR (" << missing(name) << ")\n";
        code = worse(code, exit_code::kStatusUnknown);
        continue;
      }
      code = worse(code, reportError(ctx, method, r.error()));
      return false;
    }
    const auto answer = toJson(*r);
    if (answer.is_array()) {
      for (const auto& item : answer) append(item);
    } else {
      append(answer);
    }
  }
  return true;
}

bool Outcomes::call(const std::string& name, const std::string& method,
                    const xmlrpc_c::paramList& params,
                    const std::function<std::string(const nlohmann::json&)>& done,
                    const SupervisorClient* other) {
  const auto r = (other ? *other : ctx_.agent).call(method, params);
  if (!r.ok()) {
    const Error& e = r.error();
    code_ = worse(code_, reportTargetError(ctx_, name, method, e));
    if (e.isTransport() || e.code == static_cast<int>(FaultCode::UnknownMethod)) return false;
    items_.push_back({{"name", name}, {"faultCode", e.code}, {"faultString", e.message}});
    return true;
  }
  const auto result = toJson(*r);
  items_.push_back({{"name", name}, {"result", result}});
  if (!ctx_.options.json) ctx_.out << name << ": " << (done ? done(result) : done_) << "\n";
  return true;
}

void Outcomes::ignore(const std::string& name, const std::string& why) {
  items_.push_back({{"name", name}, {"ignored", why}});
  if (!ctx_.options.json) ctx_.out << name << ": IGNORED (" << why << ")\n";
}

void Outcomes::unknown(const std::string& name, const std::string& noun) {
  items_.push_back({{"name", name},
                    {"faultCode", static_cast<int>(FaultCode::BadName)},
                    {"faultString", faultString(FaultCode::BadName, name)}});
  ctx_.err << name << ": ERROR (no such " << noun << ")\n";
  code_ = worse(code_, exit_code::kStatusUnknown);
}

int Outcomes::finish(const std::string& none) {
  if (ctx_.options.json)
    ctx_.out << items_.dump(2) << "\n";
  else if (items_.empty())
    ctx_.out << none << "\n";
  return code_;
}

}  // namespace supvisors::ctl
