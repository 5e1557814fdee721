#pragma once
// The faults of the agent's XML-RPC methods (reference §3.1), built one way: an Error whose code
// is the FaultCode and whose text starts with its name once ("BAD_NAME: unknown process x").
//
// Thread-safety: pure functions.

#include <string_view>

#include "common/faults.h"
#include "common/result.h"

namespace supvisors {

// `code` with `detail` after its name.
Error rpcFault(FaultCode code, std::string_view detail = {});
// INCORRECT_PARAMETERS: `detail` (which parameter, what was expected, what came).
Error rpcIncorrect(std::string_view detail);
// A refusal of the agent's loop or helpers, as it goes to the caller: a fault keeps its code
// and gets its name once in its text; anything else (a transport error) becomes FAILED.
Error rpcPassOn(const Error& e);

}  // namespace supvisors
