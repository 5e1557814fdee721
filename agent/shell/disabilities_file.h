#pragma once
// The disabilities file (`disabilities_file`, reference §1.2): where the agent persists which
// programs are disabled (agent/core/disabilities.h), so a disable outlives the agent's and
// supervisord's restarts. Supvisors' format: a JSON object {program_name: bool}.
//
// The path comes from the configuration with `~` already expanded. Start-up reads it (a file
// that cannot be read or parsed stops start-up: the user fixes or removes it) and, when it is
// missing, writes it with every program enabled, creating its folder. Every enable/disable
// rewrites it atomically (a temp file beside it, then rename), so a crash mid-write leaves the
// former version, never half a file.
//
// Thread-safety: plain functions; the agent calls them from its loop thread only.

#include <filesystem>

#include "agent/core/disabilities.h"
#include "common/result.h"

namespace supvisors {

struct DisabilitiesRead {
  Disabilities disabilities;
  bool existed = false;  // false: no file yet (all programs enabled)
};

// Reads `file`. A missing file is no error (existed = false). The Error's message names the
// file, what is wrong and how to fix it.
Result<DisabilitiesRead> readDisabilitiesFile(const std::filesystem::path& file);

// Writes `disabilities` to `file` atomically, creating its folder if missing. The Error's
// message names the file and the cause.
Status writeDisabilitiesFile(const std::filesystem::path& file, const Disabilities& disabilities);

}  // namespace supvisors
