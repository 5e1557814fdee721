#include "agent/shell/log_control.h"

namespace supvisors {

spdlog::level::level_enum toSpdlog(LogLevel level) {
  switch (level) {
    case LogLevel::Critical:
      return spdlog::level::critical;
    case LogLevel::Error:
      return spdlog::level::err;
    case LogLevel::Warn:
      return spdlog::level::warn;
    case LogLevel::Info:
      return spdlog::level::info;
    case LogLevel::Debug:
      return spdlog::level::debug;
    case LogLevel::Trace:
    case LogLevel::Blather:
      return spdlog::level::trace;
  }
  return spdlog::level::info;
}

void setAgentLogLevel(LogLevel level) {
  spdlog::default_logger()->set_level(toSpdlog(level));
}

}  // namespace supvisors
