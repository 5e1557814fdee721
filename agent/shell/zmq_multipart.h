#pragma once
// readMultipart(): the whole of a ZeroMQ multipart message whose first frame was just
// received, for the sockets that read frames one by one (the peer ROUTER and its monitor,
// peer_transport.cc; the ZAP handler, zap_handler.cc). ZeroMQ delivers messages whole, so
// the remaining frames are there already.
//
// Thread-safety: that of the socket (the caller's thread only).

#include <vector>

#include <zmq.hpp>

namespace supvisors {

std::vector<zmq::message_t> readMultipart(zmq::socket_t& socket, zmq::message_t first);

}  // namespace supvisors
