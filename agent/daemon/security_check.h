#pragma once
// SecurityCheck: what start-up (and --check) verifies about how exposed the agent is, beyond
// the validity of each option (docs/SECURITY.md):
//
//   - the HTTP API bound to an address other hosts can reach (http_bind not loopback) with no
//     username: an error naming the options to set, unless [agent] allow_unauthenticated,
//     which makes it a warning; with a username but no TLS: a warning (the password crosses
//     the network in clear);
//   - the configuration file writable by others: an error (anyone on the host could change
//     what the agent trusts); readable by group or others while it holds a password that is
//     not a salted hash (plain, {SHA}, or any [supervisor] password): a warning;
//   - the TLS key file (http_key_file) readable or writable by group or others, missing, or
//     not a regular file: an error, as the CURVE secret key; the certificate file missing or
//     unreadable: an error.
//
// Thread-safety: pure apart from stat() and open() of the named files; start-up only.

#include <string>
#include <vector>

#include "agent/config/config.h"

namespace supvisors {

struct SecurityCheck {
  std::vector<std::string> errors;    // start-up refused (exit 78)
  std::vector<std::string> warnings;  // logged at start, printed by --check
};

SecurityCheck checkSecurity(const Config& config);

// Whether a bind address only accepts connections from this host (127.0.0.0/8, ::1,
// localhost). A host name other than localhost counts as reachable.
bool isLoopbackAddress(const std::string& address);

// "0644": the permission bits of a mode, for messages.
std::string modeText(unsigned mode);

}  // namespace supvisors
