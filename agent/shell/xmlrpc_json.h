#pragma once
// Conversions between XML-RPC values (xmlrpc-c) and JSON (nlohmann_json), for the CLI's
// --json output and, later, the agent's JSON API.
//
// XML-RPC -> JSON: int/i8 -> number, double -> number, boolean -> bool, string -> string,
// dateTime -> ISO 8601 string, base64 -> base64 string, array -> array, struct -> object
// (keys sorted, as nlohmann::json keeps them), nil -> null.
// JSON -> XML-RPC: integers that fit in 32 bits -> int (i4; Supervisor cannot read i8, P8),
// larger -> double, others as expected; null -> nil (the agent itself never sends nil to
// supervisord).
//
// Thread-safety: pure functions.

#include <xmlrpc-c/base.hpp>

#include <nlohmann/json.hpp>

namespace supvisors {

nlohmann::json toJson(const xmlrpc_c::value& value);
xmlrpc_c::value fromJson(const nlohmann::json& json);

}  // namespace supvisors
