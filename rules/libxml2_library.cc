#include "rules/libxml2_library.h"

#include <dlfcn.h>

namespace supvisors {

namespace {

std::mutex& turnMutex() {
  static std::mutex mutex;
  return mutex;
}

template <typename F>
bool resolve(void* handle, const char* name, F& function, std::string& error) {
  void* symbol = ::dlsym(handle, name);
  if (symbol == nullptr) {
    error = std::string(Libxml2Library::kSoname) + " has no function " + name +
            ": install the libxml2 package of Debian 12 or later (apt-get install libxml2)";
    return false;
  }
  function = reinterpret_cast<F>(symbol);
  return true;
}

}  // namespace

std::unique_ptr<Libxml2Library> Libxml2Library::open(std::string& error) {
  std::unique_ptr<Libxml2Library> library(new Libxml2Library());
  library->turn_ = std::unique_lock<std::mutex>(turnMutex());
  library->handle_ = ::dlopen(kSoname, RTLD_NOW | RTLD_LOCAL);
  if (library->handle_ == nullptr) {
    const char* why = ::dlerror();
    error = std::string("cannot load ") + kSoname +
            " to validate the rules files: " + (why != nullptr ? why : "unknown error") +
            ": install the libxml2 package (apt-get install libxml2)";
    return nullptr;
  }
  void* h = library->handle_;
  Libxml2Library& l = *library;
  if (!resolve(h, "xmlReadMemory", l.readMemory, error) ||
      !resolve(h, "xmlFreeDoc", l.freeDoc, error) ||
      !resolve(h, "xmlSetStructuredErrorFunc", l.setStructuredErrorFunc, error) ||
      !resolve(h, "xmlSchemaNewMemParserCtxt", l.schemaNewMemParserCtxt, error) ||
      !resolve(h, "xmlSchemaFreeParserCtxt", l.schemaFreeParserCtxt, error) ||
      !resolve(h, "xmlSchemaParse", l.schemaParse, error) ||
      !resolve(h, "xmlSchemaFree", l.schemaFree, error) ||
      !resolve(h, "xmlSchemaNewValidCtxt", l.schemaNewValidCtxt, error) ||
      !resolve(h, "xmlSchemaFreeValidCtxt", l.schemaFreeValidCtxt, error) ||
      !resolve(h, "xmlSchemaSetValidStructuredErrors", l.schemaSetValidStructuredErrors, error) ||
      !resolve(h, "xmlSchemaValidateDoc", l.schemaValidateDoc, error) ||
      !resolve(h, "xmlCleanupParser", l.cleanupParser_, error))
    return nullptr;  // the destructor unloads it
  return library;
}

Libxml2Library::~Libxml2Library() {
  if (handle_ == nullptr) return;
  if (cleanupParser_ != nullptr) cleanupParser_();
  ::dlclose(handle_);
}

bool Libxml2Library::loaded() {
  void* handle = ::dlopen(kSoname, RTLD_NOW | RTLD_NOLOAD);
  if (handle == nullptr) return false;
  ::dlclose(handle);  // RTLD_NOLOAD counted one more reference
  return true;
}

}  // namespace supvisors
