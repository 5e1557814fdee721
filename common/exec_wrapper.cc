#include "common/exec_wrapper.h"

#include "common/faults.h"
#include "common/shell_words.h"

namespace supvisors {

namespace {

Error incorrect(const std::string& why) {
  return Error::fault(static_cast<int>(FaultCode::IncorrectParameters), why);
}

constexpr std::string_view kArgsDirOption = "--args-dir";

}  // namespace

Result<ExecInvocation> parseExecInvocation(const std::vector<std::string>& words) {
  ExecInvocation out;
  std::size_t i = 0;
  while (i < words.size()) {
    const std::string& w = words[i];
    if (w == "--") {
      ++i;
      break;
    }
    if (w.empty() || w[0] != '-') break;
    if (w == kArgsDirOption) {
      if (i + 1 >= words.size() || words[i + 1].empty())
        return incorrect("--args-dir needs a folder");
      out.args_dir = words[i + 1];
      i += 2;
    } else if (w.rfind(std::string(kArgsDirOption) + "=", 0) == 0) {
      out.args_dir = w.substr(kArgsDirOption.size() + 1);
      if (out.args_dir.empty()) return incorrect("--args-dir needs a folder");
      ++i;
    } else {
      return incorrect("unknown option '" + w + "' (usage: supvisors-exec [--args-dir DIR] -- " +
                       "command [arg ...])");
    }
  }
  out.command.assign(words.begin() + static_cast<std::ptrdiff_t>(i), words.end());
  if (out.command.empty())
    return incorrect("no command to run (usage: supvisors-exec [--args-dir DIR] -- command "
                     "[arg ...])");
  return out;
}

std::optional<ExecInvocation> execWrapperOf(std::string_view command) {
  auto words = splitShellWords(command);
  if (!words.ok() || words->empty()) return std::nullopt;
  const std::string& program = words->front();
  const auto slash = program.rfind('/');
  const std::string_view base =
      slash == std::string::npos ? std::string_view(program) : std::string_view(program).substr(slash + 1);
  if (base != kExecWrapperName) return std::nullopt;
  auto invocation =
      parseExecInvocation(std::vector<std::string>(words->begin() + 1, words->end()));
  if (!invocation.ok()) return std::nullopt;
  return std::move(invocation).value();
}

std::string argsFileName(std::string_view group, std::string_view name) {
  std::string out;
  const auto append = [&out](std::string_view part) {
    for (const char c : part) {
      if (c == '%')
        out += "%25";
      else if (c == '/')
        out += "%2F";
      else
        out += c;
    }
  };
  append(group);
  out += ':';
  append(name);
  return out;
}

}  // namespace supvisors
