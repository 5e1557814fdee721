#include "agent/core/placement.h"

#include <algorithm>
#include <utility>

namespace supvisors {

LoadBook::LoadBook(std::map<std::string, std::string> node_of) : node_of_(std::move(node_of)) {}

void LoadBook::setNode(const std::string& identifier, const std::string& node_id) {
  node_of_[identifier] = node_id;
}

void LoadBook::add(const std::string& identifier, int load) {
  int total = std::max(0, instanceLoad(identifier) + load);
  if (total == 0)
    load_.erase(identifier);
  else
    load_[identifier] = total;
}

int LoadBook::instanceLoad(const std::string& identifier) const {
  auto it = load_.find(identifier);
  return it == load_.end() ? 0 : it->second;
}

std::string LoadBook::nodeOf(const std::string& identifier) const {
  auto it = node_of_.find(identifier);
  return it == node_of_.end() || it->second.empty() ? identifier : it->second;
}

int LoadBook::nodeLoad(const std::string& identifier) const {
  const std::string node = nodeOf(identifier);
  int total = 0;
  for (const auto& [id, load] : load_)
    if (nodeOf(id) == node) total += load;
  return total;
}

namespace {

// The sort key of a choice: the smallest wins, the first in preference order on a tie.
using Key = std::pair<int, int>;

// (instance load, node load) ordered as `strategy` prefers; nullopt for CONFIG and LOCAL,
// which do not compare loads.
std::optional<Key> keyOf(StartingStrategy strategy, int instance_load, int node_load) {
  switch (strategy) {
    case StartingStrategy::LessLoaded:
      return Key{instance_load, node_load};
    case StartingStrategy::MostLoaded:
      return Key{-instance_load, -node_load};
    case StartingStrategy::LessLoadedNode:
      return Key{node_load, instance_load};
    case StartingStrategy::MostLoadedNode:
      return Key{-node_load, -instance_load};
    case StartingStrategy::Config:
    case StartingStrategy::Local:
      break;
  }
  return std::nullopt;
}

bool isLoadStrategy(StartingStrategy strategy) {
  return keyOf(strategy, 0, 0).has_value();
}

bool isCandidate(const std::vector<std::string>& candidates, const std::string& identifier) {
  return std::find(candidates.begin(), candidates.end(), identifier) != candidates.end();
}

}  // namespace

std::optional<std::string> chooseInstance(StartingStrategy strategy,
                                          const std::vector<std::string>& candidates,
                                          int expected_loading, const LoadBook& book,
                                          const std::string& local) {
  if (strategy == StartingStrategy::Local) {
    if (isCandidate(candidates, local) && book.canTake(local, expected_loading)) return local;
    return std::nullopt;
  }
  if (strategy == StartingStrategy::Config) {
    for (const auto& identifier : candidates)
      if (book.canTake(identifier, expected_loading)) return identifier;
    return std::nullopt;
  }
  if (!isLoadStrategy(strategy)) return std::nullopt;  // a value outside the enum
  std::optional<std::string> best;
  Key best_key{};
  for (const auto& identifier : candidates) {
    if (!book.canTake(identifier, expected_loading)) continue;
    Key key = *keyOf(strategy, book.instanceLoad(identifier), book.nodeLoad(identifier));
    if (!best || key < best_key) {
      best = identifier;
      best_key = key;
    }
  }
  return best;
}

std::optional<std::string> chooseNode(StartingStrategy strategy,
                                      const std::vector<std::string>& candidates, int total_loading,
                                      const LoadBook& book, const std::string& local) {
  if (strategy == StartingStrategy::Local) {
    if (isCandidate(candidates, local) && book.canTake(local, total_loading))
      return book.nodeOf(local);
    return std::nullopt;
  }
  if (strategy != StartingStrategy::Config && !isLoadStrategy(strategy)) return std::nullopt;

  // The nodes in preference order, each with its candidates' least and most instance loads.
  struct NodeLoads {
    std::string node;
    std::string member;  // any candidate of the node, to ask the book for the node load
    int least = 0;
    int most = 0;
  };
  std::vector<NodeLoads> nodes;
  for (const auto& identifier : candidates) {
    const std::string node = book.nodeOf(identifier);
    const int load = book.instanceLoad(identifier);
    auto it = std::find_if(nodes.begin(), nodes.end(),
                           [&](const NodeLoads& n) { return n.node == node; });
    if (it == nodes.end()) {
      nodes.push_back({node, identifier, load, load});
    } else {
      it->least = std::min(it->least, load);
      it->most = std::max(it->most, load);
    }
  }

  const bool prefers_less =
      strategy == StartingStrategy::LessLoaded || strategy == StartingStrategy::LessLoadedNode;
  std::optional<std::string> best;
  Key best_key{};
  for (const auto& n : nodes) {
    if (!book.canTake(n.member, total_loading)) continue;
    if (strategy == StartingStrategy::Config) return n.node;
    Key key = *keyOf(strategy, prefers_less ? n.least : n.most, book.nodeLoad(n.member));
    if (!best || key < best_key) {
      best = n.node;
      best_key = key;
    }
  }
  return best;
}

}  // namespace supvisors
