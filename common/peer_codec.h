#pragma once
// The peer codec: PeerMessage values (common/peer_message.h) to bytes and back. One encoded
// PeerMessage is one ZeroMQ message (one frame). The wire format is MessagePack, specified in
// schema/peer-protocol.md; this file is its only implementation, and any change to one is a
// change to the other (STYLE.md §9).
//
// decodePeerMessage() takes bytes from the network, which are never trusted: it never throws
// and never crashes, whatever the input is, and its memory is bounded (nesting depth and value
// count, below). Every failure is an Error (kind Transport) whose code is
// a PeerDecodeError, so the transport counts drops by reason, and whose message says precisely
// what was wrong (the field name, the version received...).
//
// Thread-safety: pure functions.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/peer_message.h"
#include "common/result.h"

namespace supvisors {

// The default and recommended bound on one encoded message, for the codec and ZMQ_MAXMSGSIZE.
// A table of 3,000 processes encodes to 348 KB (schema/peer-protocol.md §8), so this leaves
// room for tables 40 times larger while bounding what a peer can make us buffer.
inline constexpr std::size_t kMaxPeerMessageBytes = std::size_t{16} << 20;  // 16 MiB

// Bounds on the decoded tree, whatever max_bytes is: the deepest valid message nests 4 levels
// (header array > body map > process list > process map); unknown extra fields may nest more,
// up to this. The value count (map keys included) bounds the memory of the decoded tree: a
// process costs 33 values, so 1 Mi values hold a table of 31,000 processes, while the worst
// input (empty arrays, 1 byte each) builds a tree of about 75 MB before it is refused.
inline constexpr std::size_t kMaxPeerNestingDepth = 16;
inline constexpr std::size_t kMaxPeerValues = std::size_t{1} << 20;  // 1 Mi

// The wire code of each message type: element 2 of the envelope. Fixed by the spec, not by
// the order of the PeerBody variant (a static_assert in peer_codec.cc ties the two).
enum class PeerMessageType : int {
  Tick = 0,
  HandshakeRequest = 1,
  Handshake = 2,
  StateModes = 3,
  ProcessTable = 4,
  ProcessDelta = 5,
  ProcessTableRequest = 6,
  Request = 7,
  Result = 8,
  Goodbye = 9,
  HostStatistics = 10,
  ProcessStatistics = 11,
};

PeerMessageType peerMessageType(const PeerBody& body);
// "TICK", "HANDSHAKE_REQUEST"... for logs and counters; "" for a code outside the enum.
std::string_view peerMessageTypeName(PeerMessageType type);

// Why a message was dropped: Error::code of every decode failure (never 0).
enum class PeerDecodeError : int {
  Oversized = 1,      // more than max_bytes, or beyond kMaxPeerNestingDepth / kMaxPeerValues
  Truncated = 2,      // the MessagePack ends early (includes an empty input)
  NotMsgpack = 3,     // not MessagePack: reserved byte, non-string map key, bytes after the end
  BadShape = 4,       // valid MessagePack, not an envelope (array of >= 7 with a map body)
  BadMagic = 5,       // element 0 is not "SVP"
  WrongVersion = 6,   // protocol version other than kPeerProtocolVersion: inconsistent peer
  UnknownType = 7,    // message type code not in PeerMessageType
  MissingField = 8,   // a required body field is absent
  MistypedField = 9,  // a header or body field has the wrong type or is out of range
  BadEnum = 10,       // an enum field holds an integer outside its enum
  BadSender = 11,     // the sender is not "host:port"
};

inline constexpr int kPeerDecodeErrorCount = 11;

// "oversized", "truncated", "wrong_version"... stable names, for counters and logs.
std::string_view peerDecodeErrorName(PeerDecodeError reason);
// The reason of an Error returned by decodePeerMessage().
PeerDecodeError peerDecodeErrorOf(const Error& error);

// The bytes of one message. Total: any PeerMessage encodes (the header's protocol_version is
// written as it is, so tests can forge other versions). The caller compares the size with its
// bound; the codec does not refuse to encode a large table.
std::string encodePeerMessage(const PeerMessage& message);

// The message of `bytes`, or why not (see PeerDecodeError). `max_bytes` bounds the input;
// pass the transport's ZMQ_MAXMSGSIZE (kMaxPeerMessageBytes by default).
Result<PeerMessage> decodePeerMessage(std::string_view bytes,
                                      std::size_t max_bytes = kMaxPeerMessageBytes);

// Whether `identifier` has the form "host:port" required of a sender: a non-empty host, the
// last ':' followed by a decimal port in 1..65535.
bool isPeerIdentifier(std::string_view identifier);

}  // namespace supvisors
