#!/usr/bin/python3
"""Reads a supvisorsd event stream (event_link = ZMQ; docs/EVENTS.md) and prints one line per
message, as an existing Supvisors ZMQ subscriber would receive it.

    subscriber.py [--host 127.0.0.1] [--port 60002] [HEADER ...]
    subscriber.py --curve-server-key events.pub --curve-key me.key ...   (CURVE publisher)

HEADER: supvisors, instance, application, event, process, hstats, pstats (prefix filtering,
as ZeroMQ does; none = every header). --json prints the raw JSON bodies. Stops on Ctrl-C, or
after --count messages. Needs python3-zmq (Debian's package; scripts/deps.sh installs it).
"""
import argparse
import json
import sys

import zmq


def read_key(path, secret):
    """A key file as supvisorsd --generate-keys writes it: the Z85 key on one line."""
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                return line.encode()
    sys.exit(f"{path}: no key in the file")


def describe(header, body):
    if header == "supvisors":
        return (f"{body['fsm_statename']} master={body['master_identifier'] or '-'}"
                f" starting={body['starting_jobs']} stopping={body['stopping_jobs']}")
    if header == "instance":
        return (f"{body['nick_identifier']} {body['statename']} loading={body['loading']}"
                f" tick={body['remote_sequence_counter']}")
    if header == "application":
        return (f"{body['application_name']} {body['statename']}"
                f" major={body['major_failure']} minor={body['minor_failure']}")
    if header == "process":
        return (f"{body['application_name']}:{body['process_name']} {body['statename']}"
                f" on {body['identifiers']}")
    if header == "event":
        if body.get("state") == -1 and "identifier" not in body:
            return f"{body['group']}:{body['name']} removed"
        return (f"{body['group']}:{body['name']} state={body['state']} pid={body['pid']}"
                f" on {body['nick_identifier']}")
    return json.dumps(body)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=60002)
    parser.add_argument("--json", action="store_true", help="print the raw JSON bodies")
    parser.add_argument("--count", type=int, default=0, help="stop after N messages")
    parser.add_argument("--curve-server-key", help="the publisher's public key file (.pub)")
    parser.add_argument("--curve-key", help="this subscriber's secret key file (.key)")
    parser.add_argument("headers", nargs="*")
    args = parser.parse_args()

    context = zmq.Context()
    socket = context.socket(zmq.SUB)
    socket.setsockopt(zmq.LINGER, 0)
    if args.curve_server_key or args.curve_key:
        if not (args.curve_server_key and args.curve_key):
            sys.exit("CURVE needs both --curve-server-key and --curve-key")
        secret = read_key(args.curve_key, True)
        socket.curve_serverkey = read_key(args.curve_server_key, False)
        socket.curve_secretkey = secret
        socket.curve_publickey = zmq.curve_public(secret)
    for header in args.headers or [""]:
        socket.setsockopt_string(zmq.SUBSCRIBE, header)
    socket.connect(f"tcp://{args.host}:{args.port}")
    seen = 0
    try:
        while args.count == 0 or seen < args.count:
            header, body = socket.recv_multipart()
            header = header.decode()
            data = json.loads(body)
            if args.json:
                print(header, json.dumps(data, sort_keys=True), flush=True)
            else:
                print(f"{header:12} {describe(header, data)}", flush=True)
            seen += 1
    except KeyboardInterrupt:
        pass
    finally:
        socket.close()
        context.term()


if __name__ == "__main__":
    main()
