// nameThread against what Linux shows of the thread (/proc/self/task/TID/comm).
#include <catch2/catch.hpp>

#include <sys/syscall.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <thread>

#include "agent/shell/thread_name.h"

using namespace supvisors;

namespace {

// The name a thread of this process shows, read by that thread.
std::string ownName() {
  const auto tid = static_cast<long>(::syscall(SYS_gettid));
  std::ifstream comm("/proc/self/task/" + std::to_string(tid) + "/comm");
  std::string name;
  std::getline(comm, name);
  return name;
}

}  // namespace

TEST_CASE("nameThread names the calling thread only, cut to 15 characters", "[thread_name]") {
  const std::string before = ownName();
  std::string short_name, long_name;
  bool named_short = false, named_long = false;
  std::thread([&] {
    named_short = nameThread("sv-poller");
    short_name = ownName();
    named_long = nameThread("sv-a-name-longer-than-fifteen");
    long_name = ownName();
  }).join();
  CHECK(named_short);
  CHECK(short_name == "sv-poller");
  CHECK(named_long);
  CHECK(long_name == "sv-a-name-longe");
  CHECK(ownName() == before);  // the caller's own name is untouched
}
