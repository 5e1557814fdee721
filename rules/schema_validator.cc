#include "rules/schema_validator.h"

#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlversion.h>

#include <memory>
#include <utility>

#include "common/strategies.h"
#include "rules/libxml2_library.h"

namespace supvisors {
namespace {

struct Collector {
  std::string file;
  bool syntax = true;  // parsing (XML syntax) or validating (schema)
  std::vector<RulesDiagnostic> diagnostics;
};

std::string trimmed(const char* message) {
  std::string text = message != nullptr ? message : "unknown libxml2 error";
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

// A hint for the usual schema violations, keyed by the element named in libxml2's message.
std::string hintFor(const std::string& message) {
  if (message.find("not expected") != std::string::npos ||
      message.find("is not allowed") != std::string::npos ||
      message.find("Missing child") != std::string::npos) {
    return "check the element name and its place: <root> holds <alias>, <model> and "
           "<application>; <application> holds <programs>, which holds <program>; each rule "
           "element appears at most once per element (docs/RULES.md)";
  }
  const std::pair<const char*, std::string> hints[] = {
      {"'start_sequence'", "use an integer in [0;127]"},
      {"'stop_sequence'", "use an integer in [0;127]"},
      {"'expected_loading'", "use an integer in [0;100]"},
      {"'required'", "use true or false"},
      {"'wait_exit'", "use true or false"},
      {"'distribution'", "use one of " + enumAllowedNames<DistributionRule>()},
      {"'starting_strategy'", "use one of " + enumAllowedNames<StartingStrategy>()},
      {"'starting_failure_strategy'", "use one of " + enumAllowedNames<StartingFailureStrategy>()},
      {"'running_failure_strategy'", "use one of " + enumAllowedNames<RunningFailureStrategy>()},
      {"'alias'", "give the alias a name attribute and a comma-separated list as text"},
      {"validation root", "the document element must be <root>, without namespace"},
  };
  for (const auto& [key, hint] : hints) {
    if (message.find(key) != std::string::npos) return hint;
  }
  return "see docs/RULES.md for the elements and values a rules file accepts";
}

// libxml2 2.12 made the error const (reference P22).
#if LIBXML_VERSION >= 21200
void onError(void* context, const xmlError* error) {
#else
void onError(void* context, xmlErrorPtr error) {
#endif
  auto* collector = static_cast<Collector*>(context);
  if (error == nullptr || error->level == XML_ERR_WARNING) return;
  RulesDiagnostic diagnostic;
  diagnostic.severity = Severity::Error;
  diagnostic.file = collector->file;
  diagnostic.line = error->line;
  const std::string message = trimmed(error->message);
  if (collector->syntax) {
    diagnostic.what = "XML syntax: " + message;
    diagnostic.fix =
        message.find("UTF-8") != std::string::npos
            ? "save the file in UTF-8, which rules files are read in whatever they declare "
              "(e.g. iconv -f ISO-8859-1 -t UTF-8 old.xml > new.xml)"
            : "correct the XML (elements closed, attributes quoted, '&' written '&amp;')";
  } else {
    diagnostic.what = "rejected by the rules schema: " + message;
    diagnostic.fix = hintFor(message);
  }
  collector->diagnostics.push_back(std::move(diagnostic));
}

// Frees what libxml2 allocated, through the loaded library.
struct Free {
  const Libxml2Library* xml;
  void operator()(xmlDoc* p) const { xml->freeDoc(p); }
  void operator()(xmlSchema* p) const { xml->schemaFree(p); }
  void operator()(xmlSchemaParserCtxt* p) const { xml->schemaFreeParserCtxt(p); }
  void operator()(xmlSchemaValidCtxt* p) const { xml->schemaFreeValidCtxt(p); }
};

// The thread's structured error handler, set for the lifetime of the object.
class ErrorScope {
 public:
  ErrorScope(const Libxml2Library& xml, Collector* collector) : xml_(xml) {
    xml_.setStructuredErrorFunc(collector, onError);
  }
  ~ErrorScope() { xml_.setStructuredErrorFunc(nullptr, nullptr); }
  ErrorScope(const ErrorScope&) = delete;
  ErrorScope& operator=(const ErrorScope&) = delete;

 private:
  const Libxml2Library& xml_;
};

}  // namespace

std::vector<RulesDiagnostic> validateRulesXml(const std::string& file, std::string_view content) {
  std::string error;
  const std::unique_ptr<Libxml2Library> xml = Libxml2Library::open(error);
  if (!xml) return {{Severity::Error, file, 0, error, "install libxml2, then start again"}};
  // Declared after `xml`: everything below is freed before libxml2 is unloaded.
  Collector collector{file, true, {}};
  ErrorScope scope(*xml, &collector);
  const Free free{xml.get()};

  // Read as UTF-8 whatever the file declares, as tinyxml2 reads it next: another declared
  // encoding would also have libxml2 open an iconv or ICU converter, whose caches outlive
  // xmlCleanupParser() and would leak at the unload.
  std::unique_ptr<xmlDoc, Free> doc(
      xml->readMemory(content.data(), static_cast<int>(content.size()), file.c_str(), "UTF-8",
                      XML_PARSE_NONET | XML_PARSE_BIG_LINES | XML_PARSE_NOWARNING |
                          XML_PARSE_IGNORE_ENC),
      free);
  if (!doc) {
    if (collector.diagnostics.empty()) {
      collector.diagnostics.push_back({Severity::Error, file, 0,
                                       "XML syntax: the file is not an XML document",
                                       "correct the XML"});
    }
    return collector.diagnostics;
  }

  collector.syntax = false;
  const std::string_view xsd = rulesSchemaText();
  std::unique_ptr<xmlSchemaParserCtxt, Free> parser(
      xml->schemaNewMemParserCtxt(xsd.data(), static_cast<int>(xsd.size())), free);
  std::unique_ptr<xmlSchema, Free> schema(parser ? xml->schemaParse(parser.get()) : nullptr, free);
  if (!schema) {  // a build defect, not a user error
    return {{Severity::Error, file, 0, "the embedded rules schema does not compile",
             "rebuild supvisorsd and report this bug"}};
  }
  std::unique_ptr<xmlSchemaValidCtxt, Free> validator(xml->schemaNewValidCtxt(schema.get()), free);
  xml->schemaSetValidStructuredErrors(validator.get(), onError, &collector);
  if (xml->schemaValidateDoc(validator.get(), doc.get()) != 0 && collector.diagnostics.empty()) {
    collector.diagnostics.push_back({Severity::Error, file, 0,
                                     "rejected by the rules schema (no detail from libxml2)",
                                     "see docs/RULES.md"});
  }
  return collector.diagnostics;
}

}  // namespace supvisors
