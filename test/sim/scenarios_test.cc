// Every test/scenarios/*.txt runs in the simulator; its transcript must match exactly and no
// invariant may break. The files are never rewritten: on a mismatch the actual transcript is
// written under the build directory (test/scenarios/<name>.txt) for review and the test fails.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "test/sim/scenario.h"

namespace fs = std::filesystem;
using namespace supvisors::sim;

TEST_CASE("every scenario transcript matches and keeps the invariants", "[scenario]") {
  const fs::path dir = fs::path(SUPVISORS_SOURCE_DIR) / "test" / "scenarios";
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.path().extension() == ".txt") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  REQUIRE_FALSE(files.empty());
  for (const auto& file : files) {
    DYNAMIC_SECTION(file.filename().string()) {
      std::ifstream in(file);
      std::stringstream text;
      text << in.rdbuf();
      const auto result = runScenario(text.str(), dir / "rules");
      for (const auto& failure : result.failures) UNSCOPED_INFO(failure);
      CHECK(result.failures.empty());
      if (!result.matches) {
        const fs::path out =
            fs::path(SUPVISORS_BINARY_DIR) / "test" / "scenarios" / file.filename();
        fs::create_directories(out.parent_path());
        std::ofstream(out) << result.actual;
        FAIL("transcript differs from " << file.string() << "; actual written to " << out.string()
                                        << "\n"
                                        << result.actual);
      }
    }
  }
}
