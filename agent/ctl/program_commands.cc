// supvisorsctl enable / disable (reference §9; agent/ctl/handlers.h): one call per program.
#include "agent/ctl/handlers.h"

namespace supvisors::ctl {
namespace {

int programControl(const Context& ctx, const std::string& command, const std::string& done,
                   const Arguments& args) {
  if (args.empty()) {
    ctx.err << command << " takes one or more program names ([program:x] names)\n";
    return exit_code::kInvalidArgs;
  }
  Outcomes outcomes(ctx, done);
  for (const auto& program : args)
    if (!outcomes.call(program, "supvisors." + command, stringParams({program}))) break;
  return outcomes.finish("");
}

}  // namespace

int enableProgram(const Context& ctx, const Arguments& args) {
  return programControl(ctx, "enable", "enabled", args);
}

int disableProgram(const Context& ctx, const Arguments& args) {
  return programControl(ctx, "disable", "disabled", args);
}

}  // namespace supvisors::ctl
