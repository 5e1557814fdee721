// Writes the seed corpus of peer_codec_fuzz.cc: one encoded message of each type, every field
// set, into the directory given (test/fuzz/corpus/peer_codec/). See test/fuzz/README.md.

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "common/peer_codec.h"

using namespace supvisors;

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <corpus directory>\n", argv[0]);
    return 2;
  }
  const PeerHeader h{kPeerProtocolVersion, "node-a:60001", 1712345678000000, 7};
  PeerProcess p{
      "web", "nginx_0", ProcessState::Running, 4242,  1712345678, 0,  1712349999, 4321.5,
      true,  "",        "-g daemon",           false, 1,          10, 0,          "nginx"};
  PeerProcess q = p;
  q.name = "nginx_1";
  q.state = ProcessState::Fatal;
  q.pid = 0;
  q.spawnerr = "can't find command";
  q.process_index = 1;
  HandshakeMessage hs{"alpha",
                      {"front"},
                      "node-a",
                      {"node-a:60001", "node-b:60001"},
                      true,
                      StartingStrategy::LessLoaded,
                      ConciliationStrategy::Infanticide,
                      SupvisorsFailureStrategy::Resync,
                      "0123abcd",
                      false};
  StateModesMessage sm{
      SupvisorsState::Operation,
      false,
      true,
      "node-a:60001",
      true,
      false,
      {{"node-a:60001", InstanceState::Running}, {"node-b:60001", InstanceState::Checking}}};
  const std::vector<PeerMessage> messages{
      {h, TickMessage{12, 1712345678.5, 1234.25, true}},
      {h, HandshakeRequest{}},
      {h, hs},
      {h, sm},
      {h, ProcessTableMessage{3, {p, q}}},
      {h, ProcessDeltaMessage{3, 4, {q}, {"web:old"}}},
      {h, ProcessTableRequest{}},
      {h, RequestMessage{9, RequestKind::StartProcess, "web:nginx_1", "-x"}},
      {h, ResultMessage{9, false, 60, "ALREADY_STARTED: web:nginx_1"}},
      {h, GoodbyeMessage{"SIGTERM"}},
      {h, HostStatisticsMessage{HostSample{1234.5,
                                           {{300, 100}, {150, 50}, {150, 50}},
                                           12.5,
                                           {{"eth0", {1000, 2000}}},
                                           {{"sda", {4096, 8192}}},
                                           {{"/", 42.0}}}}},
      {h, ProcessStatisticsMessage{{{"web:nginx_0", 4242, 1234.5, 12.25, 0.5},
                                    {"supervisord", 1000, 1234.5, 3.0, 0.25}}}},
  };
  for (const auto& m : messages) {
    std::string name(peerMessageTypeName(peerMessageType(m.body)));
    for (auto& c : name) c = static_cast<char>(c == '_' ? '-' : c - 'A' + 'a');
    const std::string bytes = encodePeerMessage(m);
    std::ofstream(std::string(argv[1]) + "/" + name + ".msgpack", std::ios::binary) << bytes;
  }
  return 0;
}
