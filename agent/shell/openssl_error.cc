#include "agent/shell/openssl_error.h"

#include <openssl/err.h>

namespace supvisors {

std::string openSslError() {
  std::string text;
  while (const unsigned long e = ERR_get_error()) {
    char buffer[256];
    ERR_error_string_n(e, buffer, sizeof buffer);
    text = buffer;
  }
  return text.empty() ? "unknown TLS error" : text;
}

}  // namespace supvisors
