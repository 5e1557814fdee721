// Rules benchmark (issue 4): loads a generated rules file of 1,000 programs and 100
// application patterns, then resolves the rules and allowed instances of every program.
// Prints the times; docs/RULES.md records them. Not a test: run build/bench/rules_bench.

#include <chrono>
#include <cstdio>
#include <string>

#include "rules/rules.h"

using namespace supvisors;
using Clock = std::chrono::steady_clock;

namespace {

double millis(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

// 100 applications named app_NNN, each matched by its own pattern ^app_NNN(_\d+)?$, with
// 10 programs: 5 by name, 4 by pattern, one catch-all.
std::string generate() {
  std::string xml = "<root>\n<alias name=\"servers\">srv01,srv02</alias>\n"
                    "<model name=\"m\"><start_sequence>1</start_sequence>"
                    "<expected_loading>5</expected_loading></model>\n";
  char buffer[512];
  for (int a = 0; a < 100; ++a) {
    std::snprintf(buffer, sizeof buffer,
                  "<application pattern=\"^app_%03d(_\\d+)?$\"><start_sequence>%d</start_sequence>"
                  "<programs>\n",
                  a, a % 5 + 1);
    xml += buffer;
    for (int p = 0; p < 10; ++p) {
      if (p < 5) {
        std::snprintf(buffer, sizeof buffer,
                      "<program name=\"prg_%d\"><reference>m</reference>"
                      "<identifiers>servers</identifiers></program>\n",
                      p);
      } else if (p < 9) {
        std::snprintf(buffer, sizeof buffer,
                      "<program pattern=\"^worker_%d_\\d+$\"><identifiers>#,servers</identifiers>"
                      "</program>\n",
                      p);
      } else {
        std::snprintf(buffer, sizeof buffer, "<program pattern=\"\"/>\n");
      }
      xml += buffer;
    }
    xml += "</programs></application>\n";
  }
  return xml + "</root>\n";
}

}  // namespace

int main() {
  InstanceDirectory directory;
  directory.instances = {InstanceEntry::named("h1:60000", "srv01", {}), InstanceEntry::named("h2:60000", "srv02", {})};
  const std::string xml = generate();

  const auto t0 = Clock::now();
  const auto load = loadRulesFromSources({{"bench.xml", xml}}, directory);
  const auto t1 = Clock::now();
  if (!load.ok()) {
    std::fputs(dumpRulesText(load).c_str(), stderr);
    return 1;
  }
  std::size_t resolved = 0;
  std::size_t instances = 0;
  for (int a = 0; a < 100; ++a) {
    char group[32];
    std::snprintf(group, sizeof group, "app_%03d_1", a);
    for (int p = 0; p < 10; ++p) {
      char process[32];
      if (p < 5) {
        std::snprintf(process, sizeof process, "prg_%d", p);
      } else if (p < 9) {
        std::snprintf(process, sizeof process, "worker_%d_%d", p, a);
      } else {
        std::snprintf(process, sizeof process, "other");
      }
      resolved += load.rules->processRules(group, process).has_value();
      instances += load.rules->allowedInstances(group, process, static_cast<std::size_t>(a),
                                                directory).size();
    }
  }
  const auto t2 = Clock::now();
  std::printf("rules_bench: %zu bytes, 100 application patterns, 1000 programs\n", xml.size());
  std::printf("  load (validate + parse + resolve): %.2f ms\n", millis(t0, t1));
  std::printf("  resolve 1000 programs (rules + allowed instances): %.2f ms (%zu resolved, %zu "
              "instances)\n",
              millis(t1, t2), resolved, instances);
  return resolved == 1000 ? 0 : 1;
}
