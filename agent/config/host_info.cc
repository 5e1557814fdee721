#include "agent/config/host_info.h"
#include "common/text.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

namespace supvisors {

namespace {


void addUnique(std::vector<std::string>& list, std::string value) {
  if (!value.empty() && std::find(list.begin(), list.end(), value) == list.end())
    list.push_back(std::move(value));
}

std::string readAll(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::ostringstream out;
  if (in) out << in.rdbuf();
  return out.str();
}

}  // namespace

std::optional<std::string> canonicalAddress(std::string_view text) {
  std::string t(text);
  if (t.size() > 2 && t.front() == '[' && t.back() == ']') t = t.substr(1, t.size() - 2);
  char buf[INET6_ADDRSTRLEN];
  in_addr a4{};
  if (inet_pton(AF_INET, t.c_str(), &a4) == 1 && inet_ntop(AF_INET, &a4, buf, sizeof buf))
    return std::string(buf);
  in6_addr a6{};
  if (inet_pton(AF_INET6, t.c_str(), &a6) == 1 && inet_ntop(AF_INET6, &a6, buf, sizeof buf))
    return std::string(buf);
  return std::nullopt;
}

bool HostInfo::isLocal(std::string_view host) const {
  auto isLocalAddress = [this](const std::string& a) {
    return std::find(addresses.begin(), addresses.end(), a) != addresses.end();
  };
  if (const auto address = canonicalAddress(host)) return isLocalAddress(*address);
  const std::string name = toLower(host);
  if (std::find(names.begin(), names.end(), name) != names.end()) return true;
  const auto it = hostsFile.find(name);
  if (it == hostsFile.end()) return false;
  return std::any_of(it->second.begin(), it->second.end(), isLocalAddress);
}

std::map<std::string, std::vector<std::string>> parseHostsFile(const std::string& text) {
  std::map<std::string, std::vector<std::string>> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    line = line.substr(0, line.find('#'));
    std::istringstream words(line);
    std::string address, name;
    if (!(words >> address)) continue;
    const auto canonical = canonicalAddress(address);
    if (!canonical) continue;
    while (words >> name) addUnique(out[toLower(name)], *canonical);
  }
  return out;
}

HostInfo readHostInfo(const std::filesystem::path& hostsPath,
                      const std::filesystem::path& machineIdPath) {
  HostInfo info;
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) == 0) info.hostName = name;
  const std::string lowerName = toLower(info.hostName);
  const std::string shortName = lowerName.substr(0, lowerName.find('.'));
  addUnique(info.names, lowerName);
  addUnique(info.names, shortName);

  const std::string hosts = readAll(hostsPath);
  info.hostsFile = parseHostsFile(hosts);
  // Aliases: every name on an /etc/hosts line that names this host.
  std::istringstream in(hosts);
  std::string line;
  while (std::getline(in, line)) {
    line = line.substr(0, line.find('#'));
    std::istringstream words(line);
    std::string address, word;
    std::vector<std::string> lineNames;
    if (!(words >> address) || !canonicalAddress(address)) continue;
    while (words >> word) lineNames.push_back(toLower(word));
    const bool ours = std::any_of(lineNames.begin(), lineNames.end(), [&](const auto& n) {
      return n == lowerName || n == shortName;
    });
    if (ours)
      for (auto& n : lineNames) addUnique(info.names, n);
  }

  ifaddrs* list = nullptr;
  if (getifaddrs(&list) == 0) {
    for (ifaddrs* it = list; it; it = it->ifa_next) {
      if (!it->ifa_addr) continue;
      char buf[INET6_ADDRSTRLEN];
      if (it->ifa_addr->sa_family == AF_INET) {
        const auto* sin = reinterpret_cast<const sockaddr_in*>(it->ifa_addr);
        if (inet_ntop(AF_INET, &sin->sin_addr, buf, sizeof buf)) addUnique(info.addresses, buf);
      } else if (it->ifa_addr->sa_family == AF_INET6) {
        const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(it->ifa_addr);
        if (inet_ntop(AF_INET6, &sin6->sin6_addr, buf, sizeof buf)) addUnique(info.addresses, buf);
      }
    }
    freeifaddrs(list);
  }

  std::string id = readAll(machineIdPath);
  while (!id.empty() && std::isspace(static_cast<unsigned char>(id.back()))) id.pop_back();
  info.machineId = id;
  return info;
}

}  // namespace supvisors
