#include "agent/shell/process_info_cache.h"

#include <xmlrpc-c/xml.hpp>

#include <string_view>

#include "agent/shell/cluster_process_info.h"

namespace supvisors {

namespace {

constexpr std::string_view kNowKey = "<name>now_monotonic</name>";
constexpr std::string_view kDoubleOpen = "<double>";
constexpr std::string_view kDoubleClose = "</double>";

std::string encode(const xmlrpc_c::value& value) {
  std::string body;
  xmlrpc_c::xml::generateResponse(xmlrpc_c::rpcOutcome(value), &body);
  return body;
}

// The text of a double as xmlrpc-c writes it, so a spliced answer is byte for byte the one
// generateResponse would give.
std::string doubleText(double value) {
  const std::string body = encode(xmlrpc_c::value_double(value));
  const auto open = body.find(kDoubleOpen);
  const auto close = body.find(kDoubleClose, open);
  return body.substr(open + kDoubleOpen.size(), close - open - kDoubleOpen.size());
}

bool sameTables(const ProcessTables* a, const std::shared_ptr<const ProcessTables>& b) {
  return a == b.get() || (a && b && a->version != 0 && a->version == b->version);
}

}  // namespace

std::shared_ptr<const ProcessInfoCache::Encoded> ProcessInfoCache::entryFor(
    const ClusterSnapshot& snapshot) const {
  {
    std::lock_guard lock(mutex_);
    if (entry_ && sameTables(snapshot.view.tables.get(), entry_->tables)) return entry_;
  }
  // Cut every now_monotonic value out of the encoded answer. Keys and strings cannot fake
  // the marker: xmlrpc-c escapes '<' inside strings.
  const std::string body = encode(allProcessInfoValue(snapshot, 0.0));
  auto entry = std::make_shared<Encoded>();
  entry->tables = snapshot.view.tables;
  entry->text.reserve(body.size());
  std::size_t from = 0;
  for (auto key = body.find(kNowKey); key != std::string::npos; key = body.find(kNowKey, from)) {
    const auto open = body.find(kDoubleOpen, key);
    const auto close = open == std::string::npos ? open : body.find(kDoubleClose, open);
    if (close == std::string::npos) break;
    const auto valueAt = open + kDoubleOpen.size();
    entry->text.append(body, from, valueAt - from);
    entry->holes.push_back(entry->text.size());
    from = close;
  }
  entry->text.append(body, from, std::string::npos);
  std::lock_guard lock(mutex_);
  entry_ = entry;
  ++builds_;
  return entry;
}

std::string ProcessInfoCache::response(const ClusterSnapshot& snapshot,
                                       double now_monotonic) const {
  const auto entry = entryFor(snapshot);
  const std::string now = doubleText(now_monotonic);
  std::string out;
  out.reserve(entry->text.size() + entry->holes.size() * now.size());
  std::size_t from = 0;
  for (const std::size_t hole : entry->holes) {
    out.append(entry->text, from, hole - from);
    out += now;
    from = hole;
  }
  out.append(entry->text, from, std::string::npos);
  return out;
}

std::uint64_t ProcessInfoCache::builds() const {
  std::lock_guard lock(mutex_);
  return builds_;
}

}  // namespace supvisors
