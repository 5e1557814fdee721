#!/usr/bin/python3
"""A diagnosis for bench/run.sh's application figures, not a product setting: turns the main
loop of each given supervisord every PERIOD seconds with a cheap supervisor.getState call on
its unix socket, for at most LIMIT seconds (until killed, normally).

Why: supervisord 4.2 sleeps in poll() with a 1 s timeout. A process leaves STARTING (after
startsecs) and is reaped after a stop only when the loop turns, so without other traffic both
wait up to 1 s (docs/RELAY.md). Run beside the benchmark, this shows what the agent itself
achieves once supervisord's loop is no longer the limit.

Usage: turn_supervisord.py PERIOD LIMIT SOCKET...
Standard library only: run it with /usr/bin/python3.
"""
import http.client
import socket
import sys
import time

BODY = (b"<?xml version='1.0'?><methodCall><methodName>supervisor.getState</methodName>"
        b"<params></params></methodCall>")


class UnixConnection(http.client.HTTPConnection):
    def __init__(self, path):
        super().__init__("localhost", timeout=5)
        self.socket_path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(5)
        self.sock.connect(self.socket_path)


def main():
    period, limit, paths = float(sys.argv[1]), float(sys.argv[2]), sys.argv[3:]
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        for path in paths:
            try:
                connection = UnixConnection(path)
                connection.request("POST", "/RPC2", BODY, {"Content-Type": "text/xml"})
                connection.getresponse().read()
                connection.close()
            except OSError:
                pass  # supervisord not there (yet, or any more)
        time.sleep(period)


if __name__ == "__main__":
    main()
