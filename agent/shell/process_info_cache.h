#pragma once
// ProcessInfoCache: the answer of supvisors.get_all_process_info, encoded once per version of
// the cluster's ProcessTables and served from there to every caller until the tables change.
//
// Why: building and encoding ~3,000 ProcessInfo structs with xmlrpc-c costs 20 to 40 ms, on
// an HTTP worker, for every poll of every dashboard; the tables change far less often than
// they are read. Only `now_monotonic` differs between two answers of one version, so the
// cache keeps the encoded methodResponse with the value of each now_monotonic cut out, and
// an answer is that text with the caller's time written into the holes (a copy of the body).
// An entry is written straight as text, byte for byte what xmlrpc-c's generateResponse gives
// for allProcessInfoValue() (cluster_process_info.h; xmlrpc-c itself still writes the
// doubles and any string that is not plain printable ASCII): 1.5 ms of CPU for 3,000
// processes instead of the value tree's 40, so the first call after a change stays fast too
// (docs/BENCHMARKS.md, issue 6).
//
// The key is the ProcessTables object the snapshot shares (kept alive by the entry, so its
// address cannot be reused), or the same non-zero `version`. Everything else in the reply,
// including last_event_mtime (cluster_process_info.h), is computed from the snapshot that
// first built the entry.
//
// Thread-safety: safe from any number of threads (a mutex guards the entry; concurrent
// misses may each build it, the last one wins).

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "agent/core/process_tables.h"
#include "agent/shell/cluster_snapshot.h"

namespace supvisors {

class ProcessInfoCache {
 public:
  // The XML-RPC response body (methodResponse) of get_all_process_info for `snapshot`, its
  // now_monotonic values being `now_monotonic`: the bytes generateResponse would write.
  std::string response(const ClusterSnapshot& snapshot, double now_monotonic) const;
  // How many times an entry was built (tests check the reuse).
  std::uint64_t builds() const;

 private:
  struct Encoded {
    std::shared_ptr<const ProcessTables> tables;
    std::string text;                // the response without the now_monotonic values
    std::vector<std::size_t> holes;  // offsets in `text` where each value goes, increasing
  };
  std::shared_ptr<const Encoded> entryFor(const ClusterSnapshot& snapshot) const;

  mutable std::mutex mutex_;
  mutable std::shared_ptr<const Encoded> entry_;
  mutable std::uint64_t builds_ = 0;
};

}  // namespace supvisors
