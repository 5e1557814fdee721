#pragma once
// The resolved configuration as `supvisorsd --check` shows it: every option of every section
// with its value after defaults, expansions and resolution, and where it came from (the file's
// line, or the default). Text for people (an INI-like listing), JSON for scripts
// (`--check --json`). Passwords are masked in both.
//
// Thread-safety: pure functions of their arguments.

#include <string>

#include <nlohmann/json.hpp>

#include "agent/config/config.h"
#include "agent/config/config_loader.h"

namespace supvisors {

// The INI-like listing: a comment header with the instances, then `key = value ; origin`.
std::string configToText(const Config& config);

// {"file", "local_index", "local", "instances": [...], "supvisors": {key: {"value",
//  "source": "file"|"default", "line"?, "implemented"}}, "supervisor": {...}, "agent": {...}}
nlohmann::json configToJson(const Config& config);

// The whole --check answer: {"ok", "errors": [text...], "warnings": [text...], "config"?}.
nlohmann::json checkToJson(const ConfigLoad& load);

// One line per diagnostic, "error: <formatted>" then "warning: <formatted>".
std::string diagnosticsToText(const ConfigLoad& load);

}  // namespace supvisors
