#include "agent/core/autorestart_check.h"

#include "common/strategies.h"

namespace supvisors {

std::optional<std::string> autorestartWarning(const ProcessConfig& config, const Rules* rules) {
  if (rules == nullptr || config.autorestart == "false") return std::nullopt;
  const auto program = rules->processRules(config.group, config.name);
  if (!program || !program->disablesAutorestart()) return std::nullopt;
  const std::string section =
      "[program:" + (config.program_name.empty() ? config.name : config.program_name) + "]";
  const std::string seen = config.autorestart.empty()
                               ? "supervisord does not report autorestart (its default is "
                                 "unexpected)"
                               : "its autorestart is " + config.autorestart;
  return config.namespec() + " has running_failure_strategy " +
         std::string(enumName(program->running_failure_strategy)) + " and " + seen +
         ": supervisord would restart it on the spot after a crash, before the strategy acts on "
         "the application (Supvisors turns autorestart off; this agent cannot change "
         "supervisord's configuration). Unless " + section +
         " already says so, set autorestart=false there and run supervisorctl update";
}

}  // namespace supvisors
