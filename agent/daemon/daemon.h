#pragma once
// supvisorsd's entry point: command line, configuration, then the agent's loop.
// Exit codes are documented in docs/CONFIG.md ("Exit codes").

namespace supvisors {
int runDaemon(int argc, char** argv);
}
