#pragma once
// TestCa: a throw-away certificate authority for TLS tests, made at test time with the
// `openssl` command line in its own temp folder (nothing secret is committed). It holds:
//
//   ca.pem                  the test CA (trust it with --ca-file / tls_ca_file)
//   server.pem, server.key  a server certificate it signed for 127.0.0.1 and localhost
//   other-ca.pem            another CA, which signed nothing the server shows
//   rogue.pem, rogue.key    a certificate for 127.0.0.1 signed by other-ca (a wrong one)
//
// EC P-256 keys, valid two days; key files mode 0600. Construction throws if openssl fails
// (the message holds its output).

#include <filesystem>
#include <string>

#include "test/support/temp_dir.h"

namespace supvisors::test {

class TestCa {
 public:
  TestCa();

  const std::filesystem::path& dir() const { return dir_.path(); }
  std::string caFile() const { return (dir() / "ca.pem").string(); }
  std::string certFile() const { return (dir() / "server.pem").string(); }
  std::string keyFile() const { return (dir() / "server.key").string(); }
  std::string otherCaFile() const { return (dir() / "other-ca.pem").string(); }
  std::string rogueCertFile() const { return (dir() / "rogue.pem").string(); }
  std::string rogueKeyFile() const { return (dir() / "rogue.key").string(); }

 private:
  TempDir dir_{"ca"};
};

}  // namespace supvisors::test
