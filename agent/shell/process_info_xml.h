#pragma once
// parseAllProcessInfo: reads supervisord's XML-RPC answer to supervisor.getAllProcessInfo
// straight into ProcessInfo values, in one pass over the text.
//
// Why: through xmlrpc-c, an answer of 500 processes (~650 KB of XML) became an XML element
// tree, then a value tree (a malloc'd object per field), then ProcessInfos; the peak of those
// trees, tens of KiB per process, stayed in the poller thread's malloc arena after every full
// reading (docs/BENCHMARKS.md, "Where the agent's memory goes"). Here nothing is built but the
// result: the peak is the answer's text plus the ProcessInfos.
//
// It reads what XML-RPC allows in that answer and checks it as processInfoFromValue does, with
// the same error messages: every field present (`group`, `name`, `state`, `pid`, `start`,
// `stop`, `now`, `exitstatus`, `spawnerr`, `description`, `stdout_logfile`, `stderr_logfile`;
// others ignored), ints as <int>, <i4> or <i8>, strings as <string> or untyped text, the five
// predefined entities and character references decoded, and a <fault> answer as
// Error::fault(faultCode, faultString). Anything else is a Transport error naming what is
// wrong ("malformed XML-RPC answer: ..."). It is not a general XML parser: no DTD, no CDATA
// (supervisord sends neither; an answer carrying them is refused, never misread).
//
// Pure function. Thread-safety: none needed.

#include <string_view>
#include <vector>

#include "common/process_info.h"
#include "common/result.h"

namespace supvisors {

Result<std::vector<ProcessInfo>> parseAllProcessInfo(std::string_view xml);

}  // namespace supvisors
