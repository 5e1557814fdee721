#include "agent/config/expansion.h"

namespace supvisors {

std::variant<std::string, ExpansionError> expandValue(const std::string& value,
                                                      const ExpansionContext& context) {
  std::string out;
  out.reserve(value.size());
  for (size_t i = 0; i < value.size(); ++i) {
    if (value[i] != '%') {
      out += value[i];
      continue;
    }
    if (i + 1 < value.size() && value[i + 1] == '%') {
      out += '%';
      ++i;
      continue;
    }
    const auto close = value.find(")s", i);
    if (i + 1 >= value.size() || value[i + 1] != '(' || close == std::string::npos)
      return ExpansionError{"a '%' must be written '%%' or start '%(name)s'"};
    const std::string name = value.substr(i + 2, close - i - 2);
    if (name == "here") {
      out += context.here;
    } else if (name == "host_node_name") {
      out += context.hostNodeName;
    } else if (name.rfind("ENV_", 0) == 0) {
      const auto it = context.env.find(name.substr(4));
      if (it == context.env.end())
        return ExpansionError{"environment variable '" + name.substr(4) + "' is not set (in %(" +
                              name + ")s)"};
      out += it->second;
    } else {
      return ExpansionError{"unknown expansion %(" + name +
                            ")s; allowed: %(here)s, %(host_node_name)s, %(ENV_<name>)s, %%"};
    }
    i = close + 1;
  }
  return out;
}

}  // namespace supvisors
