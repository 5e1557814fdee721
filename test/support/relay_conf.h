#pragma once
// The [eventlistener:supvisors_relay] section that runs the built supvisors-relay beside a
// test supervisord, forwarding to `endpoint` (docs/RELAY.md), with or without TICK_5.

#include <string>

namespace supvisors::test {

inline std::string relayListenerSection(const std::string& endpoint, bool ticks,
                                        bool autorestart) {
  return "[eventlistener:supvisors_relay]\ncommand=" SUPVISORS_BINARY_DIR
         "/agent/supvisors-relay " +
         endpoint +
         "\nevents=PROCESS_STATE,PROCESS_GROUP_ADDED,PROCESS_GROUP_REMOVED,"
         "SUPERVISOR_STATE_CHANGE" +
         (ticks ? ",TICK_5" : "") + "\nbuffer_size=1024\nautorestart=" +
         (autorestart ? "true" : "false") + "\n";
}

}  // namespace supvisors::test
