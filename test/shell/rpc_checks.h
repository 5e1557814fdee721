#pragma once
// Catch2 checks shared by the XML-RPC method tests: a fault with its code and text, a struct
// with exactly the keys and XML-RPC types expected.

#include <catch2/catch.hpp>
#include <xmlrpc-c/base.hpp>

#include <map>
#include <string>
#include <vector>

#include "common/result.h"
#include "test/shell/rpc_test_util.h"

namespace supvisors::test {

inline void requireFault(const Result<xmlrpc_c::value>& r, int code, const std::string& text) {
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().isFault());
  CHECK(r.error().code == code);
  CHECK(r.error().message == text);
}

// Every key of `v` is in `types` with that XML-RPC type, and nothing else.
inline void requireKeys(const xmlrpc_c::value& v,
                        const std::map<std::string, xmlrpc_c::value::type_t>& types) {
  REQUIRE(v.type() == xmlrpc_c::value::TYPE_STRUCT);
  const auto s = asStruct(v);
  std::vector<std::string> keys, expected;
  for (const auto& [k, _] : s) keys.push_back(k);
  for (const auto& [k, _] : types) expected.push_back(k);
  CHECK(keys == expected);
  for (const auto& [k, t] : types) {
    INFO("key " << k);
    if (s.count(k)) CHECK(s.at(k).type() == t);
  }
}

}  // namespace supvisors::test
