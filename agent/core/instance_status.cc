#include "agent/core/instance_status.h"

#include <algorithm>
#include <array>

namespace supvisors {
namespace {

using S = InstanceState;
constexpr std::array<S, 1> kFromStopped{S::Checking};
constexpr std::array<S, 4> kFromChecking{S::Stopped, S::Checked, S::Failed, S::Isolated};
constexpr std::array<S, 2> kFromChecked{S::Running, S::Failed};
constexpr std::array<S, 1> kFromRunning{S::Failed};
constexpr std::array<S, 2> kFromFailed{S::Stopped, S::Isolated};

}  // namespace

std::span<const InstanceState> instanceTransitionsFrom(InstanceState from) {
  switch (from) {
    case S::Stopped:
      return kFromStopped;
    case S::Checking:
      return kFromChecking;
    case S::Checked:
      return kFromChecked;
    case S::Running:
      return kFromRunning;
    case S::Failed:
      return kFromFailed;
    case S::Isolated:
      return {};
  }
  return {};
}

bool instanceTransitionAllowed(InstanceState from, InstanceState to) {
  const auto next = instanceTransitionsFrom(from);
  return std::find(next.begin(), next.end(), to) != next.end();
}

bool isListening(InstanceState state) {
  return state == S::Checking || state == S::Checked || state == S::Running;
}

}  // namespace supvisors
