#pragma once
// The exit codes of supvisorsd at start-up (documented in docs/CONFIG.md "Exit codes"), after
// sysexits.h where one fits, so a service manager or a script can tell a typo from an outage.
// A restart loop is pointless for kBadCommandLine and kBadConfig; it may help for kOsError.

namespace supvisors::exit_code {

inline constexpr int kOk = 0;              // ran and stopped cleanly, or --check found no error
inline constexpr int kRuntimeFailure = 1;  // any other failure while running
inline constexpr int kBadCommandLine = 64; // EX_USAGE: unknown flag, missing -c FILE
inline constexpr int kOsError = 71;        // EX_OSERR: cannot bind a port, create run_dir, ...
inline constexpr int kBadConfig = 78;      // EX_CONFIG: an error in the config or rules files

}  // namespace supvisors::exit_code
