#include "agent/shell/supervisor_client.h"
// Typed calls: implemented by the supervisor-client work.
