#include "agent/shell/thread_name.h"

#include <pthread.h>

namespace supvisors {

bool nameThread(const std::string& name) {
  constexpr std::size_t kMaxLength = 15;  // TASK_COMM_LEN less the terminating NUL
  return ::pthread_setname_np(::pthread_self(), name.substr(0, kMaxLength).c_str()) == 0;
}

}  // namespace supvisors
