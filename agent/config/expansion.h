#pragma once
// Expansion of `%(name)s` references in config values, as Supervisor does them:
//   %(here)s            the absolute folder of the config file
//   %(host_node_name)s  this host's name (Supervisor's platform.node())
//   %(ENV_X)s           the environment variable X of the agent (an unset X is an error)
//   %%                  a literal %
// Any other `%` use is an error (ConfigParser's rule), so a typo never passes silently.
//
// Thread-safety: pure function of its arguments.

#include <map>
#include <string>
#include <variant>

namespace supvisors {

struct ExpansionContext {
  std::string here;                          // the config file's folder, absolute
  std::string hostNodeName;                  // HostInfo::hostName
  std::map<std::string, std::string> env;    // the environment of the agent
};

// The expanded value, or an error message naming the unknown reference.
struct ExpansionError {
  std::string message;
};
std::variant<std::string, ExpansionError> expandValue(const std::string& value,
                                                      const ExpansionContext& context);

}  // namespace supvisors
