#include "agent/daemon/logging.h"

#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>

#include <limits>

namespace supvisors {

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
