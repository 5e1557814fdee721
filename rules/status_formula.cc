#include "rules/status_formula.h"

#include <cctype>
#include <stdexcept>
#include <utility>

namespace supvisors {

bool isOperational(const FormulaProcess& process) {
  switch (process.state) {
    case ProcessState::Running:
    case ProcessState::Backoff:
    case ProcessState::Starting:
      return true;
    case ProcessState::Exited:
      return process.expected_exit;
    default:
      return false;
  }
}

struct StatusFormula::Node {
  enum class Kind { Operand, Not, And, Or, Any, All } kind = Kind::Operand;
  std::vector<std::shared_ptr<const Node>> children;  // Not: 1, And/Or: 2 or more
  std::vector<std::string> operands;                  // Operand: 1, Any/All: 1 or more
  std::vector<std::optional<NamePattern>> patterns;   // one per operand; nullopt: exact only
};

namespace {

using Node = StatusFormula::Node;
using NodePtr = std::shared_ptr<const Node>;

struct SyntaxError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct EvalError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Parser {
 public:
  Parser(std::string_view text, std::vector<std::string>* warnings)
      : text_(text), warnings_(warnings) {}

  NodePtr parseAll() {
    auto node = parseOr();
    skipBlanks();
    if (pos_ < text_.size()) fail("unexpected '" + std::string(1, text_[pos_]) + "'");
    return node;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw SyntaxError(what + " at column " + std::to_string(pos_ + 1));
  }

  void skipBlanks() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }

  static bool isWordChar(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  }

  // Consumes the keyword `word` if it comes next as a whole word.
  bool keyword(std::string_view word) {
    skipBlanks();
    if (text_.substr(pos_, word.size()) != word) return false;
    const auto end = pos_ + word.size();
    if (end < text_.size() && isWordChar(text_[end])) return false;
    pos_ = end;
    return true;
  }

  bool symbol(char c) {
    skipBlanks();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }

  NodePtr binary(Node::Kind kind, NodePtr first, NodePtr (Parser::*next)(), std::string_view op) {
    if (!keyword(op)) return first;
    auto node = std::make_shared<Node>();
    node->kind = kind;
    node->children.push_back(std::move(first));
    do {
      node->children.push_back((this->*next)());
    } while (keyword(op));
    return node;
  }

  NodePtr parseOr() { return binary(Node::Kind::Or, parseAnd(), &Parser::parseAnd, "or"); }
  NodePtr parseAnd() { return binary(Node::Kind::And, parseNot(), &Parser::parseNot, "and"); }

  NodePtr parseNot() {
    if (keyword("not")) {
      auto node = std::make_shared<Node>();
      node->kind = Node::Kind::Not;
      node->children.push_back(parseNot());
      return node;
    }
    return parsePrimary();
  }

  NodePtr parsePrimary() {
    skipBlanks();
    if (pos_ >= text_.size()) fail("expression expected");
    if (symbol('(')) {
      auto node = parseOr();
      if (!symbol(')')) fail("')' expected");
      return node;
    }
    for (auto [word, kind] : {std::pair{"any", Node::Kind::Any}, std::pair{"all", Node::Kind::All}}) {
      if (!keyword(word)) continue;
      if (!symbol('(')) fail(std::string("'(' expected after ") + word);
      auto node = std::make_shared<Node>();
      node->kind = kind;
      do {
        addOperand(*node, parseString());
      } while (symbol(','));
      if (!symbol(')')) fail(std::string("')' expected to close ") + word + "(");
      return node;
    }
    const char c = text_[pos_];
    if (c != '\'' && c != '"') fail("a quoted process name, '(', 'not', 'any(' or 'all(' expected");
    auto node = std::make_shared<Node>();
    node->kind = Node::Kind::Operand;
    addOperand(*node, parseString());
    return node;
  }

  void addOperand(Node& node, std::string operand) {
    std::string error;
    auto pattern = NamePattern::compile(operand, &error);
    if (!pattern && warnings_ != nullptr) {
      warnings_->push_back("operational_status operand '" + operand +
                           "' is not a valid regular expression (" + error +
                           "); it only matches a process of that exact name");
    }
    node.operands.push_back(std::move(operand));
    node.patterns.push_back(std::move(pattern));
  }

  // A Python string literal; escapes that Python keeps as they are (e.g. \d) keep their
  // backslash, so regular expressions read as in Supvisors.
  std::string parseString() {
    skipBlanks();
    if (pos_ >= text_.size() || (text_[pos_] != '\'' && text_[pos_] != '"')) {
      fail("a quoted string expected");
    }
    const char quote = text_[pos_++];
    std::string value;
    while (pos_ < text_.size() && text_[pos_] != quote) {
      const char c = text_[pos_++];
      if (c != '\\' || pos_ >= text_.size()) {
        value += c;
        continue;
      }
      const char e = text_[pos_++];
      switch (e) {
        case '\\': value += '\\'; break;
        case '\'': value += '\''; break;
        case '"': value += '"'; break;
        case 'n': value += '\n'; break;
        case 't': value += '\t'; break;
        default: value += '\\'; value += e; break;
      }
    }
    if (pos_ >= text_.size()) fail("unterminated string");
    ++pos_;
    return value;
  }

  std::string_view text_;
  std::vector<std::string>* warnings_;
  std::size_t pos_ = 0;
};

std::string quote(const std::string& operand) {
  std::string out = "'";
  for (char c : operand) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

std::string canonicalOf(const Node& node) {
  auto join = [](const std::string& name, const std::vector<std::string>& parts) {
    std::string out = name + "(";
    for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? ", " : "") + parts[i];
    return out + ")";
  };
  std::vector<std::string> parts;
  switch (node.kind) {
    case Node::Kind::Operand:
      return quote(node.operands.front());
    case Node::Kind::Any:
    case Node::Kind::All:
      for (const auto& operand : node.operands) parts.push_back(quote(operand));
      return join(node.kind == Node::Kind::Any ? "any" : "all", parts);
    case Node::Kind::Not:
    case Node::Kind::And:
    case Node::Kind::Or:
      for (const auto& child : node.children) parts.push_back(canonicalOf(*child));
      return join(node.kind == Node::Kind::Not   ? "not"
                  : node.kind == Node::Kind::And ? "and"
                                                 : "or",
                  parts);
  }
  return {};
}

bool matches(const Node& node, std::size_t i, const std::string& name) {
  if (node.operands[i] == name) return true;
  return node.patterns[i] && node.patterns[i]->fullMatch(name);
}

bool evaluateNode(const Node& node, const std::vector<FormulaProcess>& processes) {
  switch (node.kind) {
    case Node::Kind::Operand: {
      const std::string& operand = node.operands.front();
      for (const auto& process : processes) {
        if (process.name == operand) return isOperational(process);  // exact name first
      }
      const FormulaProcess* found = nullptr;
      for (const auto& process : processes) {
        if (!matches(node, 0, process.name)) continue;
        if (found != nullptr) {
          throw EvalError("operand " + quote(operand) +
                          " matches several processes; use any() or all()");
        }
        found = &process;
      }
      if (found == nullptr) throw EvalError("operand " + quote(operand) + " matches no process");
      return isOperational(*found);
    }
    case Node::Kind::Any:
    case Node::Kind::All: {
      const bool any = node.kind == Node::Kind::Any;
      for (const auto& process : processes) {
        bool selected = false;
        for (std::size_t i = 0; i < node.operands.size() && !selected; ++i) {
          selected = matches(node, i, process.name);
        }
        if (selected && isOperational(process) == any) return any;
      }
      return !any;
    }
    case Node::Kind::Not:
      return !evaluateNode(*node.children.front(), processes);
    case Node::Kind::And:
      for (const auto& child : node.children) {
        if (!evaluateNode(*child, processes)) return false;
      }
      return true;
    case Node::Kind::Or:
      for (const auto& child : node.children) {
        if (evaluateNode(*child, processes)) return true;
      }
      return false;
  }
  return false;
}

}  // namespace

StatusFormula::StatusFormula(std::string text, std::shared_ptr<const Node> root)
    : text_(std::move(text)), root_(std::move(root)) {}

std::optional<StatusFormula> StatusFormula::parse(std::string_view text, std::string* error,
                                                  std::vector<std::string>* warnings) {
  try {
    Parser parser(text, warnings);
    return StatusFormula(std::string(text), parser.parseAll());
  } catch (const SyntaxError& e) {
    if (error != nullptr) *error = e.what();
    return std::nullopt;
  }
}

std::string StatusFormula::canonical() const { return canonicalOf(*root_); }

FormulaResult StatusFormula::evaluate(const std::vector<FormulaProcess>& processes) const {
  try {
    return {true, evaluateNode(*root_, processes), {}};
  } catch (const EvalError& e) {
    return {false, false, e.what()};
  }
}

}  // namespace supvisors
