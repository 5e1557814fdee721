#include <catch2/catch.hpp>

#include "rules/identifier_list.h"
#include "rules_test_util.h"

using namespace supvisors;
using Names = std::vector<std::string>;

namespace {
AliasTable aliases(std::initializer_list<std::pair<std::string, Names>> entries) {
  AliasTable table;
  for (const auto& [name, members] : entries) table.define(name, members);
  return table;
}
}  // namespace

TEST_CASE("a name list drops blanks, empty items and duplicates, keeping order", "[identifiers]") {
  CHECK(splitNameList(" b, a ,,b, c ") == Names{"b", "a", "c"});
  CHECK(splitNameList("").empty());
  CHECK(splitNameList(",,").empty());
}

TEST_CASE("the default and '*' mean every instance", "[identifiers]") {
  CHECK(IdentifierList{}.all);
  const auto list = IdentifierList::parse("srv01,*,con01", {});
  CHECK(list.all);
  CHECK(list.names.empty());
  CHECK(list.listed() == Names{"*"});
  CHECK(list.resolve(test::testDirectory()) == test::testDirectory().allIdentifiers());
}

TEST_CASE("aliases are substituted in declaration order", "[identifiers][aliases]") {
  // An alias may use the aliases declared after it...
  const auto later = aliases({{"all", {"servers", "consoles"}},
                              {"servers", {"srv01", "srv02"}},
                              {"consoles", {"con01"}}});
  CHECK(IdentifierList::parse("all", later).names == Names{"srv01", "srv02", "con01"});
  // ...but not those declared before it: the inner alias stays a (unknown) name.
  const auto earlier = aliases({{"servers", {"srv01", "srv02"}}, {"all", {"servers", "con01"}}});
  CHECK(IdentifierList::parse("all", earlier).names == Names{"servers", "con01"});
  // In place, duplicates removed after substitution.
  CHECK(IdentifierList::parse("con02,servers,srv01", later).names ==
        Names{"con02", "srv01", "srv02"});
}

TEST_CASE("an alias may hold '*', '#' and '@'", "[identifiers][aliases]") {
  const auto table = aliases({{"spread", {"#", "srv01", "srv02"}}, {"anywhere", {"*"}},
                              {"once", {"@"}}});
  const auto spread = IdentifierList::parse("spread", table);
  CHECK(spread.assignment == IndexAssignment::Hash);
  CHECK(spread.names == Names{"srv01", "srv02"});
  CHECK(IdentifierList::parse("anywhere,srv01", table).all);
  const auto once = IdentifierList::parse("once", table);
  CHECK(once.assignment == IndexAssignment::At);
  CHECK(once.all);
}

TEST_CASE("'#' and '@' take the names as reference list, or every instance", "[identifiers]") {
  const auto hash_all = IdentifierList::parse("#", {});
  CHECK(hash_all.assignment == IndexAssignment::Hash);
  CHECK(hash_all.all);
  CHECK(hash_all.text() == "#,*");
  const auto hash_star = IdentifierList::parse("*,#,srv01", {});
  CHECK(hash_star.all);
  CHECK(hash_star.assignment == IndexAssignment::Hash);
  const auto at_names = IdentifierList::parse("@,con01,con02", {});
  CHECK(at_names.assignment == IndexAssignment::At);
  CHECK(at_names.names == Names{"con01", "con02"});
  CHECK(at_names.text() == "@,con01,con02");
}

TEST_CASE("'#' and '@' together: '#' is dropped with a note", "[identifiers]") {
  std::vector<std::string> notes;
  const auto list = IdentifierList::parse("#,@,srv01", {}, &notes);
  CHECK(list.assignment == IndexAssignment::At);
  CHECK(notes == Names{"'#' is ignored because '@' is also given"});
}

TEST_CASE("names resolve to identifiers by identifier, nick or stereotype", "[identifiers]") {
  const auto directory = test::testDirectory();
  const auto list = IdentifierList::parse("con02,10.0.0.1:60000,@SERVER,SERVER,mars", {});
  CHECK(list.resolve(directory) == Names{"10.0.0.4:60000", "10.0.0.1:60000", "10.0.0.2:60000"});
  CHECK(list.unknownNames(directory) == Names{"mars"});
  InstanceDirectory later = directory;
  later.instances.push_back(InstanceEntry::named("10.0.0.9:60000", "mars", {}));  // discovered afterwards
  CHECK(list.resolve(later).back() == "10.0.0.9:60000");
  InstanceDirectory declared;
  declared.stereotypes = {"@GPU"};  // known, but nobody carries it yet
  CHECK(declared.knows("@GPU"));
  CHECK(declared.knows("GPU"));
  CHECK(declared.expand("@GPU").empty());
}

TEST_CASE("'#' assigns process N to the N-th reference instance, wrapping", "[identifiers]") {
  const auto directory = test::testDirectory();
  const auto list = IdentifierList::parse("#,con01,con02", {});
  CHECK(list.resolveForIndex(directory, 0) == Names{"10.0.0.3:60000"});
  CHECK(list.resolveForIndex(directory, 1) == Names{"10.0.0.4:60000"});
  CHECK(list.resolveForIndex(directory, 2) == Names{"10.0.0.3:60000"});
  CHECK(IdentifierList::parse("#", {}).resolveForIndex(directory, 5) == Names{"10.0.0.2:60000"});
  CHECK(IdentifierList::parse("#,mars", {}).resolveForIndex(directory, 0).empty());
}

TEST_CASE("'@' assigns one process per instance, without wrap", "[identifiers]") {
  const auto directory = test::testDirectory();
  const auto list = IdentifierList::parse("@,@CONSOLE", {});
  CHECK(list.resolveForIndex(directory, 0) == Names{"10.0.0.3:60000"});
  CHECK(list.resolveForIndex(directory, 1) == Names{"10.0.0.4:60000"});
  CHECK(list.resolveForIndex(directory, 2).empty());
}

TEST_CASE("a plain list ignores the process index", "[identifiers]") {
  const auto list = IdentifierList::parse("srv02,srv01", {});
  CHECK(list.resolveForIndex(test::testDirectory(), 7) == Names{"10.0.0.2:60000", "10.0.0.1:60000"});
}

TEST_CASE("application numbers come from a -N or _N suffix, N >= 1", "[identifiers]") {
  CHECK(applicationNumber("hmi_01") == 1u);
  CHECK(applicationNumber("hmi-12") == 12u);
  CHECK(applicationNumber("scen2_hci_3") == 3u);
  CHECK_FALSE(applicationNumber("hmi_00"));
  CHECK_FALSE(applicationNumber("hmi12"));
  CHECK_FALSE(applicationNumber("hmi_"));
  CHECK_FALSE(applicationNumber("12"));
}
