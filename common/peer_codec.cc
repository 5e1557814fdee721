#include "common/peer_codec.h"

#include <array>
#include <cmath>
#include <exception>
#include <limits>
#include <new>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace supvisors {
namespace {

using nlohmann::json;

// The envelope: [magic, protocol_version, type, sender, incarnation, sequence, body].
constexpr std::string_view kMagic = "SVP";
constexpr std::size_t kEnvelopeSize = 7;

// The PeerBody alternative of each PeerMessageType, in wire-code order.
template <typename T, PeerMessageType code>
constexpr bool bodyIs() {
  return std::is_same_v<std::variant_alternative_t<static_cast<std::size_t>(code), PeerBody>, T>;
}
static_assert(bodyIs<TickMessage, PeerMessageType::Tick>());
static_assert(bodyIs<HandshakeRequest, PeerMessageType::HandshakeRequest>());
static_assert(bodyIs<HandshakeMessage, PeerMessageType::Handshake>());
static_assert(bodyIs<StateModesMessage, PeerMessageType::StateModes>());
static_assert(bodyIs<ProcessTableMessage, PeerMessageType::ProcessTable>());
static_assert(bodyIs<ProcessDeltaMessage, PeerMessageType::ProcessDelta>());
static_assert(bodyIs<ProcessTableRequest, PeerMessageType::ProcessTableRequest>());
static_assert(bodyIs<RequestMessage, PeerMessageType::Request>());
static_assert(bodyIs<ResultMessage, PeerMessageType::Result>());
static_assert(bodyIs<GoodbyeMessage, PeerMessageType::Goodbye>());
static_assert(bodyIs<HostStatisticsMessage, PeerMessageType::HostStatistics>());
static_assert(bodyIs<ProcessStatisticsMessage, PeerMessageType::ProcessStatistics>());
static_assert(std::variant_size_v<PeerBody> == 12, "a new message needs a wire code and a spec");

constexpr std::array<std::string_view, 12> kTypeNames{
    "TICK",          "HANDSHAKE_REQUEST",     "HANDSHAKE",       "STATE_MODES",
    "PROCESS_TABLE", "PROCESS_DELTA",         "PROCESS_TABLE_REQUEST", "REQUEST",
    "RESULT",        "GOODBYE",               "HOST_STATISTICS", "PROCESS_STATISTICS",
};

constexpr std::array<std::string_view, kPeerDecodeErrorCount> kErrorNames{
    "oversized",    "truncated",     "not_msgpack",    "bad_shape", "bad_magic",  "wrong_version",
    "unknown_type", "missing_field", "mistyped_field", "bad_enum",  "bad_sender",
};

// A body field: its key on the wire and its name in peer_message.h (for error messages). The
// keys are the spec (schema/peer-protocol.md); never reuse a key for another meaning.
struct Field {
  const char* key;
  const char* name;
};

namespace tick {
constexpr Field kTick{"t", "tick"};
constexpr Field kWallTime{"w", "wall_time"};
constexpr Field kMonotonicTime{"m", "monotonic_time"};
constexpr Field kReachable{"r", "supervisor_reachable"};
}  // namespace tick

namespace handshake {
constexpr Field kNick{"n", "nick"};
constexpr Field kStereotypes{"st", "stereotypes"};
constexpr Field kNodeId{"nd", "node_id"};
constexpr Field kList{"l", "supvisors_list"};
constexpr Field kAutoFence{"af", "auto_fence"};
constexpr Field kStarting{"ss", "starting_strategy"};
constexpr Field kConciliation{"cs", "conciliation_strategy"};
constexpr Field kFailure{"fs", "supvisors_failure_strategy"};
constexpr Field kRulesDigest{"rd", "rules_digest"};
constexpr Field kIsolates{"iso", "isolates_receiver"};
}  // namespace handshake

namespace state_modes {
constexpr Field kState{"s", "fsm_state"};
constexpr Field kDegraded{"dg", "degraded_mode"};
constexpr Field kDiscovery{"dc", "discovery_mode"};
constexpr Field kMaster{"mi", "master_identifier"};
constexpr Field kStarting{"sj", "starting_jobs"};
constexpr Field kStopping{"tj", "stopping_jobs"};
constexpr Field kInstances{"is", "instance_states"};
constexpr Field kStartedApplications{"sa", "started_applications"};
}  // namespace state_modes

namespace process {
constexpr Field kGroup{"g", "group"};
constexpr Field kName{"n", "name"};
constexpr Field kState{"s", "state"};
constexpr Field kPid{"pid", "pid"};
constexpr Field kStart{"st", "start"};
constexpr Field kStop{"sp", "stop"};
constexpr Field kNow{"nw", "now"};
constexpr Field kUptime{"up", "uptime"};
constexpr Field kExpected{"ex", "expected"};
constexpr Field kSpawnErr{"se", "spawnerr"};
constexpr Field kExtraArgs{"xa", "extra_args"};
constexpr Field kDisabled{"d", "disabled"};
constexpr Field kStartSecs{"ss", "startsecs"};
constexpr Field kStopWaitSecs{"sw", "stopwaitsecs"};
constexpr Field kIndex{"pi", "process_index"};
constexpr Field kProgram{"pn", "program_name"};
}  // namespace process

namespace table {
constexpr Field kVersion{"v", "table_version"};
constexpr Field kProcesses{"p", "processes"};
constexpr Field kBase{"b", "base_version"};
constexpr Field kUpdated{"u", "updated"};
constexpr Field kRemoved{"r", "removed"};
}  // namespace table

namespace request {
constexpr Field kId{"id", "request_id"};
constexpr Field kKind{"k", "kind"};
constexpr Field kNamespec{"ns", "namespec"};
constexpr Field kExtraArgs{"xa", "extra_args"};
}  // namespace request

namespace result {
constexpr Field kId{"id", "request_id"};
constexpr Field kOk{"ok", "ok"};
constexpr Field kFaultCode{"fc", "fault_code"};
constexpr Field kMessage{"msg", "message"};
}  // namespace result

namespace goodbye {
constexpr Field kReason{"why", "reason"};
}  // namespace goodbye

namespace host_stats {
constexpr Field kTime{"t", "time"};
constexpr Field kCpu{"c", "cpu"};
constexpr Field kMem{"m", "mem"};
constexpr Field kNetIo{"n", "net_io"};
constexpr Field kDiskIo{"d", "disk_io"};
constexpr Field kDiskUsage{"u", "disk_usage"};
}  // namespace host_stats

namespace process_stats {
constexpr Field kProcesses{"p", "processes"};
constexpr Field kNamespec{"ns", "namespec"};
constexpr Field kPid{"pid", "pid"};
constexpr Field kTime{"t", "time"};
constexpr Field kCpuTime{"c", "cpu_time"};
constexpr Field kMem{"m", "mem"};
}  // namespace process_stats

// "an unsigned integer 70000", "a string", "an array"... what a value was, for messages.
std::string typeOf(const json& value) {
  if (value.is_number_unsigned()) return "got " + std::to_string(value.get<std::uint64_t>());
  if (value.is_number_integer()) return "got " + std::to_string(value.get<std::int64_t>());
  return std::string("got a ") + value.type_name();
}

Error decodeError(PeerDecodeError reason, std::string message) {
  return Error::transport("peer message dropped (" + std::string(peerDecodeErrorName(reason)) +
                              "): " + std::move(message),
                          static_cast<int>(reason));
}

// ---------------------------------------------------------------------------------------------
// Encoding.

json encodeProcess(const PeerProcess& p) {
  using namespace process;
  json j = json::object();
  j[kGroup.key] = p.group;
  j[kName.key] = p.name;
  j[kState.key] = static_cast<int>(p.state);
  j[kPid.key] = p.pid;
  j[kStart.key] = p.start;
  j[kStop.key] = p.stop;
  j[kNow.key] = p.now;
  j[kUptime.key] = p.uptime;
  j[kExpected.key] = p.expected;
  j[kSpawnErr.key] = p.spawnerr;
  j[kExtraArgs.key] = p.extra_args;
  j[kDisabled.key] = p.disabled;
  j[kStartSecs.key] = p.startsecs;
  j[kStopWaitSecs.key] = p.stopwaitsecs;
  j[kIndex.key] = p.process_index;
  j[kProgram.key] = p.program_name;
  return j;
}

json encodeProcesses(const std::vector<PeerProcess>& processes) {
  json list = json::array();
  for (const auto& p : processes) list.push_back(encodeProcess(p));
  return list;
}

struct BodyEncoder {
  json operator()(const TickMessage& m) const {
    using namespace tick;
    json j = json::object();
    j[kTick.key] = m.tick;
    j[kWallTime.key] = m.wall_time;
    j[kMonotonicTime.key] = m.monotonic_time;
    j[kReachable.key] = m.supervisor_reachable;
    return j;
  }
  json operator()(const HandshakeRequest&) const { return json::object(); }
  json operator()(const HandshakeMessage& m) const {
    using namespace handshake;
    json j = json::object();
    j[kNick.key] = m.nick;
    j[kStereotypes.key] = m.stereotypes;
    j[kNodeId.key] = m.node_id;
    j[kList.key] = m.supvisors_list;
    j[kAutoFence.key] = m.auto_fence;
    j[kStarting.key] = static_cast<int>(m.starting_strategy);
    j[kConciliation.key] = static_cast<int>(m.conciliation_strategy);
    j[kFailure.key] = static_cast<int>(m.supvisors_failure_strategy);
    j[kRulesDigest.key] = m.rules_digest;
    j[kIsolates.key] = m.isolates_receiver;
    return j;
  }
  json operator()(const StateModesMessage& m) const {
    using namespace state_modes;
    json j = json::object();
    j[kState.key] = static_cast<int>(m.fsm_state);
    j[kDegraded.key] = m.degraded_mode;
    j[kDiscovery.key] = m.discovery_mode;
    j[kMaster.key] = m.master_identifier;
    j[kStarting.key] = m.starting_jobs;
    j[kStopping.key] = m.stopping_jobs;
    json instances = json::object();
    for (const auto& [identifier, state] : m.instance_states)
      instances[identifier] = static_cast<int>(state);
    j[kInstances.key] = std::move(instances);
    j[kStartedApplications.key] = m.started_applications;
    return j;
  }
  json operator()(const ProcessTableMessage& m) const {
    json j = json::object();
    j[table::kVersion.key] = m.table_version;
    j[table::kProcesses.key] = encodeProcesses(m.processes);
    return j;
  }
  json operator()(const ProcessDeltaMessage& m) const {
    json j = json::object();
    j[table::kBase.key] = m.base_version;
    j[table::kVersion.key] = m.table_version;
    j[table::kUpdated.key] = encodeProcesses(m.updated);
    j[table::kRemoved.key] = m.removed;
    return j;
  }
  json operator()(const ProcessTableRequest&) const { return json::object(); }
  json operator()(const RequestMessage& m) const {
    using namespace request;
    json j = json::object();
    j[kId.key] = m.request_id;
    j[kKind.key] = static_cast<int>(m.kind);
    j[kNamespec.key] = m.namespec;
    j[kExtraArgs.key] = m.extra_args;
    return j;
  }
  json operator()(const ResultMessage& m) const {
    using namespace result;
    json j = json::object();
    j[kId.key] = m.request_id;
    j[kOk.key] = m.ok;
    j[kFaultCode.key] = m.fault_code;
    j[kMessage.key] = m.message;
    return j;
  }
  json operator()(const GoodbyeMessage& m) const {
    json j = json::object();
    j[goodbye::kReason.key] = m.reason;
    return j;
  }
  json operator()(const HostStatisticsMessage& m) const {
    using namespace host_stats;
    const HostSample& s = m.sample;
    json j = json::object();
    j[kTime.key] = s.time;
    json cpu = json::array();
    for (const auto& c : s.cpu) cpu.push_back(json::array({c.work, c.idle}));
    j[kCpu.key] = std::move(cpu);
    j[kMem.key] = s.mem;
    const auto counters = [](const std::map<std::string, IoCounters>& in) {
      json out = json::object();
      for (const auto& [name, c] : in) out[name] = json::array({c.first, c.second});
      return out;
    };
    j[kNetIo.key] = counters(s.net_io);
    j[kDiskIo.key] = counters(s.disk_io);
    json usage = json::object();
    for (const auto& [name, percent] : s.disk_usage) usage[name] = percent;
    j[kDiskUsage.key] = std::move(usage);
    return j;
  }
  json operator()(const ProcessStatisticsMessage& m) const {
    using namespace process_stats;
    json list = json::array();
    for (const auto& p : m.processes) {
      json item = json::object();
      item[kNamespec.key] = p.namespec;
      item[kPid.key] = p.pid;
      item[kTime.key] = p.time;
      item[kCpuTime.key] = p.cpu_time;
      item[kMem.key] = p.mem;
      list.push_back(std::move(item));
    }
    json j = json::object();
    j[kProcesses.key] = std::move(list);
    return j;
  }
};

// ---------------------------------------------------------------------------------------------
// Decoding, step 1: MessagePack to a json tree, with bounded depth and value count (nlohmann's
// own DOM parser recurses without limit: 0x91 repeated a million times would blow the stack).

class BoundedTreeBuilder final : public nlohmann::json_sax<json> {
 public:
  bool null() override { return place(json(nullptr)); }
  bool boolean(bool value) override { return place(json(value)); }
  bool number_integer(number_integer_t value) override { return place(json(value)); }
  bool number_unsigned(number_unsigned_t value) override { return place(json(value)); }
  bool number_float(number_float_t value, const string_t&) override { return place(json(value)); }
  bool string(string_t& value) override { return place(json(std::move(value))); }
  bool binary(binary_t& value) override {
    return place(json::binary(std::move(static_cast<binary_t::container_type&>(value))));
  }
  bool start_object(std::size_t) override { return open(json::object()); }
  bool key(string_t& value) override {
    if (!count()) return false;
    key_ = std::move(value);
    return true;
  }
  bool end_object() override { return close(); }
  bool start_array(std::size_t) override { return open(json::array()); }
  bool end_array() override { return close(); }
  bool parse_error(std::size_t position, const std::string& last_token,
                   const json::exception& ex) override {
    parse_error_id_ = ex.id;
    parse_error_position_ = position;
    truncated_ = last_token == "<end of file>";
    parse_error_what_ = ex.what();
    return false;
  }

  json& root() { return root_; }
  // A bound was hit (depth or value count); set with the text of the error.
  const std::optional<std::string>& limitHit() const { return limit_; }
  bool truncated() const { return truncated_; }
  int parseErrorId() const { return parse_error_id_; }
  std::size_t parseErrorPosition() const { return parse_error_position_; }
  const std::string& parseErrorWhat() const { return parse_error_what_; }

 private:
  bool count() {
    if (++values_ <= kMaxPeerValues) return true;
    limit_ = "more than " + std::to_string(kMaxPeerValues) + " MessagePack values";
    return false;
  }
  // Puts `value` where the parser is (the root, the end of the open array, or the pending key
  // of the open map) and returns where it now lives. Pointers to open containers stay valid:
  // nothing is added to a container while one of its children is open.
  json* place(json&& value) {
    if (!count()) return nullptr;
    if (stack_.empty()) {
      root_ = std::move(value);
      return &root_;
    }
    json& top = *stack_.back();
    if (top.is_array()) {
      top.push_back(std::move(value));
      return &top.back();
    }
    json& slot = top[key_];
    slot = std::move(value);
    return &slot;
  }
  bool open(json&& container) {
    if (stack_.size() >= kMaxPeerNestingDepth) {
      limit_ = "MessagePack nested deeper than " + std::to_string(kMaxPeerNestingDepth);
      return false;
    }
    json* placed = place(std::move(container));
    if (placed == nullptr) return false;
    stack_.push_back(placed);
    return true;
  }
  bool close() {
    if (!stack_.empty()) stack_.pop_back();
    return true;
  }

  json root_;
  std::vector<json*> stack_;
  std::string key_;
  std::size_t values_ = 0;
  std::optional<std::string> limit_;
  bool truncated_ = false;
  int parse_error_id_ = 0;
  std::size_t parse_error_position_ = 0;
  std::string parse_error_what_;
};

// ---------------------------------------------------------------------------------------------
// Decoding, step 2: the tree to the structs. A FieldReader reads the fields of one map; the
// first failure is kept in a shared slot and later reads return defaults, so decoders read
// straight through and check once.

class FieldReader {
 public:
  FieldReader(const json& object, std::string where, std::optional<Error>& error)
      : object_(object), where_(std::move(where)), error_(error) {}

  bool failed() const { return error_.has_value(); }

  std::string str(const Field& f) {
    const json* v = find(f);
    if (v == nullptr) return {};
    if (!v->is_string()) return mistyped(f, *v, "a string"), std::string();
    return v->get<std::string>();
  }
  bool boolean(const Field& f) {
    const json* v = find(f);
    if (v == nullptr) return false;
    if (!v->is_boolean()) return mistyped(f, *v, "a boolean"), false;
    return v->get<bool>();
  }
  std::uint64_t u64(const Field& f) {
    const json* v = find(f);
    if (v == nullptr) return 0;
    if (v->is_number_unsigned()) return v->get<std::uint64_t>();
    if (v->is_number_integer()) return mistyped(f, *v, "a non-negative integer"), 0;
    return mistyped(f, *v, "an unsigned integer"), 0;
  }
  std::int64_t i64(const Field& f) {
    const json* v = find(f);
    if (v == nullptr) return 0;
    if (v->is_number_unsigned()) {
      const auto u = v->get<std::uint64_t>();
      if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
        return mistyped(f, *v, "an integer in the range of int64"), 0;
      return static_cast<std::int64_t>(u);
    }
    if (v->is_number_integer()) return v->get<std::int64_t>();
    return mistyped(f, *v, "an integer"), 0;
  }
  int i32(const Field& f) {
    const json* v = find(f);
    if (v == nullptr) return 0;
    if (!v->is_number_integer()) return mistyped(f, *v, "an integer"), 0;
    if (v->is_number_unsigned()) {
      const auto u = v->get<std::uint64_t>();
      if (u > static_cast<std::uint64_t>(std::numeric_limits<int>::max()))
        return mistyped(f, *v, "an integer in the range of int32"), 0;
      return static_cast<int>(u);
    }
    const auto i = v->get<std::int64_t>();
    if (i < std::numeric_limits<int>::min() || i > std::numeric_limits<int>::max())
      return mistyped(f, *v, "an integer in the range of int32"), 0;
    return static_cast<int>(i);
  }
  double f64(const Field& f) {
    const json* v = find(f);
    if (v == nullptr) return 0.0;
    if (!v->is_number()) return mistyped(f, *v, "a number"), 0.0;
    const double d = v->get<double>();
    if (!std::isfinite(d)) return mistyped(f, *v, "a finite number"), 0.0;
    return d;
  }
  std::vector<std::string> strings(const Field& f) {
    std::vector<std::string> out;
    const json* v = find(f);
    if (v == nullptr) return out;
    if (!v->is_array()) return mistyped(f, *v, "an array of strings"), out;
    out.reserve(v->size());
    for (const auto& item : *v) {
      if (!item.is_string())
        return mistyped(f, item, "an array of strings"), std::vector<std::string>();
      out.push_back(item.get<std::string>());
    }
    return out;
  }
  // The enum of a table of common/strategies.h or common/states.h.
  template <typename E>
  E enumeration(const Field& f, E fallback) {
    const auto code = enumCode(f);
    if (!code) return fallback;
    if (auto value = enumFromCode<E>(*code)) return *value;
    badEnum(f, *code);
    return fallback;
  }
  ProcessState processState(const Field& f) {
    const auto code = enumCode(f);
    if (!code) return ProcessState::Stopped;
    if (auto value = processStateFromCode(*code)) return *value;
    badEnum(f, *code);
    return ProcessState::Stopped;
  }
  RequestKind requestKind(const Field& f) {
    const auto code = enumCode(f);
    if (!code) return RequestKind::StartProcess;
    if (*code >= static_cast<int>(RequestKind::StartProcess) &&
        *code <= static_cast<int>(RequestKind::RunningFailure))
      return static_cast<RequestKind>(*code);
    badEnum(f, *code);
    return RequestKind::StartProcess;
  }
  // The value of an array field, or nullptr (the failure recorded).
  const json* array(const Field& f) {
    const json* v = find(f);
    if (v == nullptr) return nullptr;
    if (!v->is_array()) return mistyped(f, *v, "an array"), nullptr;
    return v;
  }
  const json* map(const Field& f) {
    const json* v = find(f);
    if (v == nullptr) return nullptr;
    if (!v->is_object()) return mistyped(f, *v, "a map"), nullptr;
    return v;
  }

  void fail(PeerDecodeError reason, std::string message) {
    if (!error_) error_ = decodeError(reason, where_ + ": " + std::move(message));
  }
  std::string describe(const Field& f) const {
    return "field \"" + std::string(f.key) + "\" (" + f.name + ")";
  }
  const std::string& where() const { return where_; }

 private:
  const json* find(const Field& f) {
    if (error_) return nullptr;
    const auto it = object_.find(f.key);
    if (it == object_.end()) {
      fail(PeerDecodeError::MissingField, describe(f) + " is missing");
      return nullptr;
    }
    return &*it;
  }
  void mistyped(const Field& f, const json& value, const char* expected) {
    fail(PeerDecodeError::MistypedField,
         describe(f) + " is not " + expected + " (" + typeOf(value) + ")");
  }
  std::optional<int> enumCode(const Field& f) {
    const json* v = find(f);
    if (v == nullptr) return std::nullopt;
    if (!v->is_number_integer()) return mistyped(f, *v, "an integer"), std::nullopt;
    if (v->is_number_unsigned()) {
      const auto u = v->get<std::uint64_t>();
      if (u > static_cast<std::uint64_t>(std::numeric_limits<int>::max())) {
        fail(PeerDecodeError::BadEnum,
             describe(f) + " holds " + std::to_string(u) + ", not a value of its enum");
        return std::nullopt;
      }
      return static_cast<int>(u);
    }
    const auto i = v->get<std::int64_t>();
    if (i < std::numeric_limits<int>::min()) {
      fail(PeerDecodeError::BadEnum,
           describe(f) + " holds " + std::to_string(i) + ", not a value of its enum");
      return std::nullopt;
    }
    return static_cast<int>(i);
  }
  void badEnum(const Field& f, int code) {
    fail(PeerDecodeError::BadEnum,
         describe(f) + " holds " + std::to_string(code) + ", not a value of its enum");
  }

  const json& object_;
  std::string where_;
  std::optional<Error>& error_;
};

std::vector<PeerProcess> decodeProcesses(const FieldReader& parent, const Field& f,
                                         const json* list, std::optional<Error>& error) {
  std::vector<PeerProcess> out;
  if (list == nullptr || error) return out;
  out.reserve(list->size());
  for (std::size_t i = 0; i < list->size(); ++i) {
    const json& item = (*list)[i];
    const std::string where =
        parent.where() + ", " + parent.describe(f) + " item " + std::to_string(i);
    if (!item.is_object()) {
      error =
          decodeError(PeerDecodeError::MistypedField, where + ": not a map (" + typeOf(item) + ")");
      return {};
    }
    using namespace process;
    FieldReader r(item, where, error);
    PeerProcess p;
    p.group = r.str(kGroup);
    p.name = r.str(kName);
    p.state = r.processState(kState);
    p.pid = r.i64(kPid);
    p.start = r.i64(kStart);
    p.stop = r.i64(kStop);
    p.now = r.i64(kNow);
    p.uptime = r.f64(kUptime);
    p.expected = r.boolean(kExpected);
    p.spawnerr = r.str(kSpawnErr);
    p.extra_args = r.str(kExtraArgs);
    p.disabled = r.boolean(kDisabled);
    p.startsecs = r.i32(kStartSecs);
    p.stopwaitsecs = r.i32(kStopWaitSecs);
    p.process_index = r.i32(kIndex);
    p.program_name = r.str(kProgram);
    if (r.failed()) return {};
    out.push_back(std::move(p));
  }
  return out;
}

// A statistics map or list longer than its bound (common/stats_sample.h): the message is
// refused whole, as oversized.
bool withinBound(FieldReader& r, const Field& f, const json* v, std::size_t bound) {
  if (v == nullptr || v->size() <= bound) return v != nullptr;
  r.fail(PeerDecodeError::Oversized, r.describe(f) + " holds " + std::to_string(v->size()) +
                                         " entries, more than the bound of " +
                                         std::to_string(bound));
  return false;
}

// A non-negative integer of a statistics counter, or nullopt.
std::optional<std::uint64_t> counter(const json& v) {
  if (!v.is_number_unsigned()) return std::nullopt;
  return v.get<std::uint64_t>();
}

// {name: [u64, u64]} of net_io / disk_io.
std::map<std::string, IoCounters> decodeCounters(FieldReader& r, const Field& f) {
  std::map<std::string, IoCounters> out;
  const json* m = r.map(f);
  if (!withinBound(r, f, m, kMaxStatsDevices)) return out;
  for (const auto& [name, value] : m->items()) {
    if (name.size() > kMaxStatsNameBytes) {
      r.fail(PeerDecodeError::Oversized, r.describe(f) + " has a name of " +
                                             std::to_string(name.size()) + " bytes");
      return {};
    }
    std::optional<std::uint64_t> a, b;
    if (value.is_array() && value.size() == 2) a = counter(value[0]), b = counter(value[1]);
    if (!a || !b) {
      r.fail(PeerDecodeError::MistypedField, r.describe(f) + " entry \"" + name +
                                                 "\" is not a pair of unsigned integers (" +
                                                 typeOf(value) + ")");
      return {};
    }
    out.emplace(name, IoCounters{*a, *b});
  }
  return out;
}

HostSample decodeHostSample(FieldReader& r) {
  using namespace host_stats;
  HostSample s;
  s.time = r.f64(kTime);
  if (const json* cpu = r.array(kCpu); withinBound(r, kCpu, cpu, kMaxStatsCpus)) {
    for (const auto& item : *cpu) {
      std::optional<std::uint64_t> work, idle;
      if (item.is_array() && item.size() == 2) work = counter(item[0]), idle = counter(item[1]);
      if (!work || !idle) {
        r.fail(PeerDecodeError::MistypedField, r.describe(kCpu) +
                                                   " item is not a pair of unsigned integers (" +
                                                   typeOf(item) + ")");
        break;
      }
      s.cpu.push_back(CpuTimes{*work, *idle});
    }
  }
  s.mem = r.f64(kMem);
  s.net_io = decodeCounters(r, kNetIo);
  s.disk_io = decodeCounters(r, kDiskIo);
  if (const json* usage = r.map(kDiskUsage); withinBound(r, kDiskUsage, usage, kMaxStatsDevices)) {
    for (const auto& [name, value] : usage->items()) {
      if (name.size() > kMaxStatsNameBytes || !value.is_number() ||
          !std::isfinite(value.get<double>())) {
        r.fail(PeerDecodeError::MistypedField,
               r.describe(kDiskUsage) + " entry \"" + name.substr(0, kMaxStatsNameBytes) +
                   "\" is not a finite number with a short name (" + typeOf(value) + ")");
        break;
      }
      s.disk_usage.emplace(name, value.get<double>());
    }
  }
  return s;
}

std::vector<ProcessSample> decodeProcessSamples(FieldReader& r, std::optional<Error>& error) {
  using namespace process_stats;
  std::vector<ProcessSample> out;
  const json* list = r.array(kProcesses);
  if (!withinBound(r, kProcesses, list, kMaxStatsProcesses) || error) return out;
  out.reserve(list->size());
  for (std::size_t i = 0; i < list->size(); ++i) {
    const json& item = (*list)[i];
    const std::string where = r.where() + ", " + r.describe(kProcesses) + " item " +
                              std::to_string(i);
    if (!item.is_object()) {
      error =
          decodeError(PeerDecodeError::MistypedField, where + ": not a map (" + typeOf(item) + ")");
      return {};
    }
    FieldReader p(item, where, error);
    ProcessSample sample;
    sample.namespec = p.str(kNamespec);
    sample.pid = p.i64(kPid);
    sample.time = p.f64(kTime);
    sample.cpu_time = p.f64(kCpuTime);
    sample.mem = p.f64(kMem);
    if (p.failed()) return {};
    out.push_back(std::move(sample));
  }
  return out;
}

PeerBody decodeBody(PeerMessageType type, FieldReader& r, std::optional<Error>& error) {
  switch (type) {
    case PeerMessageType::Tick: {
      using namespace tick;
      TickMessage m;
      m.tick = r.u64(kTick);
      m.wall_time = r.f64(kWallTime);
      m.monotonic_time = r.f64(kMonotonicTime);
      m.supervisor_reachable = r.boolean(kReachable);
      return m;
    }
    case PeerMessageType::HandshakeRequest:
      return HandshakeRequest{};
    case PeerMessageType::Handshake: {
      using namespace handshake;
      HandshakeMessage m;
      m.nick = r.str(kNick);
      m.stereotypes = r.strings(kStereotypes);
      m.node_id = r.str(kNodeId);
      m.supvisors_list = r.strings(kList);
      m.auto_fence = r.boolean(kAutoFence);
      m.starting_strategy = r.enumeration(kStarting, m.starting_strategy);
      m.conciliation_strategy = r.enumeration(kConciliation, m.conciliation_strategy);
      m.supvisors_failure_strategy = r.enumeration(kFailure, m.supvisors_failure_strategy);
      m.rules_digest = r.str(kRulesDigest);
      m.isolates_receiver = r.boolean(kIsolates);
      return m;
    }
    case PeerMessageType::StateModes: {
      using namespace state_modes;
      StateModesMessage m;
      m.fsm_state = r.enumeration(kState, m.fsm_state);
      m.degraded_mode = r.boolean(kDegraded);
      m.discovery_mode = r.boolean(kDiscovery);
      m.master_identifier = r.str(kMaster);
      m.starting_jobs = r.boolean(kStarting);
      m.stopping_jobs = r.boolean(kStopping);
      m.started_applications = r.strings(kStartedApplications);
      if (const json* instances = r.map(kInstances)) {
        for (const auto& [identifier, value] : instances->items()) {
          std::optional<InstanceState> state;
          if (value.is_number_integer() && value.get<std::int64_t>() >= 0 &&
              value.get<std::int64_t>() <= std::numeric_limits<int>::max())
            state = enumFromCode<InstanceState>(static_cast<int>(value.get<std::int64_t>()));
          if (!state) {
            r.fail(value.is_number_integer() ? PeerDecodeError::BadEnum
                                             : PeerDecodeError::MistypedField,
                   r.describe(kInstances) + " entry \"" + identifier.substr(0, 256) +
                       "\" is not an InstanceState code (" + typeOf(value) + ")");
            break;
          }
          m.instance_states.emplace(identifier, *state);
        }
      }
      return m;
    }
    case PeerMessageType::ProcessTable: {
      ProcessTableMessage m;
      m.table_version = r.u64(table::kVersion);
      m.processes = decodeProcesses(r, table::kProcesses, r.array(table::kProcesses), error);
      return m;
    }
    case PeerMessageType::ProcessDelta: {
      ProcessDeltaMessage m;
      m.base_version = r.u64(table::kBase);
      m.table_version = r.u64(table::kVersion);
      m.updated = decodeProcesses(r, table::kUpdated, r.array(table::kUpdated), error);
      m.removed = r.strings(table::kRemoved);
      return m;
    }
    case PeerMessageType::ProcessTableRequest:
      return ProcessTableRequest{};
    case PeerMessageType::Request: {
      using namespace request;
      RequestMessage m;
      m.request_id = r.u64(kId);
      m.kind = r.requestKind(kKind);
      m.namespec = r.str(kNamespec);
      m.extra_args = r.str(kExtraArgs);
      return m;
    }
    case PeerMessageType::Result: {
      using namespace result;
      ResultMessage m;
      m.request_id = r.u64(kId);
      m.ok = r.boolean(kOk);
      m.fault_code = r.i32(kFaultCode);
      m.message = r.str(kMessage);
      return m;
    }
    case PeerMessageType::Goodbye: {
      GoodbyeMessage m;
      m.reason = r.str(goodbye::kReason);
      return m;
    }
    case PeerMessageType::HostStatistics:
      return HostStatisticsMessage{decodeHostSample(r)};
    case PeerMessageType::ProcessStatistics:
      return ProcessStatisticsMessage{decodeProcessSamples(r, error)};
  }
  return HandshakeRequest{};  // unreachable: the type was checked
}

// Step 1: the bytes to a tree, or the error.
Result<json> parseTree(std::string_view bytes) {
  BoundedTreeBuilder builder;
  bool parsed = false;
  try {
    parsed = json::sax_parse(bytes.begin(), bytes.end(), &builder, json::input_format_t::msgpack,
                             /*strict=*/true);
  } catch (const std::bad_alloc&) {
    return decodeError(PeerDecodeError::Oversized, "out of memory while decoding");
  } catch (const std::exception& e) {
    return decodeError(PeerDecodeError::NotMsgpack, e.what());
  } catch (...) {
    return decodeError(PeerDecodeError::NotMsgpack, "unknown decoding failure");
  }
  if (builder.limitHit()) return decodeError(PeerDecodeError::Oversized, *builder.limitHit());
  if (!parsed || builder.parseErrorId() != 0) {
    if (builder.truncated())
      return decodeError(PeerDecodeError::Truncated, "MessagePack ends early, after " +
                                                         std::to_string(bytes.size()) + " bytes");
    return decodeError(PeerDecodeError::NotMsgpack, builder.parseErrorWhat());
  }
  return std::move(builder.root());
}

Result<PeerMessage> decodeEnvelope(const json& root) {
  if (!root.is_array() || root.size() < 2)
    return decodeError(PeerDecodeError::BadShape,
                       "not an envelope array [magic, version, ...] (" + typeOf(root) + ")");
  if (!root[0].is_string() || root[0].get_ref<const std::string&>() != kMagic)
    return decodeError(PeerDecodeError::BadMagic, "element 0 is not the magic \"SVP\"");
  PeerMessage message;
  const json& version = root[1];
  if (!version.is_number_unsigned() ||
      version.get<std::uint64_t>() > std::numeric_limits<std::uint16_t>::max())
    return decodeError(
        PeerDecodeError::MistypedField,
        "element 1 (protocol_version) is not an integer in 0..65535 (" + typeOf(version) + ")");
  message.header.protocol_version = static_cast<std::uint16_t>(version.get<std::uint64_t>());
  if (message.header.protocol_version != kPeerProtocolVersion) {
    std::string from;
    if (root.size() > 3 && root[3].is_string())
      from = " from \"" + root[3].get<std::string>().substr(0, 256) + "\"";
    return decodeError(PeerDecodeError::WrongVersion,
                       "protocol version " + std::to_string(message.header.protocol_version) +
                           from + ", this agent speaks " + std::to_string(kPeerProtocolVersion) +
                           ": inconsistent peer");
  }
  if (root.size() < kEnvelopeSize)
    return decodeError(PeerDecodeError::BadShape, "envelope of " + std::to_string(root.size()) +
                                                      " elements, expected " +
                                                      std::to_string(kEnvelopeSize));
  const json& type = root[2];
  if (!type.is_number_integer())
    return decodeError(PeerDecodeError::MistypedField,
                       "element 2 (type) is not an integer (" + typeOf(type) + ")");
  if (!type.is_number_unsigned() || type.get<std::uint64_t>() >= kTypeNames.size())
    return decodeError(PeerDecodeError::UnknownType,
                       "unknown message type " + typeOf(type).substr(4));
  const auto message_type = static_cast<PeerMessageType>(type.get<std::uint64_t>());
  const json& sender = root[3];
  if (!sender.is_string())
    return decodeError(PeerDecodeError::MistypedField,
                       "element 3 (sender) is not a string (" + typeOf(sender) + ")");
  message.header.sender = sender.get<std::string>();
  if (!isPeerIdentifier(message.header.sender))
    return decodeError(
        PeerDecodeError::BadSender,
        "sender \"" + message.header.sender.substr(0, 256) + "\" is not of the form host:port");
  const char* names[] = {"incarnation", "sequence"};
  std::uint64_t* slots[] = {&message.header.incarnation, &message.header.sequence};
  for (std::size_t i = 0; i < 2; ++i) {
    const json& v = root[4 + i];
    if (!v.is_number_unsigned())
      return decodeError(PeerDecodeError::MistypedField,
                         "element " + std::to_string(4 + i) + " (" + names[i] +
                             ") is not an unsigned integer (" + typeOf(v) + ")");
    *slots[i] = v.get<std::uint64_t>();
  }
  const json& body = root[6];
  const std::string where =
      "body of " + std::string(kTypeNames[static_cast<std::size_t>(message_type)]);
  if (!body.is_object())
    return decodeError(PeerDecodeError::BadShape, where + " is not a map (" + typeOf(body) + ")");
  std::optional<Error> error;
  FieldReader reader(body, where, error);
  message.body = decodeBody(message_type, reader, error);
  if (error) return std::move(*error);
  return message;
}

}  // namespace

PeerMessageType peerMessageType(const PeerBody& body) {
  return static_cast<PeerMessageType>(body.index());
}

std::string_view peerMessageTypeName(PeerMessageType type) {
  const auto i = static_cast<std::size_t>(type);
  return i < kTypeNames.size() ? kTypeNames[i] : std::string_view();
}

std::string_view peerDecodeErrorName(PeerDecodeError reason) {
  const auto i = static_cast<std::size_t>(reason) - 1;
  return i < kErrorNames.size() ? kErrorNames[i] : std::string_view();
}

PeerDecodeError peerDecodeErrorOf(const Error& error) {
  return static_cast<PeerDecodeError>(error.code);
}

bool isPeerIdentifier(std::string_view identifier) {
  const auto colon = identifier.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  const auto port = identifier.substr(colon + 1);
  if (port.empty() || port.size() > 5) return false;
  int value = 0;
  for (char c : port) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  return value >= 1 && value <= 65535;
}

std::string encodePeerMessage(const PeerMessage& message) {
  const PeerHeader& h = message.header;
  json envelope =
      json::array({kMagic, h.protocol_version, static_cast<int>(peerMessageType(message.body)),
                   h.sender, h.incarnation, h.sequence, std::visit(BodyEncoder{}, message.body)});
  std::string out;
  json::to_msgpack(envelope, out);
  return out;
}

Result<PeerMessage> decodePeerMessage(std::string_view bytes, std::size_t max_bytes) {
  if (bytes.size() > max_bytes)
    return decodeError(PeerDecodeError::Oversized, std::to_string(bytes.size()) +
                                                       " bytes, more than the bound of " +
                                                       std::to_string(max_bytes));
  try {
    auto tree = parseTree(bytes);
    if (!tree) return tree.error();
    return decodeEnvelope(*tree);
  } catch (const std::bad_alloc&) {
    return decodeError(PeerDecodeError::Oversized, "out of memory while decoding");
  } catch (const std::exception& e) {
    return decodeError(PeerDecodeError::BadShape, e.what());
  } catch (...) {
    return decodeError(PeerDecodeError::BadShape, "unknown decoding failure");
  }
}

}  // namespace supvisors
