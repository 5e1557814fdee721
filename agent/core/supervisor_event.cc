#include "agent/core/supervisor_event.h"

#include <charconv>
#include <initializer_list>
#include <limits>
#include <utility>
#include <vector>

#include "common/process_info.h"

namespace supvisors {
namespace {

constexpr std::string_view kProcessStatePrefix = "PROCESS_STATE_";

Error malformed(std::string what) { return Error::transport("malformed event: " + what); }

// Plain decimal, no sign, no spaces, fits in T.
template <typename T>
std::optional<T> parseNumber(std::string_view text) {
  if (text.empty()) return std::nullopt;
  T value{};
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  if constexpr (std::numeric_limits<T>::is_signed) {
    if (text.front() == '-') return std::nullopt;
  }
  return value;
}

// Splits "k1:v1 k2:v2 ..." into (key, value) pairs. A space-separated token that does not
// start with one of `keys` followed by ':' belongs to the previous value (supervisord's
// identifier may contain spaces; process and group names may not). Fails when the text
// does not start with a known key.
std::optional<std::vector<std::pair<std::string_view, std::string_view>>> splitFields(
    std::string_view text, std::initializer_list<std::string_view> keys) {
  std::vector<std::pair<std::string_view, std::string_view>> fields;
  std::size_t value_begin = 0;  // offset in `text` of the last field's value
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t end = text.find(' ', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view token = text.substr(pos, end - pos);
    const std::size_t colon = token.find(':');
    bool is_field = false;
    if (colon != std::string_view::npos) {
      for (std::string_view key : keys) {
        if (token.substr(0, colon) == key) {
          value_begin = pos + colon + 1;
          fields.emplace_back(key, text.substr(value_begin, end - value_begin));
          is_field = true;
          break;
        }
      }
    }
    if (!is_field) {
      if (fields.empty()) return std::nullopt;
      fields.back().second = text.substr(value_begin, end - value_begin);
    }
    pos = end + 1;
  }
  return fields;
}

const std::string_view* findField(
    const std::vector<std::pair<std::string_view, std::string_view>>& fields,
    std::string_view key) {
  for (const auto& [k, v] : fields)
    if (k == key) return &v;
  return nullptr;
}

Result<SupervisorEventBody> decodeProcessState(std::string_view eventname,
                                               std::string_view payload) {
  ProcessStateEvent event;
  const auto state = processStateFromName(eventname.substr(kProcessStatePrefix.size()));
  if (!state) return malformed("unknown event name " + std::string(eventname));
  event.state = *state;
  // Keys are fixed by supervisor/events.py; names cannot contain ' ', ':' or '/'.
  std::vector<std::pair<std::string_view, std::string_view>> fields;
  std::size_t pos = 0;
  while (pos < payload.size()) {
    std::size_t end = payload.find(' ', pos);
    if (end == std::string_view::npos) end = payload.size();
    const std::string_view token = payload.substr(pos, end - pos);
    const std::size_t colon = token.find(':');
    if (colon == std::string_view::npos || colon == 0)
      return malformed("bad field '" + std::string(token) + "' in " + std::string(eventname));
    fields.emplace_back(token.substr(0, colon), token.substr(colon + 1));
    pos = end + 1;
  }
  const auto* name = findField(fields, "processname");
  const auto* group = findField(fields, "groupname");
  const auto* from = findField(fields, "from_state");
  if (!name || name->empty()) return malformed("no processname in " + std::string(eventname));
  if (!group || group->empty()) return malformed("no groupname in " + std::string(eventname));
  if (!from) return malformed("no from_state in " + std::string(eventname));
  event.name = std::string(*name);
  event.group = std::string(*group);
  const auto from_state = processStateFromName(*from);
  if (!from_state) return malformed("bad from_state '" + std::string(*from) + "'");
  event.from_state = *from_state;
  if (const auto* tries = findField(fields, "tries")) {
    const auto n = parseNumber<int>(*tries);
    if (!n) return malformed("bad tries '" + std::string(*tries) + "'");
    event.tries = *n;
  }
  if (const auto* pid = findField(fields, "pid")) {
    const auto n = parseNumber<std::int64_t>(*pid);
    if (!n) return malformed("bad pid '" + std::string(*pid) + "'");
    event.pid = *n;
  }
  if (const auto* expected = findField(fields, "expected")) {
    if (*expected != "0" && *expected != "1")
      return malformed("bad expected '" + std::string(*expected) + "'");
    event.expected = (*expected == "1");
  }
  return SupervisorEventBody(std::move(event));
}

// "groupname:x\n" (the newline is part of supervisord's payload).
Result<std::string> decodeGroupName(std::string_view eventname, std::string_view payload) {
  if (!payload.empty() && payload.back() == '\n') payload.remove_suffix(1);
  constexpr std::string_view key = "groupname:";
  if (payload.substr(0, key.size()) != key || payload.size() == key.size())
    return malformed("no groupname in " + std::string(eventname));
  const std::string_view group = payload.substr(key.size());
  if (group.find_first_of(" :/\n") != std::string_view::npos)
    return malformed("bad groupname in " + std::string(eventname));
  return std::string(group);
}

}  // namespace

std::string ProcessStateEvent::namespec() const { return makeNamespec(group, name); }

Result<EventHeader> parseEventHeader(std::string_view line) {
  if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
  const auto fields =
      splitFields(line, {"ver", "server", "serial", "pool", "poolserial", "eventname", "len"});
  if (!fields) return malformed("header does not start with a field: '" + std::string(line) + "'");
  EventHeader header;
  const auto* ver = findField(*fields, "ver");
  const auto* server = findField(*fields, "server");
  const auto* serial = findField(*fields, "serial");
  const auto* pool = findField(*fields, "pool");
  const auto* poolserial = findField(*fields, "poolserial");
  const auto* eventname = findField(*fields, "eventname");
  const auto* len = findField(*fields, "len");
  if (!ver || ver->empty()) return malformed("header without ver");
  if (!server) return malformed("header without server");
  if (!pool || pool->empty()) return malformed("header without pool");
  if (!eventname || eventname->empty()) return malformed("header without eventname");
  header.ver = std::string(*ver);
  header.server = std::string(*server);
  header.pool = std::string(*pool);
  header.eventname = std::string(*eventname);
  const auto serial_n = serial ? parseNumber<std::uint64_t>(*serial) : std::nullopt;
  if (!serial_n) return malformed("header without a valid serial");
  const auto poolserial_n = poolserial ? parseNumber<std::uint64_t>(*poolserial) : std::nullopt;
  if (!poolserial_n) return malformed("header without a valid poolserial");
  const auto len_n = len ? parseNumber<std::size_t>(*len) : std::nullopt;
  if (!len_n) return malformed("header without a valid len");
  header.serial = *serial_n;
  header.poolserial = *poolserial_n;
  header.len = *len_n;
  return header;
}

Result<SupervisorEvent> decodeEvent(EventHeader header, std::string_view payload) {
  const std::size_t chars = utf8Length(payload);
  if (chars != header.len || utf8PrefixBytes(payload, chars) != payload.size())
    return malformed("payload of " + std::to_string(chars) + " characters, header says len:" +
                     std::to_string(header.len));
  SupervisorEvent event{std::move(header), OtherEvent{}};
  const std::string_view name = event.header.eventname;
  if (name.substr(0, kProcessStatePrefix.size()) == kProcessStatePrefix) {
    auto body = decodeProcessState(name, payload);
    if (!body) return body.error();
    event.body = std::move(body).value();
  } else if (name == "PROCESS_GROUP_ADDED" || name == "PROCESS_GROUP_REMOVED") {
    auto group = decodeGroupName(name, payload);
    if (!group) return group.error();
    if (name == "PROCESS_GROUP_ADDED")
      event.body = ProcessGroupAdded{std::move(group).value()};
    else
      event.body = ProcessGroupRemoved{std::move(group).value()};
  } else if (name == "SUPERVISOR_STATE_CHANGE_RUNNING") {
    event.body = SupervisorRunning{};
  } else if (name == "SUPERVISOR_STATE_CHANGE_STOPPING") {
    event.body = SupervisorStopping{};
  } else {
    event.body = OtherEvent{std::string(payload)};
  }
  return event;
}

Result<SupervisorEvent> decodeEvent(std::string_view header_line, std::string_view payload) {
  auto header = parseEventHeader(header_line);
  if (!header) return header.error();
  return decodeEvent(std::move(header).value(), payload);
}

std::string formatEventHeader(const EventHeader& h) {
  return "ver:" + h.ver + " server:" + h.server + " serial:" + std::to_string(h.serial) +
         " pool:" + h.pool + " poolserial:" + std::to_string(h.poolserial) +
         " eventname:" + h.eventname + " len:" + std::to_string(h.len) + "\n";
}

std::optional<Result<RawListenerEvent>> ListenerInput::next() {
  const std::size_t eol = buffer_.find('\n');
  if (eol == std::string::npos) {
    if (buffer_.size() > kMaxHeaderBytes)
      return Result<RawListenerEvent>(malformed("no header line in the first " +
                                                std::to_string(kMaxHeaderBytes) + " bytes"));
    return std::nullopt;
  }
  const std::string_view line = std::string_view(buffer_).substr(0, eol);
  auto header = parseEventHeader(line);
  if (!header) return Result<RawListenerEvent>(header.error());
  const auto payload_bytes =
      utf8PrefixBytes(std::string_view(buffer_).substr(eol + 1), header->len);
  if (!payload_bytes) return std::nullopt;
  RawListenerEvent event{std::string(line), std::move(header).value(),
                         buffer_.substr(eol + 1, *payload_bytes)};
  buffer_.erase(0, eol + 1 + *payload_bytes);
  return Result<RawListenerEvent>(std::move(event));
}

namespace {
std::size_t codePointBytes(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead & 0xE0) == 0xC0) return 2;
  if ((lead & 0xF0) == 0xE0) return 3;
  if ((lead & 0xF8) == 0xF0) return 4;
  return 1;
}
}  // namespace

std::size_t utf8Length(std::string_view bytes) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < bytes.size(); ++count)
    i += codePointBytes(static_cast<unsigned char>(bytes[i]));
  return count;
}

std::optional<std::size_t> utf8PrefixBytes(std::string_view bytes, std::size_t chars) {
  std::size_t i = 0;
  for (std::size_t n = 0; n < chars; ++n) {
    if (i >= bytes.size()) return std::nullopt;
    i += codePointBytes(static_cast<unsigned char>(bytes[i]));
  }
  if (i > bytes.size()) return std::nullopt;
  return i;
}

}  // namespace supvisors
