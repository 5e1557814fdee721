#pragma once
// nameThread: names the calling thread, as `top -H`, `ps -L`, perf and gdb show it (Linux keeps
// at most 15 characters, in /proc/PID/task/TID/comm; a longer name is cut). The agent names
// each of its threads "sv-" and its job (docs/RUNNING.md, "The agent's threads"), so the one
// that takes the CPU can be told apart; without a name each shows as "supvisorsd".
//
// Thread-safety: names only the calling thread.

#include <string>

namespace supvisors {

// Names the calling thread `name`, cut to 15 characters. False when the system refused.
bool nameThread(const std::string& name);

}  // namespace supvisors
