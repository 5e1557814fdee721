// The peer key set read from the keys folder (peer_keys.h): several keys per instance, and a
// load that is all or nothing, as a key reload needs.
#include "agent/shell/peer_keys.h"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "test/support/temp_dir.h"

namespace supvisors {
namespace {

using test::TempDir;

TEST_CASE("the peer key set lists every key of each instance's file", "[peer_keys][rotation]") {
  TempDir dir("keys");
  REQUIRE(generateCurveKeyFiles(dir.path(), "alpha").ok());
  const auto beta_old = generateCurveKeyPair().value();
  const auto beta_new = generateCurveKeyPair().value();
  const auto gamma = generateCurveKeyPair().value();
  dir.write("beta.pub", beta_old.public_key + "\n" + beta_new.public_key + "\n");
  dir.write("gamma.pub", "# gamma\n" + gamma.public_key + "\n");
  const PeerKeySource source{dir.path() / "alpha.key", dir.path(),
                             {{"b:1", "beta"}, {"c:1", "gamma"}}};
  std::vector<std::string> errors;
  const auto keys = loadPeerKeys(source, errors);
  REQUIRE(errors.empty());
  REQUIRE(keys.has_value());
  CHECK(keys->own == readCurveSecretKeyFile(dir.path() / "alpha.key").value());
  CHECK(keys->peers.at("b:1") ==
        std::vector<std::string>{beta_old.public_key, beta_new.public_key});
  CHECK(keys->peers.at("c:1") == std::vector<std::string>{gamma.public_key});
}

TEST_CASE("a bad or missing key file fails the whole set, each named", "[peer_keys][rotation]") {
  TempDir dir("keys");
  REQUIRE(generateCurveKeyFiles(dir.path(), "alpha").ok());
  dir.write("beta.pub", generateCurveKeyPair()->public_key + "\nnot a key\n");
  const PeerKeySource source{dir.path() / "alpha.key", dir.path(),
                             {{"b:1", "beta"}, {"c:1", "gamma"}}};
  std::vector<std::string> errors;
  CHECK_FALSE(loadPeerKeys(source, errors).has_value());
  REQUIRE(errors.size() == 2);
  CHECK_THAT(errors[0], Catch::Matchers::Contains("curve_public_keys") &&
                            Catch::Matchers::Contains("beta.pub") &&
                            Catch::Matchers::Contains("line 2"));
  CHECK_THAT(errors[1], Catch::Matchers::Contains("gamma.pub"));
}

}  // namespace
}  // namespace supvisors
