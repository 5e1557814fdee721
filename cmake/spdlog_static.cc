// spdlog compiled into supvisors' own executables instead of Debian's libspdlog.so (issue 3:
// the agent's resident memory; docs/BENCHMARKS.md "Where the agent's memory goes").
//
// Debian's libspdlog-dev ships spdlog's implementation as its -inl.h headers. With
// SPDLOG_COMPILED_LIB (defined for every user, as with the shared library) the other headers
// only declare; this one translation unit includes the implementations, as spdlog's own
// src/*.cpp do, and instantiates the templates supvisors uses: the logger, the registry and its
// default logger (ansicolor stdout), the rotating file sink and the coloured stderr sink
// (agent/daemon/logging.cc). Using another sink or factory fails at link time with an undefined
// symbol: instantiate it here.
#ifndef SPDLOG_COMPILED_LIB
#error "spdlog_static.cc needs SPDLOG_COMPILED_LIB (cmake/Dependencies.cmake defines it)"
#endif

#include <mutex>
#include <spdlog/common-inl.h>
#include <spdlog/details/backtracer-inl.h>
#include <spdlog/details/file_helper-inl.h>
#include <spdlog/details/log_msg-inl.h>
#include <spdlog/details/log_msg_buffer-inl.h>
#include <spdlog/details/null_mutex.h>
#include <spdlog/details/os-inl.h>
#include <spdlog/details/periodic_worker-inl.h>
#include <spdlog/details/registry-inl.h>
#include <spdlog/logger-inl.h>
#include <spdlog/pattern_formatter-inl.h>
#include <spdlog/sinks/ansicolor_sink-inl.h>
#include <spdlog/sinks/base_sink-inl.h>
#include <spdlog/sinks/rotating_file_sink-inl.h>
#include <spdlog/sinks/sink-inl.h>
#include <spdlog/sinks/stdout_color_sinks-inl.h>
#include <spdlog/spdlog-inl.h>

template spdlog::logger::logger(std::string name, sinks_init_list::iterator begin,
                                sinks_init_list::iterator end);
template class spdlog::sinks::base_sink<std::mutex>;
template class spdlog::sinks::base_sink<spdlog::details::null_mutex>;
template class spdlog::sinks::rotating_file_sink<std::mutex>;
template class spdlog::sinks::ansicolor_sink<spdlog::details::console_mutex>;
template class spdlog::sinks::ansicolor_stdout_sink<spdlog::details::console_mutex>;
template class spdlog::sinks::ansicolor_stderr_sink<spdlog::details::console_mutex>;
template std::shared_ptr<spdlog::logger> spdlog::stderr_color_mt<spdlog::synchronous_factory>(
    const std::string& logger_name, color_mode mode);
