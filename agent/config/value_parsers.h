#pragma once
// Parsers of the scalar values of the configuration, with Supervisor's spellings
// (supervisor/datatypes.py): booleans, byte sizes, integers and floats in a range, and the
// nearest-name suggestion used for unknown sections and keys. Each returns the value or
// nullopt; the caller words the error with the option's allowed range.
//
// Thread-safety: pure functions.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace supvisors {

// true/yes/on/1 and false/no/off/0, any case (Supervisor's `boolean`).
std::optional<bool> parseBool(std::string_view text);

// "1024", "1KB", "50MB", "1GB" (suffix any case; 1KB = 1024; Supervisor's `byte_size`).
std::optional<std::int64_t> parseByteSize(std::string_view text);

// A whole decimal integer, optional sign, nothing else.
std::optional<long long> parseInteger(std::string_view text);

// A finite decimal number ("0.2", "5", "1e2").
std::optional<double> parseNumber(std::string_view text);

// Items split on commas and line breaks, stripped, empty ones dropped (Supvisors' lists).
std::vector<std::string> splitList(std::string_view text);

// Items split on any whitespace (Supvisors' space-separated globs).
std::vector<std::string> splitWords(std::string_view text);

// Case-insensitive Levenshtein distance.
size_t editDistance(std::string_view a, std::string_view b);

// The candidate nearest to `name` (ties: the first); empty if there is no candidate.
std::string nearestName(std::string_view name, std::span<const std::string_view> candidates);

// "1.5" for 1.5, "5" for 5.0: the shortest text that reads back to the same double.
std::string formatNumber(double value);

}  // namespace supvisors
