#include "agent/daemon/daemon.h"

int main(int argc, char** argv) { return supvisors::runDaemon(argc, argv); }
