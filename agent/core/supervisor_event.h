#pragma once
// SupervisorEvent: one event that supervisord sent to an event listener, decoded.
//
// supervisord writes each event to a listener as a header line and a payload
// (supervisor-and-libraries.md §5):
//   ver:3.0 server:<id> serial:<N> pool:<pool> poolserial:<N> eventname:<NAME> len:<L>\n
//   <L characters of payload>
// `L` is Python's len() of the payload: a count of Unicode code points, not of bytes, while
// the wire carries UTF-8. The relay (agent/relay/) reads events with the UTF-8 helpers below
// and forwards [header line, payload] to the agent, which decodes them here.
//
// Decoded kinds: PROCESS_STATE_* (every state), PROCESS_GROUP_ADDED / _REMOVED,
// SUPERVISOR_STATE_CHANGE_RUNNING / _STOPPING. Any other well-formed event (TICK_*, ...) is
// an OtherEvent, kept so that its pool serial still counts for gap detection.
// Malformed input yields an Error (kind Transport: the other side sent nonsense), never a
// crash or an exception.
//
// Serials: `serial` is supervisord's global event serial, shared by every pool (so it has
// holes for events this pool does not subscribe to); `poolserial` counts the events of one
// listener pool without holes, from 0 at each supervisord start or pool (re)creation. A gap
// in `poolserial` means events were lost; see RelayReceiver (agent/shell/relay_receiver.h).
//
// Pure: no I/O. Thread-safety: plain values and free functions.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "common/process_state.h"
#include "common/result.h"

namespace supvisors {

// The header line of an event.
struct EventHeader {
  std::string ver;  // "3.0"
  std::string server;  // supervisord's `identifier`
  std::uint64_t serial = 0;
  std::string pool;  // the [eventlistener:x] name
  std::uint64_t poolserial = 0;
  std::string eventname;  // e.g. "PROCESS_STATE_RUNNING"
  std::size_t len = 0;  // payload length in characters (code points)

  friend bool operator==(const EventHeader&, const EventHeader&) = default;
};

// PROCESS_STATE_<STATE>: a process moved from `from_state` to `state`.
struct ProcessStateEvent {
  std::string group;
  std::string name;
  ProcessState state = ProcessState::Unknown;  // the new state, from the event name
  ProcessState from_state = ProcessState::Unknown;
  std::optional<int> tries;  // STARTING, BACKOFF: retries so far
  std::optional<std::int64_t> pid;  // RUNNING, STOPPING, STOPPED, EXITED
  std::optional<bool> expected;  // EXITED: whether the exit code was in exitcodes

  std::string namespec() const;
  friend bool operator==(const ProcessStateEvent&, const ProcessStateEvent&) = default;
};

// PROCESS_GROUP_ADDED: a group became active (addProcessGroup, start-up).
struct ProcessGroupAdded {
  std::string group;
  friend bool operator==(const ProcessGroupAdded&, const ProcessGroupAdded&) = default;
};

// PROCESS_GROUP_REMOVED: a group was removed (removeProcessGroup).
struct ProcessGroupRemoved {
  std::string group;
  friend bool operator==(const ProcessGroupRemoved&, const ProcessGroupRemoved&) = default;
};

// SUPERVISOR_STATE_CHANGE_RUNNING: supervisord finished starting (or restarting).
struct SupervisorRunning {
  friend bool operator==(const SupervisorRunning&, const SupervisorRunning&) = default;
};

// SUPERVISOR_STATE_CHANGE_STOPPING: supervisord is shutting down or restarting.
struct SupervisorStopping {
  friend bool operator==(const SupervisorStopping&, const SupervisorStopping&) = default;
};

// Any other well-formed event; the payload is kept as received.
struct OtherEvent {
  std::string payload;
  friend bool operator==(const OtherEvent&, const OtherEvent&) = default;
};

using SupervisorEventBody = std::variant<ProcessStateEvent, ProcessGroupAdded,
                                         ProcessGroupRemoved, SupervisorRunning,
                                         SupervisorStopping, OtherEvent>;

struct SupervisorEvent {
  EventHeader header;
  SupervisorEventBody body;

  friend bool operator==(const SupervisorEvent&, const SupervisorEvent&) = default;
};

// Parses a header line; a trailing "\n" is accepted. Every field is required, `ver` must be
// "3.0"-like (any non-empty), numbers must be plain decimal.
Result<EventHeader> parseEventHeader(std::string_view line);

// Decodes the payload of an event whose header is already parsed. The payload must hold
// exactly header.len characters.
Result<SupervisorEvent> decodeEvent(EventHeader header, std::string_view payload);

// parseEventHeader + decodeEvent: what the agent calls on each [header, payload] message.
Result<SupervisorEvent> decodeEvent(std::string_view header_line, std::string_view payload);

// The header line for `header` (with its trailing "\n"), as supervisord writes it. For tests
// and tools; the relay forwards the line it read, unchanged.
std::string formatEventHeader(const EventHeader& header);

// --- Reading a listener's stdin ---

// One event as it came on the listener's stdin: the header line (without its "\n"), the
// header parsed, and exactly header.len characters of payload. The relay forwards the line
// and the payload unchanged.
struct RawListenerEvent {
  std::string header_line;
  EventHeader header;
  std::string payload;
};

// ListenerInput: cuts the byte stream supervisord writes to a listener into events. Feed it
// whatever read() returned; take events out with next(). Pure and incremental: an event
// split across reads (even inside a multi-byte character) comes out once it is complete.
// Thread-safety: none (one reader).
class ListenerInput {
 public:
  // A header line longer than this is garbage, not a header (the stream is out of step).
  static constexpr std::size_t kMaxHeaderBytes = 4096;

  void append(std::string_view bytes) { buffer_.append(bytes); }

  // The next complete event; nullopt when more bytes are needed. An Error means the stream
  // cannot be trusted any more (bad header line): the relay then exits and supervisord
  // restarts it, which resynchronises the protocol.
  std::optional<Result<RawListenerEvent>> next();

  // Bytes received and not yet returned as an event.
  std::size_t buffered() const { return buffer_.size(); }

 private:
  std::string buffer_;
};

// --- UTF-8 helpers (listener protocol: `len` counts code points) ---

// The length of a code point comes from its lead byte alone (0xxxxxxx 1, 110xxxxx 2,
// 1110xxxx 3, 11110xxx 4; any other byte counts as a 1-byte code point), so both helpers
// give a defined answer for invalid UTF-8 and never look past the last code point.

// Number of code points in `bytes` (a truncated last sequence counts as one).
std::size_t utf8Length(std::string_view bytes);

// Number of bytes that the first `chars` code points of `bytes` occupy, or nullopt if
// `bytes` does not yet hold all of them (read more and ask again).
std::optional<std::size_t> utf8PrefixBytes(std::string_view bytes, std::size_t chars);

}  // namespace supvisors
