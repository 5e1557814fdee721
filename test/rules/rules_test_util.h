#pragma once
// Helpers shared by the rules tests: fixture paths, the test platform's instances, and
// loading a rules file given inline.

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "rules/rules.h"

namespace supvisors::test {

inline std::filesystem::path rulesFixture(const std::string& name) {
  return std::filesystem::path(SUPVISORS_SOURCE_DIR) / "test/fixtures/rules" / name;
}

inline std::string readText(const std::filesystem::path& path) {
  std::ifstream stream(path, std::ios::binary);
  std::ostringstream content;
  content << stream.rdbuf();
  return content.str();
}

// srv01, srv02 (@SERVER) and con01, con02 (@CONSOLE), in supvisors_list order.
inline InstanceDirectory testDirectory() {
  InstanceDirectory directory;
  directory.instances = {InstanceEntry::named("10.0.0.1:60000", "srv01", {"@SERVER"}),
                         InstanceEntry::named("10.0.0.2:60000", "srv02", {"@SERVER"}),
                         InstanceEntry::named("10.0.0.3:60000", "con01", {"@CONSOLE"}),
                         InstanceEntry::named("10.0.0.4:60000", "con02", {"@CONSOLE"})};
  return directory;
}

inline RulesLoad loadFixtures(const std::vector<std::string>& names) {
  std::vector<std::filesystem::path> paths;
  for (const auto& name : names) paths.push_back(rulesFixture(name));
  return loadRules(paths, testDirectory());
}

// A rules file written inline: `body` goes inside <root>.
inline RulesLoad loadInline(const std::string& body) {
  return loadRulesFromSources({{"inline.xml", "<root>" + body + "</root>"}}, testDirectory());
}

}  // namespace supvisors::test
