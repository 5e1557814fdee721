#include "agent/shell/application_info.h"

#include <map>

#include "agent/shell/cluster_info.h"
#include "agent/shell/xmlrpc_build.h"
#include "common/states.h"

namespace supvisors {

using namespace xmlrpc_build;

xmlrpc_c::value applicationInfoValue(const ApplicationStatus& application, double now_monotonic) {
  std::map<std::string, xmlrpc_c::value> s;
  s["application_name"] = string(application.name);
  s["managed"] = xmlrpc_c::value_boolean(application.managed);
  s["now_monotonic"] = xmlrpc_c::value_double(now_monotonic);
  s["statecode"] = i4(static_cast<int>(application.state));
  s["statename"] = string(enumName(application.state));
  s["major_failure"] = xmlrpc_c::value_boolean(application.major_failure);
  s["minor_failure"] = xmlrpc_c::value_boolean(application.minor_failure);
  return xmlrpc_c::value_struct(s);
}

xmlrpc_c::value applicationRulesValue(const ApplicationStatus& application,
                                      const ClusterSnapshot& snapshot) {
  std::map<std::string, xmlrpc_c::value> s;
  s["application_name"] = string(application.name);
  s["managed"] = xmlrpc_c::value_boolean(application.managed && application.rules);
  if (!application.managed || !application.rules) return xmlrpc_c::value_struct(s);
  const ApplicationRules& rules = *application.rules;
  std::vector<std::string> identifiers = rules.identifiers.listed();
  if (rules.distribution != DistributionRule::AllInstances &&
      rules.identifiers.assignment == IndexAssignment::Hash) {
    identifiers.clear();
    if (rules.application_number)
      identifiers = rules.identifiers.resolveForIndex(instanceDirectory(snapshot),
                                                      *rules.application_number - 1);
  }
  s["distribution"] = string(enumName(rules.distribution));
  s["identifiers"] = stringArray(identifiers);
  s["start_sequence"] = i4(rules.start_sequence);
  s["stop_sequence"] = i4(rules.stop_sequence);
  s["starting_strategy"] =
      string(enumName(rules.starting_strategy.value_or(snapshot.config.starting_strategy)));
  s["starting_failure_strategy"] = string(enumName(rules.starting_failure_strategy));
  s["running_failure_strategy"] = string(enumName(rules.running_failure_strategy));
  s["status_formula"] = string(rules.statusFormulaText());
  return xmlrpc_c::value_struct(s);
}

}  // namespace supvisors
