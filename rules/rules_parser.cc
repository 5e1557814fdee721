#include "rules/rules_parser.h"

#include <tinyxml2.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "rules/schema_validator.h"
#include "common/text.h"

namespace supvisors {
namespace {

// Chains count the program: program -> model -> model (Supvisors' LOOP_CHECK).
constexpr int kMaxReferenceLevels = 3;


std::string baseName(const std::string& file) {
  return std::filesystem::path(file).filename().string();
}

std::string where(const std::string& file, int line) {
  return baseName(file) + ":" + std::to_string(line);
}

// ---- what the files say, before merging ------------------------------------------------

struct RawValue {
  std::string text;  // trimmed
  int line = 0;
};

// A <program>, <model> or <application> element.
struct RawElement {
  std::string file;
  int line = 0;
  std::optional<std::string> name;
  std::optional<std::string> pattern;
  std::map<std::string, RawValue> fields;  // child element -> text
  std::vector<RawElement> programs;        // <application> only

  const RawValue* field(const std::string& key) const {
    const auto it = fields.find(key);
    return it == fields.end() ? nullptr : &it->second;
  }
  std::string label(std::string_view kind) const {
    if (name) return std::string(kind) + " '" + *name + "'";
    if (pattern) return std::string(kind) + " pattern '" + *pattern + "'";
    return std::string(kind) + " without name";
  }
};

struct RawAlias {
  std::string file;
  int line = 0;
  std::string name;
  std::string text;
};

struct RawFile {
  std::vector<RawAlias> aliases;
  std::vector<RawElement> models;
  std::vector<RawElement> applications;
};

class Diagnostics {
 public:
  void error(const std::string& file, int line, std::string what, std::string fix) {
    all.push_back({Severity::Error, file, line, std::move(what), std::move(fix)});
  }
  // A model used by several programs would repeat its warnings: each is told once.
  void warning(const std::string& file, int line, std::string what, std::string fix = {}) {
    RulesDiagnostic diagnostic{Severity::Warning, file, line, std::move(what), std::move(fix)};
    if (std::find(all.begin(), all.end(), diagnostic) == all.end()) {
      all.push_back(std::move(diagnostic));
    }
  }
  std::vector<RulesDiagnostic> all;
};

std::optional<std::string> attribute(const tinyxml2::XMLElement& element, const char* name) {
  const char* value = element.Attribute(name);
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

RawElement readElement(const tinyxml2::XMLElement& element, const std::string& file) {
  RawElement raw;
  raw.file = file;
  raw.line = element.GetLineNum();
  raw.name = attribute(element, "name");
  raw.pattern = attribute(element, "pattern");
  for (auto* child = element.FirstChildElement(); child; child = child->NextSiblingElement()) {
    const std::string tag = child->Name();
    if (tag == "programs") {
      for (auto* program = child->FirstChildElement("program"); program;
           program = program->NextSiblingElement("program")) {
        raw.programs.push_back(readElement(*program, file));
      }
      continue;
    }
    const char* text = child->GetText();
    raw.fields[tag] = {std::string(trim(text != nullptr ? text : "")), child->GetLineNum()};
  }
  return raw;
}

std::optional<RawFile> readFile(const std::string& file, const std::string& content,
                                Diagnostics& diagnostics) {
  tinyxml2::XMLDocument document;
  if (document.Parse(content.data(), content.size()) != tinyxml2::XML_SUCCESS) {
    diagnostics.error(file, document.ErrorLineNum(),
                      std::string("XML syntax: ") + document.ErrorStr(), "correct the XML");
    return std::nullopt;
  }
  RawFile raw;
  const tinyxml2::XMLElement* root = document.RootElement();
  for (auto* child = root->FirstChildElement(); child; child = child->NextSiblingElement()) {
    const std::string tag = child->Name();
    if (tag == "alias") {
      const char* text = child->GetText();
      raw.aliases.push_back({file, child->GetLineNum(), attribute(*child, "name").value_or(""),
                             text != nullptr ? text : ""});
    } else if (tag == "model") {
      raw.models.push_back(readElement(*child, file));
    } else if (tag == "application") {
      raw.applications.push_back(readElement(*child, file));
    }
  }
  return raw;
}

// ---- values ------------------------------------------------------------------------------

std::optional<int> parseInt(const RawValue& value, int low, int high, const std::string& file,
                            const std::string& element, Diagnostics& diagnostics) {
  int result = 0;
  const char* begin = value.text.data();
  const char* end = begin + value.text.size();
  if (!value.text.empty() && *begin == '+') ++begin;
  const auto [ptr, ec] = std::from_chars(begin, end, result);
  if (ec != std::errc() || ptr != end) {
    diagnostics.error(file, value.line, element + ": '" + value.text + "' is not an integer",
                      "use an integer in [" + std::to_string(low) + ";" + std::to_string(high) + "]");
    return std::nullopt;
  }
  if (result < low || result > high) {
    diagnostics.error(file, value.line, element + ": " + value.text + " is out of range",
                      "use an integer in [" + std::to_string(low) + ";" + std::to_string(high) + "]");
    return std::nullopt;
  }
  return result;
}

std::optional<bool> parseBool(const RawValue& value, const std::string& file,
                              const std::string& element, Diagnostics& diagnostics) {
  if (value.text == "true" || value.text == "1") return true;
  if (value.text == "false" || value.text == "0") return false;
  diagnostics.error(file, value.line, element + ": '" + value.text + "' is not a boolean",
                    "use true or false");
  return std::nullopt;
}

template <typename E>
std::optional<E> parseEnum(const RawValue& value, const std::string& file,
                           const std::string& element, Diagnostics& diagnostics) {
  auto result = enumFromName<E>(value.text);
  if (!result) {
    diagnostics.error(file, value.line, element + ": unknown value '" + value.text + "'",
                      "use one of " + enumAllowedNames<E>());
  }
  return result;
}

// A sequence rank: xs:byte in the schema, and Supvisors ignores negative values (logged).
std::optional<int> parseSequence(const RawElement& element, const std::string& key,
                                 std::string_view kind, Diagnostics& diagnostics) {
  const RawValue* value = element.field(key);
  if (value == nullptr || value->text.empty()) return std::nullopt;
  auto rank = parseInt(*value, -128, 127, element.file, key, diagnostics);
  if (rank && *rank < 0) {
    diagnostics.warning(element.file, value->line,
                        element.label(kind) + ": " + key + " " + value->text +
                            " is negative and ignored, as Supvisors does",
                        "use a rank >= 0 (0: not started automatically)");
    return std::nullopt;
  }
  return rank;
}

std::optional<NamePattern> compilePattern(const RawElement& element, std::string_view kind,
                                          Diagnostics& diagnostics) {
  std::string error;
  auto pattern = NamePattern::compile(*element.pattern, &error);
  if (!pattern) {
    diagnostics.error(element.file, element.line,
                      std::string(kind) + " pattern '" + *element.pattern +
                          "' is not a valid regular expression: " + error,
                      "write a Python re expression (escape '.', '(', '[' ... with '\\')");
  }
  return pattern;
}

// ---- merging and resolution --------------------------------------------------------------

class Builder {
 public:
  Builder(const InstanceDirectory& directory, Diagnostics& diagnostics)
      : directory_(directory), diagnostics_(diagnostics) {}

  void add(RawFile file) { files_.push_back(std::move(file)); }

  Rules build(std::vector<std::string> file_names) {
    mergeAliases();
    mergeModels();
    checkModelReferences();
    std::vector<ApplicationEntry> applications;
    std::map<std::string, std::size_t> names;
    std::map<std::string, std::size_t> patterns;
    for (const auto& file : files_) {
      for (const auto& raw : file.applications) {
        auto entry = buildApplication(raw);
        if (entry) keep(std::move(*entry), "application", applications, names, patterns);
      }
    }
    return Rules(std::move(file_names), std::move(alias_entries_), std::move(model_entries_),
                 std::move(applications));
  }

 private:
  void mergeAliases() {
    for (const auto& file : files_) {
      for (const auto& alias : file.aliases) {
        auto members = splitNameList(alias.text);
        if (aliases_.find(alias.name) != nullptr) {
          diagnostics_.warning(alias.file, alias.line,
                               "alias '" + alias.name + "' is defined again; this definition "
                               "replaces the previous one");
          for (auto& entry : alias_entries_) {
            if (entry.name == alias.name) entry = {alias.name, members, {alias.file, alias.line}};
          }
        } else {
          alias_entries_.push_back({alias.name, members, {alias.file, alias.line}});
        }
        if (members.empty()) {
          diagnostics_.warning(alias.file, alias.line,
                               "alias '" + alias.name + "' is empty: it stands for no instance");
        }
        aliases_.define(alias.name, std::move(members));
      }
    }
  }

  void mergeModels() {
    for (const auto& file : files_) {
      for (const auto& model : file.models) {
        if (!model.name) {
          diagnostics_.warning(model.file, model.line,
                               "model without a name attribute: it cannot be referenced",
                               "add name=\"...\"");
          continue;
        }
        const auto it = models_.find(*model.name);
        if (it != models_.end()) {
          diagnostics_.warning(model.file, model.line,
                               "model '" + *model.name + "' is already defined at " +
                                   where(it->second->file, it->second->line) +
                                   "; this later definition replaces it");
          it->second = &model;
          for (auto& entry : model_entries_) {
            if (entry.name == *model.name) entry = modelEntry(model);
          }
        } else {
          models_.emplace(*model.name, &model);
          model_entries_.push_back(modelEntry(model));
        }
      }
    }
  }

  static ModelEntry modelEntry(const RawElement& model) {
    ModelEntry entry{*model.name, std::nullopt, {model.file, model.line}};
    if (const auto* reference = model.field("reference"); reference && !reference->text.empty()) {
      entry.reference = reference->text;
    }
    return entry;
  }

  static std::optional<RawValue> referenceOf(const RawElement& element) {
    const auto* reference = element.field("reference");
    if (reference == nullptr || reference->text.empty()) return std::nullopt;
    return *reference;
  }

  // Unknown models (checked on every element that may reference one) and loops.
  void checkModelReferences() {
    auto checkKnown = [&](const RawElement& element, std::string_view kind) {
      const auto reference = referenceOf(element);
      if (reference && !models_.count(reference->text)) {
        diagnostics_.error(element.file, reference->line,
                           element.label(kind) + " references model '" + reference->text +
                               "', which no rules file defines",
                           "define <model name=\"" + reference->text +
                               "\"> or correct the reference");
      }
    };
    for (const auto& entry : model_entries_) checkKnown(*models_.at(entry.name), "model");
    for (const auto& file : files_) {
      for (const auto& application : file.applications) {
        for (const auto& program : application.programs) checkKnown(program, "program");
      }
    }
    std::set<std::set<std::string>> reported;
    for (const auto& entry : model_entries_) {
      std::vector<std::string> path{entry.name};
      const RawElement* current = models_.at(entry.name);
      while (true) {
        const auto reference = referenceOf(*current);
        if (!reference || !models_.count(reference->text)) break;
        const auto seen = std::find(path.begin(), path.end(), reference->text);
        if (seen != path.end()) {
          std::set<std::string> members(seen, path.end());
          if (reported.insert(members).second) {
            std::string cycle;
            for (auto it = seen; it != path.end(); ++it) cycle += *it + " -> ";
            diagnostics_.error(current->file, reference->line,
                               "reference loop between models: " + cycle + reference->text,
                               "remove one of these references");
          }
          break;
        }
        path.push_back(reference->text);
        current = models_.at(reference->text);
      }
    }
  }

  // The elements whose rules apply to `element`, deepest model first, the element last.
  std::vector<const RawElement*> chainOf(const RawElement& element, std::string_view kind,
                                         std::vector<std::string>& model_names) {
    std::vector<const RawElement*> chain{&element};
    const RawElement* current = &element;
    while (const auto reference = referenceOf(*current)) {
      const auto it = models_.find(reference->text);
      if (it == models_.end()) break;  // already an error
      if (static_cast<int>(chain.size()) >= kMaxReferenceLevels) {
        diagnostics_.warning(current->file, reference->line,
                             "reference to model '" + reference->text + "' is ignored for " +
                                 element.label(kind) + " (" + where(element.file, element.line) +
                                 "): a chain counts at most 3 levels, the program included",
                             "flatten the models: copy the rules of '" + reference->text + "'");
        break;
      }
      model_names.push_back(reference->text);
      chain.push_back(it->second);
      current = it->second;
    }
    std::reverse(chain.begin(), chain.end());
    return chain;
  }

  IdentifierList identifiers(const RawElement& element, const RawValue& value, std::string_view kind) {
    std::vector<std::string> notes;
    auto list = IdentifierList::parse(value.text, aliases_, &notes);
    for (const auto& note : notes) {
      diagnostics_.warning(element.file, value.line, element.label(kind) + ": " + note);
    }
    return list;
  }

  void warnUnknownNames(const IdentifierList& list, const RawElement& element,
                        std::string_view kind) {
    const RawValue* value = element.field("identifiers");
    const int line = value ? value->line : element.line;
    for (const auto& name : list.unknownNames(directory_)) {
      diagnostics_.warning(element.file, line,
                           element.label(kind) + ": identifiers name '" + name +
                               "', which is no instance, nick or known stereotype of this "
                               "platform; it is resolved when such an instance appears",
                           "check the spelling, or ignore this if '" + name +
                               "' belongs to another platform");
    }
  }

  std::optional<ProgramEntry> buildProgram(const RawElement& raw, const ApplicationRules& application) {
    ProgramEntry entry;
    entry.source = {raw.file, raw.line};
    if (!checkNaming(raw, "program")) return std::nullopt;
    if (raw.name) {
      entry.name = raw.name;
    } else {
      entry.pattern = compilePattern(raw, "program", diagnostics_);
      if (!entry.pattern) return std::nullopt;
    }
    ProgramRules& rules = entry.rules;
    rules.starting_failure_strategy = application.starting_failure_strategy;
    rules.running_failure_strategy = application.running_failure_strategy;
    std::optional<int> stop;
    const RawElement* identifiers_owner = nullptr;
    std::string_view identifiers_kind;
    for (const RawElement* level : chainOf(raw, "program", entry.models)) {
      const std::string_view kind = level == &raw ? "program" : "model";
      const std::string& file = level->file;
      if (const auto* v = level->field("identifiers"); v && !v->text.empty()) {
        rules.identifiers = identifiers(*level, *v, kind);
        identifiers_owner = level;
        identifiers_kind = kind;
      }
      if (auto rank = parseSequence(*level, "start_sequence", kind, diagnostics_)) {
        rules.start_sequence = *rank;
      }
      if (auto rank = parseSequence(*level, "stop_sequence", kind, diagnostics_)) stop = rank;
      if (const auto* v = level->field("required"); v && !v->text.empty()) {
        if (auto b = parseBool(*v, file, "required", diagnostics_)) rules.required = *b;
      }
      if (const auto* v = level->field("wait_exit"); v && !v->text.empty()) {
        if (auto b = parseBool(*v, file, "wait_exit", diagnostics_)) rules.wait_exit = *b;
      }
      if (const auto* v = level->field("expected_loading"); v && !v->text.empty()) {
        if (auto n = parseInt(*v, 0, 100, file, "expected_loading", diagnostics_)) {
          rules.expected_loading = *n;
        }
      }
      if (const auto* v = level->field("starting_failure_strategy"); v && !v->text.empty()) {
        if (auto e = parseEnum<StartingFailureStrategy>(*v, file, "starting_failure_strategy", diagnostics_)) {
          rules.starting_failure_strategy = *e;
        }
      }
      if (const auto* v = level->field("running_failure_strategy"); v && !v->text.empty()) {
        if (auto e = parseEnum<RunningFailureStrategy>(*v, file, "running_failure_strategy", diagnostics_)) {
          rules.running_failure_strategy = *e;
        }
      }
    }
    // Consistency fixes (reference §2.6), each told to the user.
    rules.stop_sequence = stop.value_or(rules.start_sequence);
    if (rules.required && rules.start_sequence == 0) {
      rules.required = false;
      diagnostics_.warning(raw.file, raw.line,
                           raw.label("program") + ": required is set to false because "
                                                  "start_sequence is 0",
                           "give the program a start_sequence > 0, or drop required");
    }
    if (rules.identifiers.assignment != IndexAssignment::None && raw.name) {
      const char* mark = rules.identifiers.assignment == IndexAssignment::Hash ? "'#'" : "'@'";
      diagnostics_.warning(raw.file, raw.line,
                           raw.label("program") + ": " + mark +
                               " applies to the processes of a homogeneous program matched by "
                               "a pattern; identifiers reset to '*'",
                           "use pattern=\"...\" for this program, or remove " + std::string(mark));
      rules.identifiers = IdentifierList{};
    }
    if (identifiers_owner != nullptr) {
      warnUnknownNames(rules.identifiers, *identifiers_owner, identifiers_kind);
    }
    return entry;
  }

  bool checkNaming(const RawElement& raw, std::string_view kind) {
    if (!raw.name && !raw.pattern) {
      diagnostics_.warning(raw.file, raw.line,
                           std::string(kind) + " without name nor pattern attribute: never used",
                           "add name=\"...\" or pattern=\"...\"");
      return false;
    }
    if (raw.name && raw.pattern) {
      diagnostics_.warning(raw.file, raw.line,
                           raw.label(kind) + " has both name and pattern: the pattern '" +
                               *raw.pattern + "' is ignored",
                           "keep only one of name and pattern");
    }
    return true;
  }

  std::optional<ApplicationEntry> buildApplication(const RawElement& raw) {
    ApplicationEntry entry;
    entry.source = {raw.file, raw.line};
    const bool named = checkNaming(raw, "application");
    if (named) {
      if (raw.name) {
        entry.name = raw.name;
      } else {
        entry.pattern = compilePattern(raw, "application", diagnostics_);
      }
    }
    ApplicationRules& rules = entry.rules;
    const std::string& file = raw.file;
    if (const auto* v = raw.field("distribution"); v && !v->text.empty()) {
      if (auto e = parseEnum<DistributionRule>(*v, file, "distribution", diagnostics_)) {
        rules.distribution = *e;
      }
    }
    if (const auto* v = raw.field("identifiers"); v && !v->text.empty()) {
      rules.identifiers = identifiers(raw, *v, "application");
      if (rules.identifiers.assignment == IndexAssignment::At) {
        diagnostics_.warning(file, v->line,
                             raw.label("application") +
                                 ": '@' is not supported at application level and is ignored",
                             "use '#' (application N on the N-th instance) or remove '@'");
        rules.identifiers.assignment = IndexAssignment::None;
      }
      warnUnknownNames(rules.identifiers, raw, "application");
    }
    if (auto rank = parseSequence(raw, "start_sequence", "application", diagnostics_)) {
      rules.start_sequence = *rank;
    }
    const auto stop = parseSequence(raw, "stop_sequence", "application", diagnostics_);
    rules.stop_sequence = stop.value_or(rules.start_sequence);
    if (const auto* v = raw.field("starting_strategy"); v && !v->text.empty()) {
      rules.starting_strategy = parseEnum<StartingStrategy>(*v, file, "starting_strategy", diagnostics_);
    }
    if (const auto* v = raw.field("starting_failure_strategy"); v && !v->text.empty()) {
      if (auto e = parseEnum<StartingFailureStrategy>(*v, file, "starting_failure_strategy", diagnostics_)) {
        rules.starting_failure_strategy = *e;
      }
    }
    if (const auto* v = raw.field("running_failure_strategy"); v && !v->text.empty()) {
      if (auto e = parseEnum<RunningFailureStrategy>(*v, file, "running_failure_strategy", diagnostics_)) {
        rules.running_failure_strategy = *e;
      }
    }
    if (const auto* v = raw.field("operational_status"); v && !v->text.empty()) {
      std::string error;
      std::vector<std::string> notes;
      rules.operational_status = StatusFormula::parse(v->text, &error, &notes);
      if (!rules.operational_status) {
        diagnostics_.warning(file, v->line,
                             raw.label("application") + ": operational_status ignored (" + error +
                                 "), as Supvisors does; the required flags apply instead",
                             "write e.g. 'db' and any('api_.*')");
      }
      for (const auto& note : notes) {
        diagnostics_.warning(file, v->line, raw.label("application") + ": " + note);
      }
    }
    if (raw.name && rules.distribution != DistributionRule::AllInstances &&
        rules.identifiers.assignment == IndexAssignment::Hash && !applicationNumber(*raw.name)) {
      diagnostics_.warning(file, raw.line,
                           raw.label("application") +
                               ": '#' needs a name ending in -N or _N (N >= 1); start_sequence "
                               "is forced to 0 and it cannot be started",
                           "rename the group (e.g. " + *raw.name + "_01) or remove '#'");
    }
    std::map<std::string, std::size_t> names;
    std::map<std::string, std::size_t> patterns;
    for (const auto& program : raw.programs) {
      auto built = buildProgram(program, rules);
      if (built) keep(std::move(*built), "program", entry.programs, names, patterns);
    }
    for (std::size_t i = 0; i < entry.programs.size(); ++i) {
      const auto& program = entry.programs[i];
      if (program.name) entry.program_names.emplace(*program.name, i);
      if (program.pattern) entry.program_patterns.push_back(i);
    }
    if (!named || (!entry.name && !entry.pattern)) return std::nullopt;
    return entry;
  }

  // Python's lookups: an exact name is found at its first definition; a pattern lives in a
  // dict, so a later definition replaces the earlier one at the earlier one's position.
  template <typename Entry>
  void keep(Entry entry, std::string_view kind, std::vector<Entry>& live,
            std::map<std::string, std::size_t>& names, std::map<std::string, std::size_t>& patterns) {
    if (entry.name) {
      const auto it = names.find(*entry.name);
      if (it != names.end()) {
        const auto& first = live[it->second].source;
        diagnostics_.warning(entry.source.file, entry.source.line,
                             std::string(kind) + " '" + *entry.name + "' is already defined at " +
                                 where(first.file, first.line) + "; this definition is never used",
                             "merge the two definitions");
        return;
      }
      names.emplace(*entry.name, live.size());
      live.push_back(std::move(entry));
      return;
    }
    const std::string expression = entry.pattern->expression();
    const auto it = patterns.find(expression);
    if (it != patterns.end()) {
      const auto& first = live[it->second].source;
      diagnostics_.warning(entry.source.file, entry.source.line,
                           std::string(kind) + " pattern '" + expression + "' is already defined at " +
                               where(first.file, first.line) + "; this later definition replaces it",
                           "merge the two definitions");
      live[it->second] = std::move(entry);
      return;
    }
    patterns.emplace(expression, live.size());
    live.push_back(std::move(entry));
  }

  const InstanceDirectory& directory_;
  Diagnostics& diagnostics_;
  std::vector<RawFile> files_;
  AliasTable aliases_;
  std::vector<AliasEntry> alias_entries_;
  std::map<std::string, const RawElement*> models_;
  std::vector<ModelEntry> model_entries_;
};

RulesLoad finish(Diagnostics& diagnostics, std::optional<Rules> rules) {
  RulesLoad load;
  for (auto& diagnostic : diagnostics.all) {
    (diagnostic.severity == Severity::Error ? load.errors : load.warnings)
        .push_back(std::move(diagnostic));
  }
  if (load.errors.empty() && rules) load.rules = std::make_shared<const Rules>(std::move(*rules));
  return load;
}

}  // namespace

RulesLoad loadRulesFromSources(const std::vector<RulesSource>& sources,
                               const InstanceDirectory& directory) {
  Diagnostics diagnostics;
  Builder builder(directory, diagnostics);
  std::vector<std::string> names;
  bool valid = true;
  for (const auto& source : sources) {
    names.push_back(source.name);
    auto problems = validateRulesXml(source.name, source.content);
    if (!problems.empty()) {
      valid = false;
      for (auto& problem : problems) diagnostics.all.push_back(std::move(problem));
      continue;
    }
    auto raw = readFile(source.name, source.content, diagnostics);
    if (!raw) {
      valid = false;
      continue;
    }
    builder.add(std::move(*raw));
  }
  if (!valid) return finish(diagnostics, std::nullopt);
  return finish(diagnostics, builder.build(std::move(names)));
}

RulesLoad loadRules(const std::vector<std::filesystem::path>& files,
                    const InstanceDirectory& directory) {
  std::vector<RulesSource> sources;
  Diagnostics unreadable;
  for (const auto& path : files) {
    std::ifstream stream(path, std::ios::binary);
    if (!stream) {
      unreadable.error(path.string(), 0, "cannot read the rules file",
                       "check the path in rules_files and its permissions");
      continue;
    }
    std::ostringstream content;
    content << stream.rdbuf();
    sources.push_back({path.string(), content.str()});
  }
  RulesLoad load = loadRulesFromSources(sources, directory);
  if (!unreadable.all.empty()) {
    load.rules.reset();
    load.errors.insert(load.errors.begin(), unreadable.all.begin(), unreadable.all.end());
  }
  return load;
}

}  // namespace supvisors
