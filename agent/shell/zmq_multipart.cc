#include "agent/shell/zmq_multipart.h"

#include <utility>

namespace supvisors {

std::vector<zmq::message_t> readMultipart(zmq::socket_t& socket, zmq::message_t first) {
  std::vector<zmq::message_t> frames;
  bool more = first.more();
  frames.push_back(std::move(first));
  while (more) {
    zmq::message_t frame;
    if (!socket.recv(frame, zmq::recv_flags::none)) break;
    more = frame.more();
    frames.push_back(std::move(frame));
  }
  return frames;
}

}  // namespace supvisors
