#include "common/shell_words.h"

#include "common/faults.h"

namespace supvisors {

namespace {

bool isBlank(char c) {
  return c == ' ' || c == '\t' || c == '\n';
}

Error malformed(const std::string& why) {
  return Error::fault(static_cast<int>(FaultCode::IncorrectParameters), why);
}

}  // namespace

Result<std::vector<std::string>> splitShellWords(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  bool inWord = false;  // a word was started, even an empty one ('' or "")
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (isBlank(c)) {
      if (inWord) words.push_back(std::move(word));
      word.clear();
      inWord = false;
      ++i;
    } else if (c == '\\') {
      if (i + 1 >= text.size())
        return malformed("a backslash ends the arguments (at character " + std::to_string(i + 1) +
                         ")");
      if (text[i + 1] != '\n') {
        word += text[i + 1];
        inWord = true;
      }
      i += 2;
    } else if (c == '\'') {
      const auto end = text.find('\'', i + 1);
      if (end == std::string_view::npos)
        return malformed("the single quote at character " + std::to_string(i + 1) +
                         " is not closed");
      word.append(text.substr(i + 1, end - i - 1));
      inWord = true;
      i = end + 1;
    } else if (c == '"') {
      const std::size_t open = i;
      ++i;
      bool closed = false;
      while (i < text.size()) {
        const char d = text[i];
        if (d == '"') {
          closed = true;
          ++i;
          break;
        }
        if (d == '\\' && i + 1 < text.size()) {
          const char e = text[i + 1];
          if (e == '$' || e == '`' || e == '"' || e == '\\') {
            word += e;
            i += 2;
            continue;
          }
          if (e == '\n') {
            i += 2;
            continue;
          }
        }
        word += d;
        ++i;
      }
      if (!closed)
        return malformed("the double quote at character " + std::to_string(open + 1) +
                         " is not closed");
      inWord = true;
    } else {
      word += c;
      inWord = true;
      ++i;
    }
  }
  if (inWord) words.push_back(std::move(word));
  return words;
}

}  // namespace supvisors
