#include "agent/shell/xmlrpc_json.h"

#include <xmlrpc-c/base64.hpp>

#include <cstdint>
#include <ctime>
#include <limits>
#include <map>
#include <string>
#include <vector>

namespace supvisors {

nlohmann::json toJson(const xmlrpc_c::value& value) {
  switch (value.type()) {
    case xmlrpc_c::value::TYPE_INT:
      return static_cast<int>(xmlrpc_c::value_int(value));
    case xmlrpc_c::value::TYPE_I8:
      return static_cast<std::int64_t>(xmlrpc_c::value_i8(value));
    case xmlrpc_c::value::TYPE_DOUBLE:
      return static_cast<double>(xmlrpc_c::value_double(value));
    case xmlrpc_c::value::TYPE_BOOLEAN:
      return static_cast<bool>(xmlrpc_c::value_boolean(value));
    case xmlrpc_c::value::TYPE_STRING:
      return static_cast<std::string>(xmlrpc_c::value_string(value));
    case xmlrpc_c::value::TYPE_DATETIME:
      return static_cast<std::string>(xmlrpc_c::value_datetime(value).iso8601Value());
    case xmlrpc_c::value::TYPE_BYTESTRING: {
      const auto bytes = xmlrpc_c::value_bytestring(value).vectorUcharValue();
      return xmlrpc_c::base64FromBytes(bytes, xmlrpc_c::NEWLINE_NO);
    }
    case xmlrpc_c::value::TYPE_ARRAY: {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& item : xmlrpc_c::value_array(value).vectorValueValue())
        out.push_back(toJson(item));
      return out;
    }
    case xmlrpc_c::value::TYPE_STRUCT: {
      nlohmann::json out = nlohmann::json::object();
      const std::map<std::string, xmlrpc_c::value> members = xmlrpc_c::value_struct(value);
      for (const auto& [key, item] : members) out[key] = toJson(item);
      return out;
    }
    case xmlrpc_c::value::TYPE_NIL:
    default:
      return nullptr;
  }
}

xmlrpc_c::value fromJson(const nlohmann::json& json) {
  switch (json.type()) {
    case nlohmann::json::value_t::boolean:
      return xmlrpc_c::value_boolean(json.get<bool>());
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned: {
      if (json.is_number_unsigned() &&
          json.get<std::uint64_t>() > static_cast<std::uint64_t>(std::numeric_limits<int>::max()))
        return xmlrpc_c::value_double(json.get<double>());
      const auto v = json.get<std::int64_t>();
      if (v >= std::numeric_limits<int>::min() && v <= std::numeric_limits<int>::max())
        return xmlrpc_c::value_int(static_cast<int>(v));
      return xmlrpc_c::value_double(static_cast<double>(v));
    }
    case nlohmann::json::value_t::number_float:
      return xmlrpc_c::value_double(json.get<double>());
    case nlohmann::json::value_t::string:
      return xmlrpc_c::value_string(json.get<std::string>());
    case nlohmann::json::value_t::array: {
      std::vector<xmlrpc_c::value> items;
      for (const auto& item : json) items.push_back(fromJson(item));
      return xmlrpc_c::value_array(items);
    }
    case nlohmann::json::value_t::object: {
      std::map<std::string, xmlrpc_c::value> members;
      for (const auto& [key, item] : json.items()) members.emplace(key, fromJson(item));
      return xmlrpc_c::value_struct(members);
    }
    default:
      return xmlrpc_c::value_nil();
  }
}

}  // namespace supvisors
