"""A slow CPE: echo replies after a delay, for latency degradation (no `tc netem` on this kernel).

The `FaultTable` drops the kernel's own echo replies (mark 0) from its `slow` addresses in the
output hook. `SlowResponder` sees every echo request to a loopback address on a raw ICMP socket
(requests to down addresses are dropped before it, and lost ones too), waits `delay_ms`, and
answers from the requested address (IP_PKTINFO) on a socket whose packets carry the table's mark
(SO_MARK, root only). The table lets these marked replies through only for its slow addresses, so
every other address keeps exactly one (immediate) reply.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import socket
import struct
import threading
import time

from monitoring.icmp import ECHO_REPLY, ECHO_REQUEST, checksum
from monitoring.netsim.faults import table_mark

IP_PKTINFO = getattr(socket, "IP_PKTINFO", 8)  # Linux's value; Python 3.11 lacks the name
_POLL_S = 0.1  # how often the thread looks at its stop flag when idle


def echo_reply(request: bytes) -> bytes:
    """The ICMP echo reply to an ICMP echo request (same id, sequence and payload)."""
    body = request[4:]
    header = struct.pack("!BBH", ECHO_REPLY, 0, 0)
    return struct.pack("!BBH", ECHO_REPLY, 0, checksum(header + body)) + body


class SlowResponder:
    """Answers the echoes of a table's slow addresses after `delay_ms`, from a thread."""

    def __init__(self, delay_ms: float, mark: int = table_mark("redegov_netsim")):
        self.delay_s = delay_ms / 1000
        self.mark = mark
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._sock: socket.socket | None = None

    def start(self) -> SlowResponder:
        sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_MARK, self.mark)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        self._sock = sock
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="netsim-slow", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join()
            self._thread = None
        if self._sock:
            self._sock.close()
            self._sock = None

    def __enter__(self) -> SlowResponder:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def _run(self) -> None:
        sock = self._sock
        pending: list[tuple[float, int, bytes, str, str]] = []  # due, tiebreak, reply, src, dst
        order = itertools.count()
        while not self._stop.is_set():
            now = time.monotonic()
            while pending and pending[0][0] <= now:
                _, _, reply, src, dst = heapq.heappop(pending)
                pktinfo = struct.pack("=I4s4s", 0, socket.inet_aton(src), bytes(4))
                # The table drops (EPERM) the replies of addresses that are not slow.
                with contextlib.suppress(PermissionError):
                    sock.sendmsg([reply], [(socket.IPPROTO_IP, IP_PKTINFO, pktinfo)], 0, (dst, 0))
            sock.settimeout(min(pending[0][0] - now, _POLL_S) if pending else _POLL_S)
            try:
                packet, (sender, _) = sock.recvfrom(65535)
            except TimeoutError:
                continue
            header_len = (packet[0] & 0x0F) * 4
            icmp = packet[header_len:]
            target = socket.inet_ntoa(packet[16:20])
            if len(icmp) >= 8 and icmp[0] == ECHO_REQUEST and packet[16] == 127:  # to 127.0.0.0/8
                due = time.monotonic() + self.delay_s
                heapq.heappush(pending, (due, next(order), echo_reply(icmp), target, sender))
