#pragma once
// HostInfo: what the agent knows about the host it runs on, to find its own entry in
// `supvisors_list` and to default `node_id`. A plain value: readHostInfo() fills it from the
// system, tests build one by hand (the fake). Reading it never touches the network, so
// `supvisorsd --check` works offline and never blocks on DNS.
//
// What "this host" matches (HostInfo::isLocal), in order:
//   1. a literal IPv4/IPv6 address equal to one of the host's interface addresses
//      (getifaddrs, loopback included, so a one-machine cluster on 127.0.0.1 works);
//   2. a name equal (any case) to the host name, its short form, or an alias written on the
//      same /etc/hosts line as the host name;
//   3. a name that /etc/hosts maps to one of the host's interface addresses.
// Any other name (known only to DNS) is taken as another host: it is never resolved.
//
// Thread-safety: an immutable value.

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace supvisors {

struct HostInfo {
  std::string hostName;                // gethostname(); also %(host_node_name)s
  std::vector<std::string> names;      // lowercase: host name, short name, /etc/hosts aliases
  std::vector<std::string> addresses;  // canonical text of every local interface address
  std::map<std::string, std::vector<std::string>> hostsFile;  // lowercase name -> addresses
  std::string machineId;               // /etc/machine-id content; empty when absent

  // Whether `host` (a name or a literal address, IPv6 with or without brackets) is this host.
  bool isLocal(std::string_view host) const;
};

// The canonical text of a literal IP address ("::1" for "[0:0::1]"); nullopt for a name.
std::optional<std::string> canonicalAddress(std::string_view text);

// The name -> addresses map of an /etc/hosts text (comments and bad addresses skipped).
std::map<std::string, std::vector<std::string>> parseHostsFile(const std::string& text);

// Reads the real host: gethostname, getifaddrs, the hosts file and the machine-id file.
HostInfo readHostInfo(const std::filesystem::path& hostsPath = "/etc/hosts",
                      const std::filesystem::path& machineIdPath = "/etc/machine-id");

}  // namespace supvisors
