#include "agent/daemon/logging.h"

#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>

#include <limits>

namespace supvisors {

spdlog::level::level_enum toSpdlog(LogLevel level) {
  switch (level) {
    case LogLevel::Critical: return spdlog::level::critical;
    case LogLevel::Error: return spdlog::level::err;
    case LogLevel::Warn: return spdlog::level::warn;
    case LogLevel::Info: return spdlog::level::info;
    case LogLevel::Debug: return spdlog::level::debug;
    case LogLevel::Trace:
    case LogLevel::Blather: return spdlog::level::trace;
  }
  return spdlog::level::info;
}

void setupLogging(const Config& config) {
  const auto& s = config.supvisors;
  std::shared_ptr<spdlog::logger> logger;
  if (s.logfile) {
    const auto maxBytes = s.logfile_maxbytes > 0 ? static_cast<std::size_t>(s.logfile_maxbytes)
                                                 : std::numeric_limits<std::size_t>::max() / 2;
    logger = spdlog::rotating_logger_mt("supvisorsd", s.logfile->string(), maxBytes,
                                        static_cast<std::size_t>(s.logfile_backups));
  } else {
    logger = spdlog::stderr_color_mt("supvisorsd");
  }
  // Supvisors' format is "time;LEVEL;message"; the nick tells which agent wrote it.
  logger->set_pattern("%Y-%m-%d %H:%M:%S,%e;%^%l%$;" + config.local().nick + ": %v");
  logger->set_level(toSpdlog(s.loglevel));
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(logger);
}

}  // namespace supvisors
