#include "agent/shell/curve_keys.h"

#include <sys/stat.h>
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "test/support/temp_dir.h"

namespace supvisors {
namespace {

using test::TempDir;

std::string readText(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

unsigned modeOf(const std::filesystem::path& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

TEST_CASE("a generated key pair is two Z85 keys that belong together", "[curve_keys]") {
  auto pair = generateCurveKeyPair();
  REQUIRE(pair.ok());
  CHECK(curveKeyProblem(pair->public_key).empty());
  CHECK(curveKeyProblem(pair->secret_key).empty());
  CHECK(pair->public_key != pair->secret_key);
  auto derived = curvePublicKeyOf(pair->secret_key);
  REQUIRE(derived.ok());
  CHECK(*derived == pair->public_key);
  CHECK(generateCurveKeyPair()->public_key != pair->public_key);
}

TEST_CASE("key files written by generate-keys read back as the same pair", "[curve_keys]") {
  TempDir dir("keys");
  const auto folder = dir.path() / "cluster-keys";  // created by the sub-command
  auto generated = generateCurveKeyFiles(folder, "host1");
  REQUIRE(generated.ok());
  CHECK(modeOf(folder / "host1.key") == 0600);
  CHECK(modeOf(folder) == 0700);
  CHECK(readText(folder / "host1.pub").find(generated->public_key) != std::string::npos);
  CHECK(readText(folder / "host1.pub").find(generated->secret_key) == std::string::npos);

  auto secret = readCurveSecretKeyFile(folder / "host1.key");
  INFO((secret ? std::string() : secret.error().message));
  REQUIRE(secret.ok());
  CHECK(*secret == *generated);
  auto public_key = readCurvePublicKeyFile(folder / "host1.pub");
  REQUIRE(public_key.ok());
  CHECK(*public_key == generated->public_key);
}

TEST_CASE("generate-keys never overwrites an existing key", "[curve_keys]") {
  TempDir dir("keys");
  REQUIRE(generateCurveKeyFiles(dir.path(), "host1").ok());
  const std::string before = readText(dir.path() / "host1.key");
  auto again = generateCurveKeyFiles(dir.path(), "host1");
  REQUIRE_FALSE(again.ok());
  CHECK_THAT(again.error().message,
             Catch::Contains("host1.key") && Catch::Contains("refusing to overwrite"));
  CHECK(readText(dir.path() / "host1.key") == before);
  CHECK_FALSE(generateCurveKeyFiles(dir.path(), "a/b").ok());
  CHECK_FALSE(generateCurveKeyFiles(dir.path(), "").ok());
}

TEST_CASE("a secret key file readable by others is refused with the fix", "[curve_keys]") {
  TempDir dir("keys");
  REQUIRE(generateCurveKeyFiles(dir.path(), "host1").ok());
  const auto path = dir.path() / "host1.key";
  for (const mode_t mode : {0644, 0640, 0602}) {
    REQUIRE(::chmod(path.c_str(), mode) == 0);
    auto read = readCurveSecretKeyFile(path);
    REQUIRE_FALSE(read.ok());
    CHECK_THAT(read.error().message, Catch::Contains(path.string()) &&
                                         Catch::Contains("readable or writable by others") &&
                                         Catch::Contains("chmod 600"));
  }
  REQUIRE(::chmod(path.c_str(), 0400) == 0);
  CHECK(readCurveSecretKeyFile(path).ok());
}

TEST_CASE("a bad key file is an error naming the file and the problem", "[curve_keys]") {
  TempDir dir("keys");
  const std::string good = generateCurveKeyPair()->public_key;
  struct Case {
    std::string content;
    std::string problem;
  };
  const Case cases[] = {
      {"", "no key in it"},
      {"# only a comment\n\n", "no key in it"},
      // (not substr(1): a key's second character may be '#', and the line a comment; its first
      // one never is, '#' opens no Z85 group below 2^32)
      {good.substr(0, 39) + "\n", "39 characters, expected 40"},
      {std::string(40, '"') + "\n", "not Z85 text"},
      {good + "\n" + good + "\n", "2 key lines"},
  };
  int n = 0;
  for (const Case& c : cases) {
    const auto path = dir.write("bad" + std::to_string(n++) + ".pub", c.content);
    auto read = readCurvePublicKeyFile(path);
    REQUIRE_FALSE(read.ok());
    CHECK_THAT(read.error().message, Catch::Contains(path.string()) && Catch::Contains(c.problem));
  }
  auto missing = readCurveSecretKeyFile(dir.path() / "missing.key");
  REQUIRE_FALSE(missing.ok());
  CHECK_THAT(missing.error().message,
             Catch::Contains("missing.key") && Catch::Contains("No such file"));
  // Comments and surrounding blanks are fine.
  auto commented = readCurvePublicKeyFile(dir.write("ok.pub", "# a's key\n  " + good + " \n"));
  REQUIRE(commented.ok());
  CHECK(*commented == good);
}

}  // namespace
}  // namespace supvisors

namespace supvisors {
namespace {

TEST_CASE("a public key file may list several keys of one instance, in order",
          "[curve_keys][rotation]") {
  TempDir dir("keys");
  const std::string k1 = generateCurveKeyPair()->public_key;
  const std::string k2 = generateCurveKeyPair()->public_key;
  // The single-key layout stays valid.
  const auto one = readCurvePublicKeysFile(dir.write("one.pub", "# alpha\n" + k1 + "\n"));
  REQUIRE(one.ok());
  CHECK(*one == std::vector<std::string>{k1});
  // Old and new key during a rotation; comments, blanks and a repeated key are fine.
  const auto two = readCurvePublicKeysFile(
      dir.write("two.pub", "# alpha, old\n" + k1 + "\n\n  # alpha, new\n  " + k2 + "  \n" + k1));
  REQUIRE(two.ok());
  CHECK(*two == std::vector<std::string>{k1, k2});
  // The single-key reader still refuses two keys (secret keys and subscribers keep one).
  CHECK_FALSE(readCurvePublicKeyFile(dir.path() / "two.pub").ok());
}

TEST_CASE("a bad line among several keys is refused naming the file and the line",
          "[curve_keys][rotation]") {
  TempDir dir("keys");
  const std::string k1 = generateCurveKeyPair()->public_key;
  const auto bad = dir.write("bad.pub", k1 + "\n" + k1.substr(0, 39) + "\n");
  const auto r = readCurvePublicKeysFile(bad);
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(r.error().message, Catch::Matchers::Contains(bad.string()) &&
                                    Catch::Matchers::Contains("line 2") &&
                                    Catch::Matchers::Contains("39 characters"));
  const auto empty = readCurvePublicKeysFile(dir.write("empty.pub", "# nothing\n"));
  REQUIRE_FALSE(empty.ok());
  CHECK_THAT(empty.error().message, Catch::Matchers::Contains("no key"));
  std::string many;
  for (std::size_t i = 0; i <= kMaxKeysPerFile; ++i) many += generateCurveKeyPair()->public_key + "\n";
  const auto too_many = readCurvePublicKeysFile(dir.write("many.pub", many));
  REQUIRE_FALSE(too_many.ok());
  CHECK_THAT(too_many.error().message, Catch::Matchers::Contains("more than"));
  CHECK_FALSE(readCurvePublicKeysFile(dir.path() / "missing.pub").ok());
}

}  // namespace
}  // namespace supvisors
