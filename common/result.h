#pragma once
// Result<T>: the outcome of a runtime operation in the shell, as a value (STYLE.md §7).
//
// An operation either yields a T or an Error. Errors are of two kinds that callers must
// treat differently: a Fault is a well-formed "no" from the other side (an XML-RPC fault
// with its code, e.g. Supervisor's BAD_NAME = 10), a Transport error means the other side
// could not be reached or answered nonsense (connection refused, timeout, HTTP 401/500,
// malformed XML). Exceptions never cross a Result boundary.
//
// Thread-safety: plain values; as safe as T.

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace supvisors {

enum class ErrorKind { Fault, Transport };

struct Error {
  ErrorKind kind = ErrorKind::Transport;
  int code = 0;         // the fault code for a Fault; an HTTP status or 0 for Transport
  std::string message;  // human text: the faultString, or what went wrong on the wire

  static Error fault(int code, std::string message) {
    return {ErrorKind::Fault, code, std::move(message)};
  }
  static Error transport(std::string message, int httpStatus = 0) {
    return {ErrorKind::Transport, httpStatus, std::move(message)};
  }
  bool isFault() const { return kind == ErrorKind::Fault; }
  bool isTransport() const { return kind == ErrorKind::Transport; }
  // "fault 10: BAD_NAME: foo" or "transport: connection refused" — for logs.
  std::string describe() const {
    return isFault() ? "fault " + std::to_string(code) + ": " + message : "transport: " + message;
  }
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}  // NOLINT

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  const T& value() const& { assert(ok()); return std::get<0>(v_); }
  T& value() & { assert(ok()); return std::get<0>(v_); }
  T&& value() && { assert(ok()); return std::get<0>(std::move(v_)); }
  const T& operator*() const& { return value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const { assert(!ok()); return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

// A Result with no value: success, or an Error.
using Status = Result<std::monostate>;
inline Status okStatus() { return Status(std::monostate{}); }

}  // namespace supvisors
