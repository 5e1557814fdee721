// supvisorsctl --credentials FILE (agent/ctl/credentials.h): the format, and the refusal of a
// file that group or others may read or write.
#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "agent/ctl/credentials.h"
#include "test/support/temp_dir.h"

using namespace supvisors;
using supvisors::test::TempDir;

namespace {
std::filesystem::path privateFile(const TempDir& dir, const std::string& text,
                                  unsigned mode = 0600) {
  static int count = 0;  // a new file each time: one left 0400 cannot be rewritten
  const auto file = dir.write("credentials" + std::to_string(++count), text);
  ::chmod(file.c_str(), mode);
  return file;
}
}  // namespace

TEST_CASE("a credentials file holds username:password, the password may hold colons",
          "[ctl][credentials]") {
  TempDir dir;
  auto read = ctl::readCredentialsFile(privateFile(dir, "# comment\n\nadmin:p:a:ss\r\n"));
  REQUIRE(read.ok());
  CHECK(read->username == "admin");
  CHECK(read->password == "p:a:ss");
  read = ctl::readCredentialsFile(privateFile(dir, "admin:", 0400));
  REQUIRE(read.ok());
  CHECK(read->password.empty());
}

TEST_CASE("a credentials file others may read, or malformed, is refused with the fix",
          "[ctl][credentials]") {
  TempDir dir;
  for (const unsigned mode : {0644u, 0640u, 0604u, 0660u}) {
    const auto read = ctl::readCredentialsFile(privateFile(dir, "admin:pass\n", mode));
    REQUIRE_FALSE(read.ok());
    CHECK_THAT(read.error().message, Catch::Contains("chmod 600"));
  }
  const auto empty = ctl::readCredentialsFile(privateFile(dir, "# only a comment\n"));
  REQUIRE_FALSE(empty.ok());
  CHECK_THAT(empty.error().message, Catch::Contains("is empty"));
  const auto noColon = ctl::readCredentialsFile(privateFile(dir, "admin\n"));
  REQUIRE_FALSE(noColon.ok());
  CHECK_THAT(noColon.error().message, Catch::Contains("one line username:password"));
  const auto missing = ctl::readCredentialsFile(dir.path() / "none");
  REQUIRE_FALSE(missing.ok());
  CHECK_THAT(missing.error().message, Catch::Contains("No such file"));
  const auto folder = ctl::readCredentialsFile(dir.path());
  REQUIRE_FALSE(folder.ok());
  CHECK_THAT(folder.error().message, Catch::Contains("not a regular file"));
}
