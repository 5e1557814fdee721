# Finds every third-party library from Debian 12's packages (see scripts/deps.sh).
# Pitfalls and why each is found this way: ../shared/reference/supervisor-and-libraries.md §2.
find_package(Threads REQUIRED)
find_package(PkgConfig REQUIRED)

# ZeroMQ: Debian's libzmq has no CMake config; cppzmq's falls back to pkg-config (target cppzmq).
find_package(cppzmq 4.9 CONFIG REQUIRED)
find_package(tinyxml2 CONFIG REQUIRED)
find_package(LibXml2 REQUIRED)
find_package(nlohmann_json 3.11 CONFIG REQUIRED)
find_package(CLI11 CONFIG REQUIRED)
find_package(spdlog CONFIG REQUIRED)
pkg_check_modules(PCRE2 REQUIRED IMPORTED_TARGET libpcre2-8)

# SUPVISORS_STATIC_DEPS (issue 3, docs/BENCHMARKS.md "Where the agent's memory goes"): the
# libraries Debian also ships as static archives (xmlrpc-c, PCRE2) and spdlog (its
# implementation headers, cmake/spdlog_static.cc) are linked into the executables, so only the
# code the agent calls is loaded (--gc-sections) and no shared library's relocated data and
# symbol tables are paid for. The others stay shared: Debian ships no archive of cpp-httplib
# (which needs OpenSSL) nor of tinyxml2, and libzmq.so loads libsodium and libstdc++ anyway, so
# a static copy of those would only add a second one.
option(SUPVISORS_STATIC_DEPS "Link spdlog, xmlrpc-c and PCRE2 statically" ON)
# The static archive of Debian's package NAME (-l NAME) in VAR, or NAME itself when there is none.
function(supvisors_static_archive var name)
  string(MAKE_C_IDENTIFIER "SUPVISORS_ARCHIVE_${name}" cache)
  find_library(${cache} NAMES lib${name}.a)
  if(SUPVISORS_STATIC_DEPS AND ${cache})
    set(${var} ${${cache}} PARENT_SCOPE)
  else()
    set(${var} ${name} PARENT_SCOPE)
  endif()
endfunction()

if(SUPVISORS_STATIC_DEPS)
  add_library(supvisors_spdlog STATIC ${CMAKE_CURRENT_LIST_DIR}/spdlog_static.cc)
  # The definitions of Debian's spdlog::spdlog target. SPDLOG_SHARED_LIB only gives SPDLOG_API
  # default visibility on Linux (the default anyway): kept so that every translation unit is
  # compiled as with the shared library (and ccache finds them).
  target_compile_definitions(supvisors_spdlog
                             PUBLIC SPDLOG_COMPILED_LIB SPDLOG_FMT_EXTERNAL SPDLOG_SHARED_LIB)
  target_compile_options(supvisors_spdlog PRIVATE -ffunction-sections -fdata-sections)
  target_link_libraries(supvisors_spdlog PUBLIC fmt::fmt Threads::Threads)
  add_library(supvisors::spdlog ALIAS supvisors_spdlog)

  supvisors_static_archive(pcre2_archive pcre2-8)
  add_library(supvisors::pcre2 INTERFACE IMPORTED)
  set_target_properties(supvisors::pcre2 PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${PCRE2_INCLUDE_DIRS}"
    INTERFACE_COMPILE_OPTIONS "${PCRE2_CFLAGS_OTHER}"
    INTERFACE_LINK_LIBRARIES "${pcre2_archive}")
else()
  add_library(supvisors::spdlog ALIAS spdlog::spdlog)
  add_library(supvisors::pcre2 ALIAS PkgConfig::PCRE2)
endif()
# Debian's cpp-httplib is a compiled library built with OpenSSL: its .pc file defines
# CPPHTTPLIB_OPENSSL_SUPPORT (SSLServer), and libcpp-httplib.so links libssl itself.
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
# OpenSSL (libssl-dev): SHA-1 / PBKDF2 passwords of the front door's basic auth, its TLS
# (cpp-httplib's SSLServer) and supvisorsctl's https:// client.
find_package(OpenSSL REQUIRED)
# libsodium (libsodium-dev): crypto_box of the UDP liveness beacons with the CURVE keys.
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)

# xmlrpc-c ships neither a CMake config nor a .pc file: ask xmlrpc-c-config, drop the default
# library folder and -lcurl (libxmlrpc_client.so already needs libcurl; P2).
find_program(XMLRPC_C_CONFIG xmlrpc-c-config REQUIRED)
function(supvisors_xmlrpc_target target)
  execute_process(COMMAND ${XMLRPC_C_CONFIG} ${ARGN} --libs
                  OUTPUT_VARIABLE libs OUTPUT_STRIP_TRAILING_WHITESPACE
                  COMMAND_ERROR_IS_FATAL ANY)
  separate_arguments(libs UNIX_COMMAND "${libs}")
  list(FILTER libs EXCLUDE REGEX "^-L")
  list(REMOVE_ITEM libs "-lcurl")
  set(resolved)
  foreach(lib IN LISTS libs)
    if(lib MATCHES "^-l(.+)$")
      supvisors_static_archive(lib ${CMAKE_MATCH_1})
    endif()
    list(APPEND resolved ${lib})
  endforeach()
  set(libs ${resolved})
  add_library(${target} INTERFACE IMPORTED GLOBAL)
  set_target_properties(${target} PROPERTIES INTERFACE_LINK_LIBRARIES "${libs}")
endfunction()
supvisors_xmlrpc_target(xmlrpc_c_base c++2)                 # values, XML codec
supvisors_xmlrpc_target(xmlrpc_c_server c++2 server-util)   # registry (method dispatch)

if(BUILD_TESTING)
  find_package(Catch2 2 CONFIG REQUIRED)
  include(Catch)
endif()
