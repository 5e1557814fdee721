#pragma once
// Small builders of XML-RPC values shared by the structures the agent answers (cluster_info,
// application_info, cluster_process_info, decision_log): i4 clamping, string arrays.
//
// Ints are i4 (Supervisor's parser has no i8), clamped to [INT_MIN, 2^31-1].
//
// Thread-safety: pure functions.

#include <xmlrpc-c/base.hpp>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace supvisors::xmlrpc_build {

inline xmlrpc_c::value_int i4(std::int64_t v) {
  return xmlrpc_c::value_int(static_cast<int>(std::clamp<std::int64_t>(v, INT_MIN, INT_MAX)));
}

inline xmlrpc_c::value_int i4(std::uint64_t v) {
  return i4(static_cast<std::int64_t>(std::min<std::uint64_t>(v, INT_MAX)));
}

inline xmlrpc_c::value_int i4(int v) {
  return xmlrpc_c::value_int(v);
}

inline xmlrpc_c::value string(std::string_view s) {
  return xmlrpc_c::value_string(std::string(s));
}

inline xmlrpc_c::value stringArray(const std::vector<std::string>& items) {
  std::vector<xmlrpc_c::value> values;
  values.reserve(items.size());
  for (const auto& s : items) values.push_back(xmlrpc_c::value_string(s));
  return xmlrpc_c::value_array(values);
}

}  // namespace supvisors::xmlrpc_build
