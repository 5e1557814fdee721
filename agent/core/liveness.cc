#include "agent/core/liveness.h"

#include <algorithm>

namespace supvisors {

Incarnation PeerLiveness::observe(const PeerHeader& header, std::uint64_t now_tick) {
  if (incarnation_ && *incarnation_ == header.incarnation) {
    if (header.sequence > last_sequence_ + 1)
      sequence_gaps_ += header.sequence - last_sequence_ - 1;
    last_sequence_ = std::max(last_sequence_, header.sequence);
    last_heard_tick_ = std::max(last_heard_tick_, now_tick);
    last_message_tick_ = std::max(last_message_tick_, now_tick);
    return Incarnation::Current;
  }
  if (std::find(retired_.begin(), retired_.end(), header.incarnation) != retired_.end()) {
    ++retired_messages_;
    return Incarnation::Retired;
  }
  if (incarnation_) {
    retired_.push_back(*incarnation_);
    if (retired_.size() > kRetiredKept) retired_.erase(retired_.begin());
  }
  incarnation_ = header.incarnation;
  last_sequence_ = header.sequence;
  last_heard_tick_ = std::max(last_heard_tick_, now_tick);
  last_message_tick_ = std::max(last_message_tick_, now_tick);
  return Incarnation::New;
}

bool PeerLiveness::heardBeacon(std::uint64_t incarnation, std::uint64_t now_tick) {
  if (!incarnation_ || *incarnation_ != incarnation) {
    ++ignored_beacons_;
    return false;
  }
  ++beacons_;
  last_heard_tick_ = std::max(last_heard_tick_, now_tick);
  return true;
}

}  // namespace supvisors
