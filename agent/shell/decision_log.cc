#include "agent/shell/decision_log.h"

#include <map>

#include "agent/shell/xmlrpc_build.h"

namespace supvisors {

using namespace xmlrpc_build;

xmlrpc_c::value decisionValue(const Decision& decision) {
  std::map<std::string, xmlrpc_c::value> s;
  s["tick"] = i4(decision.tick);
  s["action"] = string(decision.action);
  s["namespec"] = string(decision.namespec);
  s["target"] = string(decision.target);
  s["reason"] = string(decision.reason);
  s["strategy"] = string(decision.strategy);
  return xmlrpc_c::value_struct(s);
}

xmlrpc_c::value decisionsValue(const std::vector<Decision>& decisions) {
  std::vector<xmlrpc_c::value> items;
  items.reserve(decisions.size());
  for (const auto& d : decisions) items.push_back(decisionValue(d));
  return xmlrpc_c::value_array(items);
}

}  // namespace supvisors
