#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "agent/shell/disabilities_file.h"
#include "test/support/temp_dir.h"

using namespace supvisors;
using supvisors::test::TempDir;

namespace {
std::string readAll(const std::filesystem::path& file) {
  std::ifstream in(file);
  return std::string(std::istreambuf_iterator<char>(in), {});
}
}  // namespace

TEST_CASE("a missing disabilities file reads as every program enabled", "[disabilities_file]") {
  TempDir dir{"dis"};
  const auto r = readDisabilitiesFile(dir.path() / "none.json");
  REQUIRE(r.ok());
  CHECK_FALSE(r->existed);
  CHECK(r->disabilities.flags().empty());
}

TEST_CASE("a disabilities file round-trips, its folder created and no temp file left",
          "[disabilities_file]") {
  TempDir dir{"dis"};
  const auto file = dir.path() / "deep" / "er" / "disabilities.json";
  Disabilities d;
  d.set("web", true);
  d.set("db", false);
  REQUIRE(writeDisabilitiesFile(file, d).ok());
  CHECK(readAll(file) == d.serialize());
  const auto r = readDisabilitiesFile(file);
  REQUIRE(r.ok());
  CHECK(r->existed);
  CHECK(r->disabilities == d);
  // Rewritten in place: the new content, and only the file itself in its folder.
  d.set("web", false);
  REQUIRE(writeDisabilitiesFile(file, d).ok());
  CHECK(readDisabilitiesFile(file)->disabilities == d);
  std::size_t entries = 0;
  for (const auto& entry : std::filesystem::directory_iterator(file.parent_path())) {
    (void)entry;
    ++entries;
  }
  CHECK(entries == 1);
}

TEST_CASE("a disabilities file that cannot be parsed names the file and the fix",
          "[disabilities_file]") {
  TempDir dir{"dis"};
  const auto file = dir.write("bad.json", "{\"web\": yes}");
  const auto r = readDisabilitiesFile(file);
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(r.error().message, Catch::Contains(file.string()) && Catch::Contains("not JSON") &&
                                    Catch::Contains("remove it"));
  const auto folder = readDisabilitiesFile(dir.path());
  REQUIRE_FALSE(folder.ok());
  CHECK_THAT(folder.error().message, Catch::Contains("is a folder"));
}

TEST_CASE("a disabilities file that cannot be written says which and why",
          "[disabilities_file]") {
  TempDir dir{"dis"};
  // Its folder would have to be a regular file.
  const auto blocker = dir.write("blocker", "");
  const auto r = writeDisabilitiesFile(blocker / "disabilities.json", Disabilities());
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(r.error().message, Catch::Contains((blocker / "disabilities.json").string()) &&
                                    Catch::Contains("folder"));
}
