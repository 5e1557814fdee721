#pragma once
// Overloaded: a set of lambdas as one visitor, for std::visit over the variants of events,
// commands and messages: std::visit(Overloaded{[](const Tick&) {...}, ...}, event).

namespace supvisors {

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};

}  // namespace supvisors
