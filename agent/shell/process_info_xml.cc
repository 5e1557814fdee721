#include "agent/shell/process_info_xml.h"

#include <array>
#include <charconv>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "common/process_state.h"

namespace supvisors {
namespace {

Error malformed(const std::string& why) {
  return Error::transport("malformed XML-RPC answer: " + why);
}

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

void appendUtf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// The XML-RPC type a value's tag names, as the errors name it; "" for no type.
std::string_view typeOfTag(std::string_view tag) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 11> kTypes{{
      {"int", "int"}, {"i4", "int"}, {"i8", "i8"}, {"string", "string"},
      {"boolean", "boolean"}, {"double", "double"}, {"dateTime.iso8601", "dateTime"},
      {"base64", "base64"}, {"array", "array"}, {"struct", "struct"}, {"nil", "nil"}}};
  for (const auto& [name, type] : kTypes)
    if (tag == name) return type;
  return {};
}

struct Tag {
  std::string_view name;
  bool closing = false;
  bool empty = false;  // <name/>
};

// One value as read: its XML-RPC type name and its text (decoded).
struct Scalar {
  std::string_view type;  // "int", "i8", "string", "boolean", "double", "nil", "array"...
  std::string text;
};

// A pull reader over the answer: tags, and the text between them.
class Reader {
 public:
  explicit Reader(std::string_view xml) : s_(xml) {}

  std::optional<Error> error;

  bool fail(const std::string& why) {
    if (!error) error = malformed(why + " (at byte " + std::to_string(pos_) + ")");
    return false;
  }

  // Skips the XML declaration, comments and whitespace before the root element.
  bool prolog() {
    while (true) {
      skipSpace();
      if (s_.compare(pos_, 5, "<?xml") == 0) {
        const auto end = s_.find("?>", pos_);
        if (end == std::string_view::npos) return fail("unterminated XML declaration");
        pos_ = end + 2;
      } else if (s_.compare(pos_, 4, "<!--") == 0) {
        if (!skipComment()) return false;
      } else {
        return true;
      }
    }
  }

  // The next tag, skipping whitespace and comments before it; text other than whitespace
  // there is an error.
  std::optional<Tag> tag() {
    while (true) {
      skipSpace();
      if (pos_ >= s_.size()) {
        fail("unexpected end");
        return std::nullopt;
      }
      if (s_[pos_] != '<') {
        fail("unexpected text");
        return std::nullopt;
      }
      if (s_.compare(pos_, 4, "<!--") == 0) {
        if (!skipComment()) return std::nullopt;
        continue;
      }
      if (s_.compare(pos_, 2, "<!") == 0 || s_.compare(pos_, 2, "<?") == 0) {
        fail("DTD, CDATA or processing instruction not accepted");
        return std::nullopt;
      }
      return readTag();
    }
  }

  // The next tag must be <name> (or <name/> when `allowEmpty`).
  bool open(std::string_view name, bool* wasEmpty = nullptr) {
    const auto t = tag();
    if (!t) return false;
    if (t->closing || t->name != name || (t->empty && !wasEmpty))
      return fail("expected <" + std::string(name) + ">, got " + describe(*t));
    if (wasEmpty) *wasEmpty = t->empty;
    return true;
  }
  bool close(std::string_view name) {
    const auto t = tag();
    if (!t) return false;
    if (!t->closing || t->name != name)
      return fail("expected </" + std::string(name) + ">, got " + describe(*t));
    return true;
  }

  // Text up to the next '<', entities decoded.
  bool text(std::string& out) {
    out.clear();
    while (pos_ < s_.size() && s_[pos_] != '<') {
      const char c = s_[pos_];
      if (c != '&') {
        const auto next = s_.find_first_of("<&", pos_);
        const auto end = next == std::string_view::npos ? s_.size() : next;
        out.append(s_.substr(pos_, end - pos_));
        pos_ = end;
        continue;
      }
      const auto semi = s_.find(';', pos_);
      if (semi == std::string_view::npos || semi - pos_ > 12) return fail("bad entity");
      const std::string_view entity = s_.substr(pos_ + 1, semi - pos_ - 1);
      pos_ = semi + 1;
      if (entity == "lt") out += '<';
      else if (entity == "gt") out += '>';
      else if (entity == "amp") out += '&';
      else if (entity == "quot") out += '"';
      else if (entity == "apos") out += '\'';
      else if (entity.size() > 1 && entity[0] == '#') {
        const bool hex = entity[1] == 'x';
        const std::string_view digits = entity.substr(hex ? 2 : 1);
        std::uint32_t cp = 0;
        const auto [p, ec] =
            std::from_chars(digits.data(), digits.data() + digits.size(), cp, hex ? 16 : 10);
        if (digits.empty() || ec != std::errc() || p != digits.data() + digits.size() ||
            cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
          return fail("bad character reference &" + std::string(entity) + ";");
        appendUtf8(out, cp);
      } else {
        return fail("unknown entity &" + std::string(entity) + ";");
      }
    }
    if (pos_ >= s_.size()) return fail("unexpected end");
    return true;
  }

  // After <value>: reads the value and its </value>. Arrays and structs are skipped whole
  // (no field of a process holds one), their type kept for the error message.
  bool value(Scalar& out) {
    if (!text(out.text)) return false;
    const auto t = tag();
    if (!t) return false;
    if (t->closing) {
      if (t->name != "value") return fail("expected </value>, got " + describe(*t));
      out.type = "string";  // untyped: a string
      return true;
    }
    for (char c : out.text)
      if (!isSpace(c)) return fail("text before <" + std::string(t->name) + ">");
    out.text.clear();
    if (t->name == "nil" && t->empty) {
      out.type = "nil";
    } else {
      out.type = typeOfTag(t->name);
      if (out.type.empty()) return fail("unknown value type <" + std::string(t->name) + ">");
      if (!t->empty) {
        if (out.type == "array" || out.type == "struct") {
          if (!skipElement(t->name)) return false;
        } else {
          if (!text(out.text) || !close(t->name)) return false;
        }
      }
    }
    return close("value");
  }

  bool atEnd() {
    while (true) {
      skipSpace();
      if (s_.compare(pos_, 4, "<!--") != 0) break;
      if (!skipComment()) return false;
    }
    return pos_ >= s_.size() || fail("content after </methodResponse>");
  }

 private:
  void skipSpace() {
    while (pos_ < s_.size() && isSpace(s_[pos_])) ++pos_;
  }
  bool skipComment() {
    const auto end = s_.find("-->", pos_ + 4);
    if (end == std::string_view::npos) return fail("unterminated comment");
    pos_ = end + 3;
    return true;
  }
  std::optional<Tag> readTag() {
    Tag t;
    std::size_t p = pos_ + 1;
    if (p < s_.size() && s_[p] == '/') {
      t.closing = true;
      ++p;
    }
    const std::size_t start = p;
    while (p < s_.size() && !isSpace(s_[p]) && s_[p] != '>' && s_[p] != '/') ++p;
    t.name = s_.substr(start, p - start);
    while (p < s_.size() && isSpace(s_[p])) ++p;
    if (p < s_.size() && s_[p] == '/' && !t.closing) {
      t.empty = true;
      ++p;
    }
    if (t.name.empty() || p >= s_.size() || s_[p] != '>') {
      fail("bad tag");  // attributes are not part of XML-RPC
      return std::nullopt;
    }
    pos_ = p + 1;
    return t;
  }
  // After <name>: skips to its matching </name>.
  bool skipElement(std::string_view name) {
    int depth = 1;
    std::string ignored;
    while (depth > 0) {
      if (!text(ignored)) return false;
      const auto t = tag();
      if (!t) return false;
      if (t->empty) continue;
      depth += t->closing ? -1 : 1;
      if (depth == 0 && t->name != name)
        return fail("expected </" + std::string(name) + ">, got " + describe(*t));
    }
    return true;
  }
  static std::string describe(const Tag& t) {
    return std::string(t.closing ? "</" : "<") + std::string(t.name) + (t.empty ? "/>" : ">");
  }

  std::string_view s_;
  std::size_t pos_ = 0;
};

// The fields of a process info, in the order processInfoFromValue checks them.
enum Field : std::size_t {
  kGroup, kName, kState, kPid, kStart, kStop, kNow, kExitstatus, kSpawnerr, kDescription,
  kStdoutLogfile, kStderrLogfile, kFieldCount
};
constexpr std::array<std::string_view, kFieldCount> kFieldNames{
    "group", "name", "state", "pid", "start", "stop", "now", "exitstatus", "spawnerr",
    "description", "stdout_logfile", "stderr_logfile"};
constexpr bool isIntField(std::size_t f) {
  return f == kState || f == kPid || f == kStart || f == kStop || f == kNow || f == kExitstatus;
}

std::optional<std::int64_t> toInteger(const Scalar& s) {
  // As strict as xmlrpc-c: no white space around the digits.
  std::string_view text = s.text;
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  std::int64_t v = 0;
  const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || p != text.data() + text.size()) return std::nullopt;
  if (s.type == "int" && (v < std::numeric_limits<std::int32_t>::min() ||
                          v > std::numeric_limits<std::int32_t>::max()))
    return std::nullopt;
  return v;
}

// The next <member> of a <struct>, its name and scalar value read: true; at </struct>: false;
// on anything else: nullopt, with `in`'s error set (`where` completes its message).
std::optional<bool> nextMember(Reader& in, std::string& name, Scalar& scalar,
                               std::string_view where) {
  const auto t = in.tag();
  if (!t) return std::nullopt;
  if (t->closing && t->name == "struct") return false;
  if (t->closing || t->name != "member" || t->empty) {
    in.fail("expected <member> or </struct>" + std::string(where));
    return std::nullopt;
  }
  if (!in.open("name") || !in.text(name) || !in.close("name") || !in.open("value") ||
      !in.value(scalar) || !in.close("member"))
    return std::nullopt;
  return true;
}

// One <struct> of the array, read into `info`; the same checks and messages as
// processInfoFromValue.
Result<ProcessInfo> readProcess(Reader& in) {
  std::array<std::optional<Scalar>, kFieldCount> fields;
  std::string name;
  Scalar scalar;
  while (true) {
    const auto more = nextMember(in, name, scalar, "");
    if (!more) return *in.error;
    if (!*more) break;
    for (std::size_t f = 0; f < kFieldCount; ++f)
      if (name == kFieldNames[f]) fields[f] = scalar;  // a repeated member: the last one
  }
  ProcessInfo info;
  std::array<std::int64_t, kFieldCount> ints{};
  for (std::size_t f = 0; f < kFieldCount; ++f) {
    const std::string field(kFieldNames[f]);
    if (!fields[f]) return Error::transport("process info: field '" + field + "' missing");
    const Scalar& s = *fields[f];
    if (isIntField(f)) {
      if (s.type != "int" && s.type != "i8")
        return Error::transport("process info: field '" + field + "' is " +
                                std::string(s.type) + ", expected int");
      const auto v = toInteger(s);
      if (!v) return malformed("field '" + field + "': bad " + std::string(s.type) + " '" +
                               s.text + "'");
      ints[f] = *v;
    } else if (s.type != "string") {
      return Error::transport("process info: field '" + field + "' is " + std::string(s.type) +
                              ", expected string");
    }
  }
  info.group = std::move(fields[kGroup]->text);
  info.name = std::move(fields[kName]->text);
  info.pid = ints[kPid];
  info.start = ints[kStart];
  info.stop = ints[kStop];
  info.now = ints[kNow];
  info.exitstatus = static_cast<int>(ints[kExitstatus]);
  info.spawnerr = std::move(fields[kSpawnerr]->text);
  info.description = std::move(fields[kDescription]->text);
  info.stdout_logfile = std::move(fields[kStdoutLogfile]->text);
  info.stderr_logfile = std::move(fields[kStderrLogfile]->text);
  const auto state = processStateFromCode(static_cast<int>(ints[kState]));
  if (!state)
    return Error::transport("process info: field 'state' has unknown code " +
                            std::to_string(ints[kState]));
  info.state = *state;
  return info;
}

// After <fault>: the fault it carries.
Error readFault(Reader& in) {
  if (!in.open("value") || !in.open("struct")) return *in.error;
  std::optional<std::int64_t> code;
  std::string message, name;
  Scalar scalar;
  while (true) {
    const auto more = nextMember(in, name, scalar, " in the fault");
    if (!more) return *in.error;
    if (!*more) break;
    if (name == "faultCode" && (scalar.type == "int" || scalar.type == "i8"))
      code = toInteger(scalar);
    else if (name == "faultString" && scalar.type == "string")
      message = scalar.text;
  }
  if (!code) return malformed("fault without an int faultCode");
  if (!in.close("value") || !in.close("fault") || !in.close("methodResponse") || !in.atEnd())
    return *in.error;
  return Error::fault(static_cast<int>(*code), message);
}

}  // namespace

Result<std::vector<ProcessInfo>> parseAllProcessInfo(std::string_view xml) {
  Reader in(xml);
  if (!in.prolog() || !in.open("methodResponse")) return *in.error;
  const auto t = in.tag();
  if (!t) return *in.error;
  if (!t->closing && !t->empty && t->name == "fault") return readFault(in);
  if (t->closing || t->empty || t->name != "params")
    return malformed("expected <params> or <fault> in <methodResponse>");
  if (!in.open("param") || !in.open("value")) return *in.error;
  // The answer must be an array (getAllProcessInfo: expected array, got ...).
  std::string text;
  if (!in.text(text)) return *in.error;
  for (char c : text)
    if (!isSpace(c)) return Error::transport("getAllProcessInfo: expected array, got string");
  const auto kind = in.tag();
  if (!kind) return *in.error;
  if (kind->closing || kind->name != "array")
    return Error::transport("getAllProcessInfo: expected array, got " +
                            std::string(kind->closing ? "string" : typeOfTag(kind->name)));
  std::vector<ProcessInfo> out;
  if (!kind->empty) {
    if (!in.open("data")) return *in.error;
    while (true) {
      const auto item = in.tag();
      if (!item) return *in.error;
      if (item->closing && item->name == "data") break;
      if (item->closing || item->empty || item->name != "value")
        return malformed("expected <value> or </data> in the array");
      std::string before;
      if (!in.text(before)) return *in.error;
      for (char c : before)
        if (!isSpace(c)) return Error::transport("process info: expected struct, got string");
      const auto s = in.tag();
      if (!s) return *in.error;
      if (s->closing || s->empty || s->name != "struct")
        return Error::transport("process info: expected struct, got " +
                                std::string(s->closing ? "string" : typeOfTag(s->name)));
      auto info = readProcess(in);
      if (!info) return info.error();
      out.push_back(std::move(info).value());
      if (!in.close("value")) return *in.error;
    }
    if (!in.close("array")) return *in.error;
  }
  if (!in.close("value") || !in.close("param") || !in.close("params") ||
      !in.close("methodResponse") || !in.atEnd())
    return *in.error;
  return out;
}

}  // namespace supvisors
