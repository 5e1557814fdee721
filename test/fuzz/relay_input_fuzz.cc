// libFuzzer entry point for the event-listener relay's input (agent/core/supervisor_event.h):
// the bytes supervisord would write to a listener's stdin. The first byte of the input picks
// the size of the reads the stream is cut into (1 to 64 bytes, so events split anywhere,
// even inside a UTF-8 sequence); the rest goes through ListenerInput as the relay feeds it,
// and every event that comes out is decoded as the agent decodes it. Nothing may crash, hang
// or leak; every event's payload holds exactly `len` code points; the header line re-parses
// to the same header. See test/fuzz/README.md.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "agent/core/supervisor_event.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace supvisors;
  if (size == 0) return 0;
  const std::size_t chunk = 1 + data[0] % 64;
  std::string_view stream(reinterpret_cast<const char*>(data) + 1, size - 1);
  ListenerInput input;
  while (true) {
    const std::size_t n = std::min(chunk, stream.size());
    input.append(stream.substr(0, n));
    stream.remove_prefix(n);
    bool broken = false;
    for (int guard = 0; guard < 100000; ++guard) {
      auto event = input.next();
      if (!event) break;
      if (!event->ok()) {
        broken = true;  // the relay exits here
        break;
      }
      const RawListenerEvent& raw = **event;
      if (utf8Length(raw.payload) != raw.header.len) std::abort();
      const auto header = parseEventHeader(raw.header_line);
      if (!header.ok() || !(*header == raw.header)) std::abort();
      (void)decodeEvent(raw.header_line, raw.payload);
    }
    if (broken || stream.empty()) break;
  }
  // The agent's side also decodes whatever a (buggy or hostile) relay pushes: split the
  // input at its first newline into [header line, payload].
  const std::string_view whole(reinterpret_cast<const char*>(data) + 1, size - 1);
  const std::size_t newline = whole.find('\n');
  if (newline != std::string_view::npos)
    (void)decodeEvent(whole.substr(0, newline), whole.substr(newline + 1));
  (void)utf8PrefixBytes(whole, data[0]);
  return 0;
}
