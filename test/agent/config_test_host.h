#pragma once
// Shared by the configuration tests: a fake host (HostInfo is a plain value) and a helper that
// writes a config text into a temp dir and loads it there.

#include <map>
#include <string>

#include "agent/config/config_loader.h"
#include "agent/config/host_info.h"
#include "test/support/temp_dir.h"

namespace supvisors::test {

// "server1" (alias server1.example.com) with addresses 127.0.0.1, 10.0.0.1 and ::1;
// /etc/hosts knows localhost, server1 (10.0.0.1) and server2 (10.0.0.2).
inline HostInfo fakeHost() {
  HostInfo host;
  host.hostName = "server1";
  host.names = {"server1", "server1.example.com"};
  host.addresses = {"127.0.0.1", "10.0.0.1", "::1"};
  host.hostsFile = {{"localhost", {"127.0.0.1"}},
                    {"server1", {"10.0.0.1"}},
                    {"server2", {"10.0.0.2"}}};
  host.machineId = "0123456789abcdef0123456789abcdef";
  return host;
}

// Writes `text` as <dir>/a.conf and loads it with the fake host.
inline ConfigLoad loadText(const TempDir& dir, const std::string& text,
                           const std::map<std::string, std::string>& env = {},
                           const HostInfo& host = fakeHost()) {
  return loadConfig(dir.write("a.conf", text), host, env);
}

// Every error, formatted, one per line (for REQUIRE_THAT ... Contains).
inline std::string errorsOf(const ConfigLoad& load) {
  std::string out;
  for (const auto& d : load.errors) out += d.format() + "\n";
  return out;
}
inline std::string warningsOf(const ConfigLoad& load) {
  std::string out;
  for (const auto& d : load.warnings) out += d.format() + "\n";
  return out;
}

}  // namespace supvisors::test
