// libFuzzer entry point for the peer codec (schema/peer-protocol.md §11): any input is given
// to decodePeerMessage, which must not crash, hang or leak; what decodes must round-trip
// (decode(encode(m)) == m). See test/fuzz/README.md.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "common/peer_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace supvisors;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto decoded = decodePeerMessage(input);
  if (!decoded.ok()) {
    const int code = decoded.error().code;
    if (code < 1 || code > kPeerDecodeErrorCount) std::abort();
    return 0;
  }
  const auto again = decodePeerMessage(encodePeerMessage(*decoded));
  if (!again.ok() || !(*again == *decoded)) std::abort();
  return 0;
}
