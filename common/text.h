#pragma once
// Small ASCII text helpers shared by the parsers (config, rules, HTTP). ASCII only on purpose:
// every keyword they compare (option names, enum values, HTTP header names) is ASCII.
//
// Thread-safety: pure functions.

#include <string>
#include <string_view>

namespace supvisors {

std::string toLower(std::string_view text);
std::string toUpper(std::string_view text);
// Without leading and trailing white space (space, tab, CR, LF, VT, FF).
std::string_view trim(std::string_view text);
bool equalsIgnoreCase(std::string_view a, std::string_view b);

}  // namespace supvisors
