#include "agent/daemon/security_check.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "common/password_hash.h"

namespace supvisors {

namespace {

void checkExposure(const Config& config, SecurityCheck& check) {
  const auto& a = config.agent;
  if (isLoopbackAddress(a.http_bind)) return;
  const std::string where =
      "[agent] http_bind = " + a.http_bind + ": the HTTP API (port " +
      std::to_string(config.local().http_port) + ") is reachable from other hosts";
  if (a.username.empty()) {
    if (a.allow_unauthenticated)
      check.warnings.push_back(where +
                               " without authentication (allowed by [agent] "
                               "allow_unauthenticated): anyone who reaches it controls the "
                               "cluster");
    else
      check.errors.push_back(where +
                             " without authentication; set [agent] username and password "
                             "(supvisorsd --hash-password prints a hash to use as password), "
                             "bind a loopback address, or set [agent] allow_unauthenticated = "
                             "true to run it open on purpose");
    return;
  }
  if (!a.http_cert_file)
    check.warnings.push_back(where +
                             " over plain HTTP: the password crosses the network in clear; set "
                             "[agent] http_cert_file and http_key_file to serve HTTPS");
}

// A password a reader of the file can use or cheaply reverse.
bool weakSecret(const std::string& password) {
  if (password.empty()) return false;
  std::string error;
  const auto stored = parseStoredPassword(password, error);
  return !stored || stored->form != StoredPassword::Form::Pbkdf2Sha256;
}

void checkConfigFile(const Config& config, SecurityCheck& check) {
  struct stat st {};
  if (::stat(config.file.c_str(), &st) != 0) return;  // a text loaded in tests: nothing to see
  const unsigned mode = st.st_mode & 07777;
  const std::string name = config.file.string();
  if (mode & S_IWOTH) {
    check.errors.push_back("the configuration file " + name + " is writable by others (mode " +
                           modeText(mode) + "): anyone on this host could change it; run: "
                           "chmod o-w " + name);
    return;
  }
  const bool secret =
      weakSecret(config.agent.password) || !config.supervisor.password.empty();
  if (secret && (mode & (S_IRGRP | S_IROTH)))
    check.warnings.push_back(
        "the configuration file " + name + " holds a password and is readable by " +
        ((mode & S_IROTH) ? "others" : "its group") + " (mode " + modeText(mode) +
        "); run: chmod 600 " + name +
        (weakSecret(config.agent.password)
             ? ", or replace [agent] password by the hash of supvisorsd --hash-password"
             : ""));
}

void checkTlsFiles(const Config& config, SecurityCheck& check) {
  const auto& a = config.agent;
  if (a.http_key_file) {
    const std::string name = a.http_key_file->string();
    struct stat st {};
    if (::stat(name.c_str(), &st) != 0) {
      check.errors.push_back("[agent] http_key_file: cannot read " + name + ": " +
                             std::strerror(errno));
    } else if (!S_ISREG(st.st_mode)) {
      check.errors.push_back("[agent] http_key_file: " + name + " is not a regular file");
    } else if (st.st_mode & 0077) {
      check.errors.push_back("[agent] http_key_file: the private key " + name +
                             " is readable or writable by group or others (mode " +
                             modeText(st.st_mode & 07777) + "); run: chmod 600 " + name);
    } else if (!std::ifstream(name).good()) {
      check.errors.push_back("[agent] http_key_file: cannot read " + name);
    }
  }
  if (a.http_cert_file) {
    const std::string name = a.http_cert_file->string();
    if (!std::ifstream(name).good())
      check.errors.push_back("[agent] http_cert_file: cannot read " + name);
  }
}

}  // namespace

bool isLoopbackAddress(const std::string& address) {
  return address.rfind("127.", 0) == 0 || address == "::1" || address == "localhost";
}

std::string modeText(unsigned mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", mode & 07777);
  return text;
}

SecurityCheck checkSecurity(const Config& config) {
  SecurityCheck check;
  checkExposure(config, check);
  checkConfigFile(config, check);
  checkTlsFiles(config, check);
  return check;
}

}  // namespace supvisors
