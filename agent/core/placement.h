#pragma once
// Placement: which instance (or node) gets a process or a whole application, by starting
// strategy (reference §5.1-§5.3). Pure functions over a LoadBook; the commander fills the book
// from the process tables and its own pending starts and records each choice in it, so a burst
// of starts does not overshoot.
//
// Loads (percent, Σ expected_loading):
//   instance load = processes running there + starts ordered there and not yet running
//   node load     = Σ instance loads of the instances with the same node_id, each counted
//                   once (Supvisors counts an instance's load again for every instance of its
//                   node; docs/CONTROL.md)
// An instance can take a process when load(node) + expected_loading <= 100.
//
// Strategies, among the candidates that can take the load (candidates are given in
// preference order: the rule's `identifiers` order, already filtered to RUNNING instances
// where the program is configured and not disabled):
//   CONFIG            the first
//   LESS_LOADED       lowest instance load; ties: lower node load, then preference order
//   MOST_LOADED       highest instance load; ties: higher node load, then preference order
//   LOCAL             the local identifier if it is a candidate and can take it, else none
//   LESS_LOADED_NODE  lowest node load; ties: lower instance load, then preference order
//   MOST_LOADED_NODE  highest node load; ties: higher instance load, then preference order
//
// Details the strategies leave open, as decided here:
//   - A load never goes below 0: add() clamps, so a start cancelled twice (or cancelled after
//     its process was already counted as stopped) cannot make an instance look emptier than
//     empty and attract, or overfill its node. An instance back at 0 is forgotten.
//   - An identifier with no node, or with node id "", is a node of its own whose id is the
//     identifier. Node ids (machine ids) and identifiers are assumed never to collide.
//   - expected_loading / total_loading are used as given (the rules keep them in 0..100); a
//     load above 100 fits nowhere.
//   - A candidate listed twice keeps the place of its first occurrence.
//   - LOCAL with an empty `local`, and a StartingStrategy value outside the enum, choose none.
//   - chooseNode: a node can take the application when its node load + total_loading <= 100.
//     The "instance load" of a node is that of its least loaded candidate for LESS_LOADED and
//     LESS_LOADED_NODE, of its most loaded candidate for MOST_LOADED and MOST_LOADED_NODE; it is
//     the first key of LESS_LOADED / MOST_LOADED and the tie-break of the *_NODE strategies.
//     Only candidates count: other instances of the node add to its node load, never to its
//     instance load. LOCAL requires the local identifier itself to be a candidate (the
//     processes are then placed with LOCAL too, so a node where local is not allowed would
//     leave them nowhere to go).
//
// Thread-safety: plain values and pure functions.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/strategies.h"

namespace supvisors {

class LoadBook {
 public:
  // `node_of`: identifier -> node id ("" means a node of its own).
  explicit LoadBook(std::map<std::string, std::string> node_of = {});

  void setNode(const std::string& identifier, const std::string& node_id);
  // Adds `load` (may be negative) to the instance.
  void add(const std::string& identifier, int load);

  int instanceLoad(const std::string& identifier) const;
  int nodeLoad(const std::string& identifier) const;        // of the node of `identifier`
  std::string nodeOf(const std::string& identifier) const;  // node id, or the identifier
  bool canTake(const std::string& identifier, int load) const {
    return nodeLoad(identifier) + load <= 100;
  }

 private:
  std::map<std::string, std::string> node_of_;
  std::map<std::string, int> load_;
};

// One instance for one process (ALL_INSTANCES), or nullopt: "No resource available".
std::optional<std::string> chooseInstance(StartingStrategy strategy,
                                          const std::vector<std::string>& candidates,
                                          int expected_loading, const LoadBook& book,
                                          const std::string& local);

// SINGLE_NODE: the node (as LoadBook::nodeOf) for a whole application whose load is
// `total_loading`, among the nodes of `candidates` (preference order = the first candidate of
// each node). Instance-load tie-breaks use the node's least (LESS_*) or most (MOST_*) loaded
// candidate; LOCAL means the local instance's node; CONFIG the first node that can take it.
std::optional<std::string> chooseNode(StartingStrategy strategy,
                                      const std::vector<std::string>& candidates, int total_loading,
                                      const LoadBook& book, const std::string& local);

}  // namespace supvisors
