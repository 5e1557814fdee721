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
  add_library(${target} INTERFACE IMPORTED GLOBAL)
  set_target_properties(${target} PROPERTIES INTERFACE_LINK_LIBRARIES "${libs}")
endfunction()
supvisors_xmlrpc_target(xmlrpc_c_base c++2)                 # values, XML codec
supvisors_xmlrpc_target(xmlrpc_c_server c++2 server-util)   # registry (method dispatch)

if(BUILD_TESTING)
  find_package(Catch2 2 CONFIG REQUIRED)
  include(Catch)
endif()
