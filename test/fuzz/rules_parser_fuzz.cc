// libFuzzer entry point for the rules parser (rules/rules_parser.h): any text is loaded as a
// rules file with loadRulesFromSources(). It must never crash, hang or leak; it gives either
// rules or at least one error, never both. See test/fuzz/README.md.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "rules/rules_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace supvisors;
  static const InstanceDirectory* directory = [] {
    auto* d = new InstanceDirectory();
    d->instances = {InstanceEntry::named("10.0.0.1:60000", "srv01", {"@SERVER"}),
                    InstanceEntry::named("10.0.0.2:60000", "srv02", {"@SERVER"}),
                    InstanceEntry::named("10.0.0.3:60000", "con01", {"@CONSOLE"})};
    return d;
  }();
  const std::string text(reinterpret_cast<const char*>(data), size);
  const RulesLoad load = loadRulesFromSources({{"fuzz.xml", text}}, *directory);
  if (load.ok() != (load.rules != nullptr)) std::abort();
  if (!load.ok() && load.errors.empty()) std::abort();
  return 0;
}
