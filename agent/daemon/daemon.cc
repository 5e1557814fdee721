#include "agent/daemon/daemon.h"

#include <cstdio>

namespace supvisors {
int runDaemon(int, char**) {
  std::fprintf(stderr, "supvisorsd: not implemented yet\n");
  return 1;
}
}  // namespace supvisors
