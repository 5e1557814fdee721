#pragma once
// Checks of event bodies against reference supvisors-0.19 §6.3: every key of each header's
// body is there with its JSON type, and no other key. Shared by the unit tests of the event
// diff and the end-to-end event stream test.

#include <catch2/catch.hpp>

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace supvisors::test {

enum class JsonType { String, Int, Float, Bool, StringList, StringMap, FloatPair, FloatList,
                      Object };

inline bool hasType(const nlohmann::json& v, JsonType t) {
  switch (t) {
    case JsonType::String: return v.is_string();
    case JsonType::Int: return v.is_number_integer();
    case JsonType::Float: return v.is_number_float();
    case JsonType::Bool: return v.is_boolean();
    case JsonType::StringList: {
      if (!v.is_array()) return false;
      for (const auto& e : v) if (!e.is_string()) return false;
      return true;
    }
    case JsonType::StringMap: {
      if (!v.is_object()) return false;
      for (const auto& [k, e] : v.items()) if (!e.is_string()) return false;
      return true;
    }
    case JsonType::FloatPair: return v.is_array() && v.size() == 2 && v[0].is_number() &&
                                     v[1].is_number();
    case JsonType::FloatList: {
      if (!v.is_array()) return false;
      for (const auto& e : v) if (!e.is_number()) return false;
      return true;
    }
    case JsonType::Object: return v.is_object();
  }
  return false;
}

using Schema = std::map<std::string, JsonType>;

// §6.3, header by header (hstats/pstats as Supvisors documents them).
inline const std::map<std::string, Schema>& eventSchemas() {
  using T = JsonType;
  static const std::map<std::string, Schema> schemas = {
      {"supvisors",
       {{"identifier", T::String}, {"nick_identifier", T::String}, {"now_monotonic", T::Float},
        {"fsm_statecode", T::Int}, {"fsm_statename", T::String}, {"degraded_mode", T::Bool},
        {"discovery_mode", T::Bool}, {"master_identifier", T::String},
        {"starting_jobs", T::StringList}, {"stopping_jobs", T::StringList},
        {"instance_states", T::StringMap}}},
      {"instance",
       {{"identifier", T::String}, {"nick_identifier", T::String}, {"node_name", T::String},
        {"port", T::Int}, {"statecode", T::Int}, {"statename", T::String}, {"loading", T::Int},
        {"process_failure", T::Bool}, {"remote_sequence_counter", T::Int},
        {"remote_mtime", T::Float}, {"remote_time", T::Int}, {"local_sequence_counter", T::Int},
        {"local_mtime", T::Float}, {"local_time", T::Int}}},
      {"application",
       {{"application_name", T::String}, {"managed", T::Bool}, {"now_monotonic", T::Float},
        {"statecode", T::Int}, {"statename", T::String}, {"major_failure", T::Bool},
        {"minor_failure", T::Bool}}},
      {"process",
       {{"application_name", T::String}, {"process_name", T::String},
        {"now_monotonic", T::Float}, {"last_event_mtime", T::Float}, {"statecode", T::Int},
        {"statename", T::String}, {"expected_exit", T::Bool}, {"identifiers", T::StringList},
        {"extra_args", T::String}}},
      {"event",
       {{"identifier", T::String}, {"nick_identifier", T::String}, {"group", T::String},
        {"name", T::String}, {"state", T::Int}, {"expected", T::Bool}, {"spawnerr", T::String},
        {"now", T::Float}, {"now_monotonic", T::Float}, {"event_mtime", T::Float},
        {"pid", T::Int}, {"extra_args", T::String}, {"disabled", T::Bool}}},
      {"hstats",
       {{"identifier", T::String}, {"now_monotonic", T::Float}, {"target_period", T::Float},
        {"period", T::FloatPair}, {"cpu", T::FloatList}, {"mem", T::Float},
        {"net_io", T::Object}, {"disk_io", T::Object}, {"disk_usage", T::Object}}},
      {"pstats",
       {{"namespec", T::String}, {"identifier", T::String}, {"pid", T::Int},
        {"now_monotonic", T::Float}, {"target_period", T::Float}, {"period", T::FloatPair},
        {"cpu", T::Float}, {"mem", T::Float}}},
  };
  return schemas;
}

// Every key of `header`'s body with its type, and nothing more. A removal `event`
// ({group, name, state: -1}) is its own variant (§6.3).
inline void checkEventBody(const std::string& header, const nlohmann::json& body) {
  INFO(header << " " << body.dump());
  REQUIRE(body.is_object());
  if (header == "event" && body.size() == 3 && body.value("state", 0) == -1) {
    CHECK(body["group"].is_string());
    CHECK(body["name"].is_string());
    return;
  }
  const auto schema = eventSchemas().find(header);
  REQUIRE(schema != eventSchemas().end());
  for (const auto& [key, type] : schema->second) {
    INFO("key " << key);
    REQUIRE(body.contains(key));
    CHECK(hasType(body[key], type));
  }
  for (const auto& [key, value] : body.items()) {
    INFO("unexpected key " << key);
    CHECK(schema->second.count(key) == 1);
  }
}

}  // namespace supvisors::test
