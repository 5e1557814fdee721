#include "agent/core/relay_hello.h"

#include <charconv>

namespace supvisors {
namespace {

Error malformed(const std::string& what) {
  return Error::transport("malformed relay hello: " + what);
}

bool parseInt(std::string_view text, std::int64_t& value) {
  if (text.empty()) return false;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && ptr == text.data() + text.size();
}

}  // namespace

bool isRelayHello(std::string_view header_line) {
  return header_line.substr(0, kRelayHelloTag.size()) == kRelayHelloTag &&
         (header_line.size() == kRelayHelloTag.size() ||
          header_line[kRelayHelloTag.size()] == ' ');
}

std::string formatRelayHello(const RelayHello& hello) {
  std::string line(kRelayHelloTag);
  line += " protocol:" + std::to_string(hello.protocol);
  if (hello.pid != 0) line += " pid:" + std::to_string(hello.pid);
  return line;
}

Result<RelayHello> parseRelayHello(std::string_view header_line) {
  if (!isRelayHello(header_line)) return malformed("does not start with " + std::string(kRelayHelloTag));
  std::string_view rest = header_line.substr(kRelayHelloTag.size());
  RelayHello hello;
  bool has_protocol = false;
  while (!rest.empty()) {
    const auto start = rest.find_first_not_of(' ');
    if (start == std::string_view::npos) break;
    rest.remove_prefix(start);
    const auto end = rest.find(' ');
    const std::string_view token = rest.substr(0, end);
    rest.remove_prefix(end == std::string_view::npos ? rest.size() : end);
    const auto colon = token.find(':');
    if (colon == std::string_view::npos)
      return malformed("token '" + std::string(token) + "' is not key:value");
    const std::string_view key = token.substr(0, colon);
    const std::string_view value = token.substr(colon + 1);
    std::int64_t number = 0;
    if (key == "protocol") {
      if (!parseInt(value, number) || number < 1 || number > 1'000'000)
        return malformed("protocol '" + std::string(value) + "' is not a positive integer");
      hello.protocol = static_cast<int>(number);
      has_protocol = true;
    } else if (key == "pid") {
      if (!parseInt(value, number) || number < 0)
        return malformed("pid '" + std::string(value) + "' is not a non-negative integer");
      hello.pid = number;
    }  // other keys: from a later relay, ignored
  }
  if (!has_protocol) return malformed("no protocol");
  return hello;
}

}  // namespace supvisors
