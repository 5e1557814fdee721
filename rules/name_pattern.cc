#include "rules/name_pattern.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <utility>

namespace supvisors {

struct NamePattern::Code {
  pcre2_code* code = nullptr;
  ~Code() { pcre2_code_free(code); }
};

NamePattern::NamePattern(std::string expression, std::shared_ptr<const Code> search,
                         std::shared_ptr<const Code> full)
    : expression_(std::move(expression)), search_(std::move(search)), full_(std::move(full)) {}

namespace {

std::shared_ptr<NamePattern::Code> compileCode(std::string_view expression, std::string* error) {
  int code = 0;
  PCRE2_SIZE offset = 0;
  pcre2_code* compiled =
      pcre2_compile(reinterpret_cast<PCRE2_SPTR>(expression.data()), expression.size(),
                    PCRE2_UTF | PCRE2_UCP, &code, &offset, nullptr);
  if (compiled == nullptr) {
    if (error != nullptr) {
      PCRE2_UCHAR buffer[256];
      pcre2_get_error_message(code, buffer, sizeof buffer);
      *error = std::string(reinterpret_cast<const char*>(buffer)) + " at offset " +
               std::to_string(offset);
    }
    return nullptr;
  }
  pcre2_jit_compile(compiled, PCRE2_JIT_COMPLETE);  // best effort: the interpreter otherwise
  auto result = std::make_shared<NamePattern::Code>();
  result->code = compiled;
  return result;
}

// Leftmost match (start, end) of `code` in `text`, if any.
std::optional<std::pair<std::size_t, std::size_t>> match(const pcre2_code* code,
                                                         std::string_view text) {
  // Only the whole match is read: one ovector pair, reused per thread (no allocation).
  struct Data {
    pcre2_match_data* data = pcre2_match_data_create(1, nullptr);
    ~Data() { pcre2_match_data_free(data); }
  };
  thread_local Data holder;
  pcre2_match_data* data = holder.data;
  const int rc = pcre2_match(code, reinterpret_cast<PCRE2_SPTR>(text.data()), text.size(), 0, 0,
                             data, nullptr);
  std::optional<std::pair<std::size_t, std::size_t>> result;
  if (rc >= 0) {
    const PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(data);
    result.emplace(ovector[0], ovector[1]);
  }
  return result;
}

}  // namespace

std::optional<NamePattern> NamePattern::compile(std::string_view expression, std::string* error) {
  auto search = compileCode(expression, error);
  if (!search) return std::nullopt;
  // \z rather than $: re.fullmatch does not accept a trailing newline.
  auto full = compileCode("^(?:" + std::string(expression) + ")\\z", error);
  if (!full) return std::nullopt;
  return NamePattern(std::string(expression), std::move(search), std::move(full));
}

std::optional<std::size_t> NamePattern::search(std::string_view text) const {
  const auto found = match(search_->code, text);
  if (!found) return std::nullopt;
  return found->second - found->first;
}

bool NamePattern::fullMatch(std::string_view text) const {
  return match(full_->code, text).has_value();
}

}  // namespace supvisors
