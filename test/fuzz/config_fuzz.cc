// libFuzzer entry point for the configuration parser (agent/config/ini_file.h and
// config_loader.h): any text is parsed as an INI file, then loaded as the agent's config on a
// fixed fake host with an empty environment. Neither may crash, hang or leak; the load gives a
// Config or at least one error, never both. See test/fuzz/README.md.
//
// The loader expands globs (rules_files, files) against the real file system: the seeds only
// name paths under /nonexistent, and a glob the fuzzer builds may list real folders (read
// only, never opened as files).

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "agent/config/config_loader.h"
#include "agent/config/ini_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace supvisors;
  static const HostInfo* host = [] {
    auto* h = new HostInfo();
    h->hostName = "server1";
    h->names = {"server1", "server1.example.com"};
    h->addresses = {"127.0.0.1", "10.0.0.1", "::1"};
    h->hostsFile = {
        {"localhost", {"127.0.0.1"}}, {"server1", {"10.0.0.1"}}, {"server2", {"10.0.0.2"}}};
    h->machineId = "0123456789abcdef0123456789abcdef";
    return h;
  }();
  const std::string text(reinterpret_cast<const char*>(data), size);
  const IniFile ini = parseIni(text, "/nonexistent/fuzz.conf");
  for (const auto& error : ini.errors)
    if (error.format().empty()) std::abort();
  const ConfigLoad load = loadConfigText(text, "/nonexistent/fuzz.conf", *host, {});
  if (load.ok() != load.config.has_value()) std::abort();
  if (!load.ok() && load.errors.empty()) std::abort();
  return 0;
}
