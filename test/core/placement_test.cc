#include <catch2/catch.hpp>

#include "agent/core/placement.h"

using namespace supvisors;
using Strategy = StartingStrategy;

namespace {
// Node n1 holds a and b, node n2 holds c and e; d is a node of its own.
LoadBook book(std::map<std::string, int> loads = {}) {
  LoadBook b({{"a", "n1"}, {"b", "n1"}, {"c", "n2"}, {"e", "n2"}, {"d", ""}});
  for (const auto& [id, load] : loads) b.add(id, load);
  return b;
}

const Strategy kAll[] = {Strategy::Config, Strategy::LessLoaded,     Strategy::MostLoaded,
                         Strategy::Local,  Strategy::LessLoadedNode, Strategy::MostLoadedNode};

using Ids = std::vector<std::string>;
using Choice = std::optional<std::string>;
}  // namespace

// LoadBook

TEST_CASE("an instance load is the sum of what was added to it", "[placement]") {
  LoadBook b = book();
  CHECK(b.instanceLoad("a") == 0);
  CHECK(b.instanceLoad("unknown") == 0);
  b.add("a", 10);
  b.add("a", 25);
  CHECK(b.instanceLoad("a") == 35);
  CHECK(b.instanceLoad("b") == 0);
}

TEST_CASE("a node load counts each instance of the node once", "[placement]") {
  LoadBook b = book({{"a", 30}, {"b", 20}, {"c", 5}});
  CHECK(b.nodeLoad("a") == 50);
  CHECK(b.nodeLoad("b") == 50);  // not 100: a's load is not counted again for b
  CHECK(b.nodeLoad("c") == 5);
  CHECK(b.nodeLoad("e") == 5);  // an idle instance shares its node's load
  CHECK(b.nodeLoad("d") == 0);
  b.setNode("f", "n1");
  b.add("f", 10);
  CHECK(b.nodeLoad("a") == 60);  // three instances: 30 + 20 + 10
}

TEST_CASE("a node shared by two instances at 30 can still take 40", "[placement]") {
  // Counting each instance's load again for every instance of its node would make it 120.
  LoadBook b = book({{"a", 30}, {"b", 30}});
  CHECK(b.canTake("a", 40));
  CHECK(b.canTake("b", 40));
  CHECK_FALSE(b.canTake("a", 41));
  CHECK(chooseInstance(Strategy::Config, {"a"}, 40, b, "") == Choice("a"));
}

TEST_CASE("an instance without a node is a node of its own", "[placement]") {
  LoadBook b = book({{"d", 40}, {"x", 30}});
  CHECK(b.nodeOf("a") == "n1");
  CHECK(b.nodeOf("d") == "d");  // node id ""
  CHECK(b.nodeOf("x") == "x");  // never given a node
  CHECK(b.nodeLoad("d") == 40);
  CHECK(b.nodeLoad("x") == 30);
}

TEST_CASE("setNode moves an instance and its load to another node", "[placement]") {
  LoadBook b = book({{"a", 30}, {"b", 20}});
  b.setNode("b", "n2");
  CHECK(b.nodeOf("b") == "n2");
  CHECK(b.nodeLoad("a") == 30);
  CHECK(b.nodeLoad("c") == 20);
  b.setNode("b", "");
  CHECK(b.nodeOf("b") == "b");
  CHECK(b.nodeLoad("c") == 0);
}

TEST_CASE("canTake allows a node load of exactly 100 and not above", "[placement]") {
  LoadBook b = book({{"a", 60}, {"b", 20}});
  CHECK(b.canTake("a", 20));
  CHECK_FALSE(b.canTake("a", 21));
  CHECK(b.canTake("b", 20));  // b itself is at 20 but its node is at 80
  CHECK_FALSE(b.canTake("b", 21));
  CHECK(b.canTake("c", 100));
  CHECK_FALSE(b.canTake("c", 101));
  CHECK(b.canTake("a", 0));
  b.add("b", 20);
  CHECK(b.canTake("a", 0));  // full: a process of no load still fits
  CHECK_FALSE(b.canTake("a", 1));
}

TEST_CASE("a negative add cancels a start", "[placement]") {
  LoadBook b = book({{"a", 10}});
  b.add("a", 30);  // a start ordered
  CHECK(b.instanceLoad("a") == 40);
  CHECK_FALSE(b.canTake("b", 70));
  b.add("a", -30);  // cancelled
  CHECK(b.instanceLoad("a") == 10);
  CHECK(b.nodeLoad("b") == 10);
  CHECK(b.canTake("b", 70));
}

TEST_CASE("a load never goes below zero", "[placement]") {
  LoadBook b = book({{"a", 20}, {"b", 30}});
  b.add("a", -50);  // cancelled more than was counted
  CHECK(b.instanceLoad("a") == 0);
  CHECK(b.nodeLoad("b") == 30);  // not 0: a does not eat b's load
  b.add("a", 20);
  CHECK(b.instanceLoad("a") == 20);  // not -10
  b.add("c", -10);                   // never loaded
  CHECK(b.instanceLoad("c") == 0);
  CHECK(b.nodeLoad("c") == 0);
}

// chooseInstance

TEST_CASE("no candidate means no instance for every strategy", "[placement]") {
  LoadBook b = book();
  for (Strategy s : kAll) {
    CAPTURE(static_cast<int>(s));
    CHECK_FALSE(chooseInstance(s, {}, 0, b, "a"));
    CHECK_FALSE(chooseNode(s, {}, 0, b, "a"));
  }
}

TEST_CASE("every strategy finds nothing when no candidate can take the load", "[placement]") {
  LoadBook b = book({{"a", 50}, {"c", 60}, {"d", 1}});
  for (Strategy s : kAll) {
    CAPTURE(static_cast<int>(s));
    CHECK_FALSE(chooseInstance(s, {"a", "b", "c", "d"}, 100, b, "a"));
    CHECK_FALSE(chooseNode(s, {"a", "b", "c", "d"}, 100, b, "a"));
  }
}

TEST_CASE("CONFIG chooses the first candidate that can take the load", "[placement]") {
  LoadBook b = book({{"a", 90}, {"c", 50}});
  CHECK(chooseInstance(Strategy::Config, {"c", "a", "d"}, 10, b, "") == Choice("c"));
  CHECK(chooseInstance(Strategy::Config, {"a", "c", "d"}, 10, b, "") == Choice("a"));  // 100
  CHECK(chooseInstance(Strategy::Config, {"a", "c", "d"}, 11, b, "") == Choice("c"));
  CHECK(chooseInstance(Strategy::Config, {"b", "c", "d"}, 51, b, "") == Choice("d"));
  CHECK(chooseInstance(Strategy::Config, {"b", "c"}, 51, b, "") == std::nullopt);
}

TEST_CASE("LESS_LOADED chooses the lowest instance load", "[placement]") {
  LoadBook b = book({{"a", 10}, {"b", 40}, {"c", 20}});
  // a: instance 10, node 50; c: instance 20, node 20. The instance load decides.
  CHECK(chooseInstance(Strategy::LessLoaded, {"c", "a"}, 10, b, "") == Choice("a"));
  CHECK(chooseInstance(Strategy::LessLoaded, {"a", "c", "d"}, 10, b, "") == Choice("d"));
}

TEST_CASE("LESS_LOADED breaks a tie by the lower node load then by preference order",
          "[placement]") {
  LoadBook b = book({{"a", 20}, {"b", 30}, {"c", 20}, {"d", 20}});
  // a: 20 on a node at 50; c: 20 on a node at 20; d: 20 on a node at 20.
  CHECK(chooseInstance(Strategy::LessLoaded, {"a", "c"}, 10, b, "") == Choice("c"));
  CHECK(chooseInstance(Strategy::LessLoaded, {"a", "c", "d"}, 10, b, "") == Choice("c"));
  CHECK(chooseInstance(Strategy::LessLoaded, {"a", "d", "c"}, 10, b, "") == Choice("d"));
}

TEST_CASE("MOST_LOADED chooses the highest instance load", "[placement]") {
  LoadBook b = book({{"a", 10}, {"b", 40}, {"c", 20}});
  // a: instance 10, node 50; c: instance 20, node 20. The instance load decides.
  CHECK(chooseInstance(Strategy::MostLoaded, {"a", "c"}, 10, b, "") == Choice("c"));
  CHECK(chooseInstance(Strategy::MostLoaded, {"a", "b", "c"}, 10, b, "") == Choice("b"));
}

TEST_CASE("MOST_LOADED breaks a tie by the higher node load then by preference order",
          "[placement]") {
  LoadBook b = book({{"a", 20}, {"b", 30}, {"c", 20}, {"d", 20}});
  CHECK(chooseInstance(Strategy::MostLoaded, {"c", "a"}, 10, b, "") == Choice("a"));
  CHECK(chooseInstance(Strategy::MostLoaded, {"c", "d"}, 10, b, "") == Choice("c"));
  CHECK(chooseInstance(Strategy::MostLoaded, {"d", "c"}, 10, b, "") == Choice("d"));
}

TEST_CASE("MOST_LOADED skips the most loaded instance when its node is full", "[placement]") {
  LoadBook b = book({{"a", 50}, {"b", 40}, {"c", 20}});
  CHECK(chooseInstance(Strategy::MostLoaded, {"a", "c", "d"}, 10, b, "") == Choice("a"));
  CHECK(chooseInstance(Strategy::MostLoaded, {"a", "c", "d"}, 11, b, "") == Choice("c"));
}

TEST_CASE("LESS_LOADED_NODE chooses the lowest node load", "[placement]") {
  LoadBook b = book({{"a", 10}, {"b", 40}, {"c", 20}});
  // a: instance 10, node 50; c: instance 20, node 20. The node load decides.
  CHECK(chooseInstance(Strategy::LessLoadedNode, {"a", "c"}, 10, b, "") == Choice("c"));
  CHECK(chooseInstance(Strategy::LessLoadedNode, {"a", "c", "d"}, 10, b, "") == Choice("d"));
}

TEST_CASE("LESS_LOADED_NODE breaks a tie by the lower instance load then by preference order",
          "[placement]") {
  LoadBook b = book({{"a", 10}, {"b", 30}, {"c", 40}, {"d", 40}});
  // a: 10 and b: 30 on a node at 40; c alone at 40; d alone at 40.
  CHECK(chooseInstance(Strategy::LessLoadedNode, {"c", "b", "a"}, 10, b, "") == Choice("a"));
  CHECK(chooseInstance(Strategy::LessLoadedNode, {"b", "c"}, 10, b, "") == Choice("b"));
  CHECK(chooseInstance(Strategy::LessLoadedNode, {"c", "d"}, 10, b, "") == Choice("c"));
  CHECK(chooseInstance(Strategy::LessLoadedNode, {"d", "c"}, 10, b, "") == Choice("d"));
}

TEST_CASE("MOST_LOADED_NODE chooses the highest node load", "[placement]") {
  LoadBook b = book({{"a", 10}, {"b", 40}, {"c", 20}});
  // a: instance 10, node 50; c: instance 20, node 20. The node load decides.
  CHECK(chooseInstance(Strategy::MostLoadedNode, {"c", "a"}, 10, b, "") == Choice("a"));
  CHECK(chooseInstance(Strategy::MostLoadedNode, {"c", "a"}, 51, b, "") == Choice("c"));
}

TEST_CASE("MOST_LOADED_NODE breaks a tie by the higher instance load then by preference order",
          "[placement]") {
  LoadBook b = book({{"a", 10}, {"b", 30}, {"c", 40}, {"d", 40}});
  CHECK(chooseInstance(Strategy::MostLoadedNode, {"a", "b"}, 10, b, "") == Choice("b"));
  CHECK(chooseInstance(Strategy::MostLoadedNode, {"a", "c"}, 10, b, "") == Choice("c"));
  CHECK(chooseInstance(Strategy::MostLoadedNode, {"d", "c"}, 10, b, "") == Choice("d"));
  CHECK(chooseInstance(Strategy::MostLoadedNode, {"c", "d"}, 10, b, "") == Choice("c"));
}

TEST_CASE("an idle instance on a full node is not a candidate", "[placement]") {
  // a is empty but b fills its node: every strategy must look at the node load.
  LoadBook b = book({{"b", 90}, {"c", 50}});
  for (Strategy s : {Strategy::Config, Strategy::LessLoaded, Strategy::MostLoaded,
                     Strategy::LessLoadedNode, Strategy::MostLoadedNode}) {
    CAPTURE(static_cast<int>(s));
    CHECK(chooseInstance(s, {"a", "c"}, 20, b, "") == Choice("c"));
  }
  CHECK(chooseInstance(Strategy::LessLoaded, {"a", "c"}, 10, b, "") == Choice("a"));
}

TEST_CASE("LOCAL chooses the local instance whatever its load", "[placement]") {
  LoadBook b = book({{"a", 10}, {"b", 60}});
  CHECK(chooseInstance(Strategy::Local, {"a", "b", "c"}, 30, b, "b") == Choice("b"));
  CHECK(chooseInstance(Strategy::Local, {"a", "b", "c"}, 30, b, "c") == Choice("c"));
}

TEST_CASE("LOCAL finds nothing when the local instance is not a candidate", "[placement]") {
  LoadBook b = book();
  CHECK_FALSE(chooseInstance(Strategy::Local, {"a", "b"}, 10, b, "c"));
  CHECK_FALSE(chooseInstance(Strategy::Local, {"a", "b"}, 10, b, ""));
}

TEST_CASE("LOCAL finds nothing when the local node is full and does not fall back", "[placement]") {
  LoadBook b = book({{"b", 80}});
  CHECK(chooseInstance(Strategy::Local, {"a", "c"}, 20, b, "a") == Choice("a"));  // exactly 100
  CHECK_FALSE(chooseInstance(Strategy::Local, {"a", "c"}, 21, b, "a"));
}

TEST_CASE("a candidate listed twice keeps its first place", "[placement]") {
  LoadBook b = book({{"c", 20}, {"d", 20}});
  CHECK(chooseInstance(Strategy::LessLoaded, {"d", "c", "d"}, 10, b, "") == Choice("d"));
  CHECK(chooseInstance(Strategy::Config, {"c", "d", "c"}, 10, b, "") == Choice("c"));
}

TEST_CASE("a strategy value outside the enum chooses nothing", "[placement]") {
  LoadBook b = book();
  CHECK_FALSE(chooseInstance(static_cast<Strategy>(42), {"a", "c"}, 0, b, "a"));
  CHECK_FALSE(chooseNode(static_cast<Strategy>(42), {"a", "c"}, 0, b, "a"));
}

TEST_CASE("a burst of starts recorded in the book spreads and never overfills a node",
          "[placement]") {
  LoadBook b = book();
  Ids placed;
  while (auto chosen = chooseInstance(Strategy::LessLoaded, {"a", "b", "c"}, 30, b, "")) {
    placed.push_back(*chosen);
    b.add(*chosen, 30);
  }
  CHECK(placed == Ids{"a", "c", "b", "c", "a", "c"});
  CHECK(b.nodeLoad("a") == 90);
  CHECK(b.nodeLoad("c") == 90);
  // A start cancelled on a frees its node for the next one.
  b.add("a", -30);
  CHECK(chooseInstance(Strategy::LessLoaded, {"a", "b", "c"}, 30, b, "") == Choice("a"));
}

// chooseNode

TEST_CASE("chooseNode CONFIG chooses the node of the first candidate that can take the total",
          "[placement]") {
  LoadBook b = book({{"c", 30}, {"e", 50}});
  CHECK(chooseNode(Strategy::Config, {"c", "a", "d"}, 20, b, "") == Choice("n2"));  // exactly 100
  CHECK(chooseNode(Strategy::Config, {"c", "a", "d"}, 21, b, "") == Choice("n1"));
  CHECK(chooseNode(Strategy::Config, {"e", "d", "a"}, 21, b, "") == Choice("d"));
}

TEST_CASE("chooseNode skips a node that cannot take the total load", "[placement]") {
  LoadBook b = book({{"a", 10}});
  // n1 at 10 cannot take 91; a node with nothing can.
  for (Strategy s : {Strategy::Config, Strategy::LessLoaded, Strategy::MostLoaded,
                     Strategy::LessLoadedNode, Strategy::MostLoadedNode}) {
    CAPTURE(static_cast<int>(s));
    CHECK(chooseNode(s, {"a", "b", "c"}, 91, b, "") == Choice("n2"));
    CHECK(chooseNode(s, {"a", "b", "c"}, 90, b, "").has_value());
  }
  CHECK(chooseNode(Strategy::MostLoadedNode, {"a", "b", "c"}, 90, b, "") == Choice("n1"));
}

TEST_CASE("chooseNode returns the identifier of an instance on a node of its own", "[placement]") {
  LoadBook b = book({{"a", 10}});
  CHECK(chooseNode(Strategy::LessLoadedNode, {"a", "d"}, 10, b, "") == Choice("d"));
  CHECK(chooseNode(Strategy::LessLoadedNode, {"a", "x"}, 10, b, "") == Choice("x"));
}

TEST_CASE("chooseNode LESS_LOADED ranks nodes by their least loaded candidate", "[placement]") {
  // n1: a 0 and b 50 (node 50); n2: c 10 and e 10 (node 20).
  LoadBook b = book({{"a", 0}, {"b", 50}, {"c", 10}, {"e", 10}});
  CHECK(chooseNode(Strategy::LessLoaded, {"c", "e", "b", "a"}, 10, b, "") == Choice("n1"));
  // Without a among the candidates n1's least loaded candidate is b at 50.
  CHECK(chooseNode(Strategy::LessLoaded, {"b", "c", "e"}, 10, b, "") == Choice("n2"));
}

TEST_CASE("chooseNode LESS_LOADED breaks a tie by the lower node load then by preference order",
          "[placement]") {
  LoadBook b = book({{"b", 40}, {"c", 0}, {"d", 0}});
  // n1's least loaded candidate a is at 0 on a node at 40; n2 and d are at 0.
  CHECK(chooseNode(Strategy::LessLoaded, {"a", "b", "c"}, 10, b, "") == Choice("n2"));
  CHECK(chooseNode(Strategy::LessLoaded, {"a", "c", "d"}, 10, b, "") == Choice("n2"));
  CHECK(chooseNode(Strategy::LessLoaded, {"a", "d", "c"}, 10, b, "") == Choice("d"));
}

TEST_CASE("chooseNode MOST_LOADED ranks nodes by their most loaded candidate", "[placement]") {
  // n1: a 30 and b 30 (node 60); n2: c 40 (node 40).
  LoadBook b = book({{"a", 30}, {"b", 30}, {"c", 40}});
  CHECK(chooseNode(Strategy::MostLoaded, {"a", "b", "c"}, 10, b, "") == Choice("n2"));
}

TEST_CASE("chooseNode MOST_LOADED breaks a tie by the higher node load then by preference order",
          "[placement]") {
  LoadBook b = book({{"a", 30}, {"b", 30}, {"c", 30}, {"d", 30}});
  // Every node's most loaded candidate is at 30; n1 is at 60, n2 and d at 30.
  CHECK(chooseNode(Strategy::MostLoaded, {"c", "d", "a"}, 10, b, "") == Choice("n1"));
  CHECK(chooseNode(Strategy::MostLoaded, {"c", "d"}, 10, b, "") == Choice("n2"));
  CHECK(chooseNode(Strategy::MostLoaded, {"d", "c"}, 10, b, "") == Choice("d"));
}

TEST_CASE("chooseNode LESS_LOADED_NODE and MOST_LOADED_NODE rank nodes by node load",
          "[placement]") {
  // n1: a 0 and b 50 (node 50); n2: c 10 and e 10 (node 20); d at 30.
  LoadBook b = book({{"b", 50}, {"c", 10}, {"e", 10}, {"d", 30}});
  Ids all{"a", "b", "c", "e", "d"};
  CHECK(chooseNode(Strategy::LessLoadedNode, all, 10, b, "") == Choice("n2"));
  CHECK(chooseNode(Strategy::MostLoadedNode, all, 10, b, "") == Choice("n1"));
  CHECK(chooseNode(Strategy::MostLoadedNode, all, 51, b, "") == Choice("d"));
}

TEST_CASE("chooseNode breaks a node load tie by the least or most loaded candidate",
          "[placement]") {
  // n1: a 20 and b 20 (node 40); n2: c 10 a candidate and e 30 not one (node 40).
  LoadBook b = book({{"a", 20}, {"b", 20}, {"c", 10}, {"e", 30}});
  Ids candidates{"a", "b", "c"};
  // LESS: n1's least is 20, n2's is 10. MOST: n1's most is 20, n2's is 10 (e does not count).
  CHECK(chooseNode(Strategy::LessLoadedNode, candidates, 10, b, "") == Choice("n2"));
  CHECK(chooseNode(Strategy::MostLoadedNode, candidates, 10, b, "") == Choice("n1"));
  // With e a candidate, n2's most loaded candidate is at 30.
  CHECK(chooseNode(Strategy::MostLoadedNode, {"a", "b", "c", "e"}, 10, b, "") == Choice("n2"));
}

TEST_CASE("chooseNode breaks a full tie by the first candidate of each node", "[placement]") {
  LoadBook b = book({{"a", 20}, {"c", 20}});
  for (Strategy s : {Strategy::LessLoaded, Strategy::MostLoaded, Strategy::LessLoadedNode,
                     Strategy::MostLoadedNode}) {
    CAPTURE(static_cast<int>(s));
    CHECK(chooseNode(s, {"a", "c"}, 10, b, "") == Choice("n1"));
    CHECK(chooseNode(s, {"c", "a"}, 10, b, "") == Choice("n2"));
  }
}

TEST_CASE("chooseNode LOCAL chooses the node of the local instance", "[placement]") {
  LoadBook b = book({{"a", 70}});
  CHECK(chooseNode(Strategy::Local, {"a", "b", "c"}, 30, b, "b") == Choice("n1"));  // exactly 100
  CHECK(chooseNode(Strategy::Local, {"a", "c", "d"}, 30, b, "d") == Choice("d"));
}

TEST_CASE("chooseNode LOCAL finds nothing when local is not a candidate or its node is full",
          "[placement]") {
  LoadBook b = book({{"a", 70}});
  CHECK_FALSE(chooseNode(Strategy::Local, {"a", "c"}, 10, b, "b"));  // a sibling does not do
  CHECK_FALSE(chooseNode(Strategy::Local, {"a", "c"}, 10, b, ""));
  CHECK_FALSE(chooseNode(Strategy::Local, {"a", "b", "c"}, 31, b, "b"));
}
