#pragma once
// The command line of the bench executables: `--key value` pairs after the sub-command, and a
// fatal error that names the program.

#include <errno.h>  // program_invocation_short_name (glibc)

#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>

namespace supvisors::bench {

[[noreturn]] inline void die(const std::string& why) {
  std::fprintf(stderr, "%s: %s\n", program_invocation_short_name, why.c_str());
  std::exit(1);
}

// --key value pairs from argv[from] on.
inline std::map<std::string, std::string> parseArgs(int argc, char** argv, int from) {
  std::map<std::string, std::string> args;
  for (int i = from; i < argc; ++i) {
    std::string key = argv[i];
    if (key.rfind("--", 0) != 0 || i + 1 >= argc) die("bad argument " + key);
    args[key.substr(2)] = argv[++i];
  }
  return args;
}

// The value of --key, which must be given.
inline std::string need(const std::map<std::string, std::string>& args, const std::string& key) {
  const auto it = args.find(key);
  if (it == args.end()) die("missing --" + key);
  return it->second;
}

}  // namespace supvisors::bench
