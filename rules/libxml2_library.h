#pragma once
// Libxml2Library: libxml2 loaded (dlopen) for as long as one object of it lives, rather than
// linked into the executables.
//
// Why: libxml2 serves once, to validate the rules files at start-up (schema_validator.h).
// Linked, it and what it loads (ICU, liblzma) stayed resident for the agent's whole life:
// unloaded after the validation, the agent's RSS is 0.7 MiB lower, 1.9 MiB with a rules file
// (docs/BENCHMARKS.md "Where the agent's memory goes").
//
// Before the unload, xmlCleanupParser() frees libxml2's global state and deletes its per-thread
// key, whose destructor would otherwise run, in unmapped code, when a thread that used libxml2
// exits. xmlCleanupParser() must not run while another thread uses libxml2: open() waits while
// another object lives, so the process holds at most one.
//
// Thread-safety: open() from any thread; an object is used by one thread at a time.

#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>

#include <memory>
#include <mutex>
#include <string>

namespace supvisors {

class Libxml2Library {
 public:
  // The library's shared object, as named by its ABI (libxml2 2.x).
  static constexpr const char* kSoname = "libxml2.so.2";

  // Loads libxml2 and finds its functions; nullptr, with `error` saying why, when it cannot.
  static std::unique_ptr<Libxml2Library> open(std::string& error);
  ~Libxml2Library();  // xmlCleanupParser(), then the unload
  Libxml2Library(const Libxml2Library&) = delete;
  Libxml2Library& operator=(const Libxml2Library&) = delete;

  // Whether libxml2 is loaded in the process now (by this class or anyone else).
  static bool loaded();

  decltype(&::xmlReadMemory) readMemory = nullptr;
  decltype(&::xmlFreeDoc) freeDoc = nullptr;
  decltype(&::xmlSetStructuredErrorFunc) setStructuredErrorFunc = nullptr;
  decltype(&::xmlSchemaNewMemParserCtxt) schemaNewMemParserCtxt = nullptr;
  decltype(&::xmlSchemaFreeParserCtxt) schemaFreeParserCtxt = nullptr;
  decltype(&::xmlSchemaParse) schemaParse = nullptr;
  decltype(&::xmlSchemaFree) schemaFree = nullptr;
  decltype(&::xmlSchemaNewValidCtxt) schemaNewValidCtxt = nullptr;
  decltype(&::xmlSchemaFreeValidCtxt) schemaFreeValidCtxt = nullptr;
  decltype(&::xmlSchemaSetValidStructuredErrors) schemaSetValidStructuredErrors = nullptr;
  decltype(&::xmlSchemaValidateDoc) schemaValidateDoc = nullptr;

 private:
  Libxml2Library() = default;

  std::unique_lock<std::mutex> turn_;  // one object at a time
  void* handle_ = nullptr;
  decltype(&::xmlCleanupParser) cleanupParser_ = nullptr;
};

}  // namespace supvisors
