// supvisorsctl: the commands that start a process of a given supervisord with extra arguments
// (reference §9 start_args, all_start, all_start_args; agent/ctl/handlers.h).
#include "agent/ctl/handlers.h"
#include "agent/shell/supervisor_xmlrpc_client.h"
#include "agent/shell/xmlrpc_json.h"

namespace supvisors::ctl {

namespace {

xmlrpc_c::paramList startArgsParams(const std::string& namespec, const std::string& extra,
                                    bool wait) {
  xmlrpc_c::paramList params;
  params.add(xmlrpc_c::value_string(namespec));
  params.add(xmlrpc_c::value_string(extra));
  params.add(xmlrpc_c::value_boolean(wait));
  return params;
}

// The agent's URL of an instance of get_all_instances_info, with the scheme of the agent
// asked first (a cluster serves TLS on every agent or on none).
std::string agentUrl(const Context& ctx, const nlohmann::json& instance) {
  const std::string host = str(instance, "node_name");
  const bool v6 = host.find(':') != std::string::npos;
  const bool tls = ctx.options.serverurl.rfind("https://", 0) == 0;
  return (tls ? "https://" : "http://") + (v6 ? "[" + host + "]" : host) + ":" + str(instance, "port");
}

int startOnEveryInstance(const Context& ctx, const std::string& command,
                         const std::string& namespec, const std::string& extra) {
  int code = exit_code::kSuccess;
  const auto instances = ask(ctx, "supvisors.get_all_instances_info", xmlrpc_c::paramList(), code);
  if (!instances) return code;
  Outcomes outcomes(ctx, "started");
  for (const auto& instance : *instances) {
    const std::string state = str(instance, "statename");
    if (state != "CHECKED" && state != "RUNNING") continue;
    const std::string name = str(instance, "identifier");
    const auto client = ctx.connect ? ctx.connect(agentUrl(ctx, instance))
                                    : connectAgent(ctx.options, agentUrl(ctx, instance));
    if (!client.ok()) {
      ctx.err << name << ": ERROR (" << client.error().message << ")\n";
      code = worse(code, exit_code::kGeneric);
      continue;
    }
    // An instance that cannot be reached does not stop the others.
    outcomes.call(name, "supvisors.start_args", startArgsParams(namespec, extra, false), nullptr,
                  client->get());
  }
  return worse(code, outcomes.finish(command + ": no CHECKED or RUNNING instance"));
}

}  // namespace

Result<std::unique_ptr<SupervisorClient>> connectAgent(const Options& options,
                                                       const std::string& serverurl) {
  SupervisorClientOptions o;
  o.serverurl = serverurl;
  o.username = options.username;
  o.password = options.password;
  o.tls_ca_file = options.ca_file;
  o.timeout = std::chrono::milliseconds(static_cast<long>(options.timeout * 1000));
  auto client = XmlRpcSupervisorClient::create(o);
  if (!client.ok()) return client.error();
  return std::unique_ptr<SupervisorClient>(std::move(client).value());
}

int startArgs(const Context& ctx, const Arguments& args) {
  if (args.size() < 2) {
    ctx.err << "start_args takes a namespec and extra arguments\n";
    return exit_code::kInvalidArgs;
  }
  if (!noEmptyWord(ctx, "start_args", Arguments{args[0]})) return exit_code::kInvalidArgs;
  Outcomes outcomes(ctx, "started");
  outcomes.call(args[0], "supvisors.start_args", startArgsParams(args[0], joinWords(args, 1), true));
  return outcomes.finish("");
}

int allStart(const Context& ctx, const Arguments& args) {
  if (args.size() != 1 || args[0].empty()) {
    ctx.err << "all_start takes one namespec\n";
    return exit_code::kInvalidArgs;
  }
  return startOnEveryInstance(ctx, "all_start", args[0], "");
}

int allStartArgs(const Context& ctx, const Arguments& args) {
  if (args.size() < 2 || args[0].empty()) {
    ctx.err << "all_start_args takes a namespec and extra arguments\n";
    return exit_code::kInvalidArgs;
  }
  return startOnEveryInstance(ctx, "all_start_args", args[0], joinWords(args, 1));
}

}  // namespace supvisors::ctl
