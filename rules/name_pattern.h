#pragma once
// A regular expression of a rules file, matched like Python's `re` module (reference §2.3):
// `search` is re.search (unanchored), `fullMatch` is re.fullmatch (operands of
// `operational_status`, §2.7). PCRE2 is the engine: it accepts Python's syntax for what
// rules files use (classes, \d \w \s, (?P<name>...), lookarounds); it is compiled in UTF
// mode with Unicode properties, as Python matches str patterns.
//
// Ownership: the compiled code is shared between copies and never modified, so a NamePattern
// is cheap to copy and safe to match from several threads at once.

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace supvisors {

class NamePattern {
 public:
  struct Code;

  // Compiles `expression`; on failure returns nullopt and sets `error` to PCRE2's message
  // with the offset ("missing closing parenthesis at offset 4").
  static std::optional<NamePattern> compile(std::string_view expression, std::string* error);

  const std::string& expression() const { return expression_; }
  // Length of the leftmost match in `text` (re.search), or nullopt when none. The empty
  // expression matches everything with length 0: the lowest-priority catch-all.
  std::optional<std::size_t> search(std::string_view text) const;
  // True when the whole of `text` matches (Python re.fullmatch).
  bool fullMatch(std::string_view text) const;

 private:
  NamePattern(std::string expression, std::shared_ptr<const Code> search,
              std::shared_ptr<const Code> full);
  std::string expression_;
  std::shared_ptr<const Code> search_;
  std::shared_ptr<const Code> full_;
};

}  // namespace supvisors
