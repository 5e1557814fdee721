#pragma once
// Fault codes of the XML-RPC APIs: Supervisor's own (supervisor/xmlrpc.py, reference §4.3 of
// supervisor-and-libraries.md) and Supvisors' additions at offset 100 (supvisors-0.19 §3.1).
// Fault strings are "NAME: detail", as Supervisor and Supvisors write them.

#include <string>
#include <string_view>

namespace supvisors {

enum class FaultCode : int {
  UnknownMethod = 1,
  IncorrectParameters = 2,
  BadArguments = 3,
  SignatureUnsupported = 4,
  ShutdownState = 6,
  BadName = 10,
  BadSignal = 11,
  NoFile = 20,
  NotExecutable = 21,
  Failed = 30,
  AbnormalTermination = 40,
  SpawnError = 50,
  AlreadyStarted = 60,
  NotRunning = 70,
  Success = 80,
  AlreadyAdded = 90,
  StillRunning = 91,
  CantReread = 92,
  // Supvisors
  SupvisorsConfError = 100,
  BadSupvisorsState = 101,
  NotManaged = 102,
  Disabled = 103,
  NotApplicable = 104,
  NotInstalled = 105,
};

// The UPPER_CASE name used in fault strings ("BAD_NAME"), or "UNKNOWN_FAULT".
std::string_view faultName(FaultCode code);
std::string_view faultName(int code);

// "BAD_NAME: detail" (or "BAD_NAME" when detail is empty), as Supervisor formats faultString.
std::string faultString(FaultCode code, std::string_view detail);

}  // namespace supvisors
