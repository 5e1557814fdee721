#include <catch2/catch.hpp>

#include <map>
#include <vector>

#include "agent/shell/xmlrpc_json.h"

using namespace supvisors;

TEST_CASE("XML-RPC values convert to JSON by type", "[xmlrpc_json]") {
  std::map<std::string, xmlrpc_c::value> members{
      {"pid", xmlrpc_c::value_int(42)},
      {"now_monotonic", xmlrpc_c::value_double(1.5)},
      {"expected", xmlrpc_c::value_boolean(true)},
      {"name", xmlrpc_c::value_string("web")},
      {"list", xmlrpc_c::value_array(std::vector<xmlrpc_c::value>{xmlrpc_c::value_int(1)})},
      {"nothing", xmlrpc_c::value_nil()},
  };
  const auto json = toJson(xmlrpc_c::value_struct(members));
  CHECK(json["pid"] == 42);
  CHECK(json["pid"].is_number_integer());
  CHECK(json["now_monotonic"] == 1.5);
  CHECK(json["expected"] == true);
  CHECK(json["name"] == "web");
  CHECK(json["list"] == nlohmann::json::array({1}));
  CHECK(json["nothing"].is_null());
}

TEST_CASE("JSON converts back to XML-RPC with 32-bit ints only", "[xmlrpc_json]") {
  const auto json = nlohmann::json::parse(R"({"a": 1, "b": 5000000000, "c": [true, "x", 0.25]})");
  const xmlrpc_c::value v = fromJson(json);
  REQUIRE(v.type() == xmlrpc_c::value::TYPE_STRUCT);
  const std::map<std::string, xmlrpc_c::value> m = xmlrpc_c::value_struct(v);
  CHECK(m.at("a").type() == xmlrpc_c::value::TYPE_INT);
  CHECK(m.at("b").type() == xmlrpc_c::value::TYPE_DOUBLE);  // Supervisor cannot read i8 (P8)
  CHECK(toJson(v) == json);
}
