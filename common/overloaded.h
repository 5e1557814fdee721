#pragma once
// Overloaded: a set of lambdas as one visitor, for std::visit over the variants of events,
// commands and messages: std::visit(Overloaded{[](const Tick&) {...}, ...}, event).

namespace supvisors {

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
// C++17's guide: clang 14 (the fuzz build, test/fuzz/) lacks C++20's deduction for aggregates.
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

}  // namespace supvisors
