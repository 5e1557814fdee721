#include "test/support/test_ca.h"

#include <sys/stat.h>

#include <stdexcept>

#include "test/support/command.h"

namespace supvisors::test {

namespace {

void run(const std::vector<std::string>& argv) {
  const auto r = runCommand(argv, std::chrono::seconds(60));
  if (r.exit_code != 0) throw std::runtime_error(argv[0] + " " + argv[1] + " failed: " + r.output);
}

// A CA: NAME.key and NAME.pem, self-signed.
void makeCa(const std::filesystem::path& dir, const std::string& name, const std::string& cn) {
  run({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
       "-nodes", "-keyout", (dir / (name + ".key")).string(), "-out",
       (dir / (name + ".pem")).string(), "-days", "2", "-subj", "/CN=" + cn});
}

// A server certificate NAME.pem / NAME.key for 127.0.0.1 and localhost, signed by CA.
void makeServer(const std::filesystem::path& dir, const std::string& name,
                const std::string& ca) {
  const std::string key = (dir / (name + ".key")).string();
  const std::string csr = (dir / (name + ".csr")).string();
  run({"openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
       "-keyout", key, "-out", csr, "-subj", "/CN=localhost"});
  run({"openssl", "x509", "-req", "-in", csr, "-CA", (dir / (ca + ".pem")).string(), "-CAkey",
       (dir / (ca + ".key")).string(), "-CAcreateserial", "-out",
       (dir / (name + ".pem")).string(), "-days", "2", "-extfile",
       (dir / "server.ext").string()});
  ::chmod(key.c_str(), 0600);
}

}  // namespace

TestCa::TestCa() {
  dir_.write("server.ext",
             "subjectAltName = IP:127.0.0.1, DNS:localhost\n"
             "basicConstraints = CA:FALSE\n"
             "keyUsage = digitalSignature\n"
             "extendedKeyUsage = serverAuth\n");
  makeCa(dir(), "ca", "supvisors test CA");
  makeCa(dir(), "other-ca", "another test CA");
  makeServer(dir(), "server", "ca");
  makeServer(dir(), "rogue", "other-ca");
}

}  // namespace supvisors::test
