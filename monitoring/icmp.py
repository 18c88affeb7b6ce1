"""ICMP echo to many targets through one raw socket (root), replies matched by (id, sequence).

One socket for all targets of a task: every raw ICMP socket receives every reply on the host,
so a socket per target (as most ping libraries open) costs O(targets²) work; here each reply is
read once and looked up in a dict.
"""

import os
import select
import socket
import struct
import time
from collections.abc import Sequence
from dataclasses import dataclass

from monitoring.sockets import receive_buffer

ECHO_REQUEST = 8
ECHO_REPLY = 0
PAYLOAD = b"redegov-noc-poll".ljust(32, b".")
RECEIVE_BUFFER = 64 * 1024 * 1024


@dataclass
class EchoStats:
    """One target's echoes in one poll: sent, answered, and the sum of the answers' RTTs."""

    sent: int = 0
    received: int = 0
    rtt_sum_us: int = 0
    rtt_min_us: int | None = None
    rtt_max_us: int | None = None


SOL_RAW, ICMP_FILTER = 255, 1  # a raw ICMP socket's filter (Linux): bit n set drops ICMP type n


def checksum(data: bytes) -> int:
    """The Internet checksum (RFC 1071)."""
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    total = (total >> 16) + (total & 0xFFFF)
    total += total >> 16
    return ~total & 0xFFFF


# The checksum of a request is this constant part (type, code, payload) plus its identifier and
# sequence: 10^5 packets a cycle are built without summing their payload again.
_CONSTANT_SUM = (~checksum(struct.pack("!BBHHH", ECHO_REQUEST, 0, 0, 0, 0) + PAYLOAD)) & 0xFFFF


def _echo_packet(ident: int, seq: int) -> bytes:
    total = _CONSTANT_SUM + ident + seq
    total = (total >> 16) + (total & 0xFFFF)
    total += total >> 16
    return struct.pack("!BBHHH", ECHO_REQUEST, 0, ~total & 0xFFFF, ident, seq) + PAYLOAD


def ping_many(
    addresses: Sequence[str],
    *,
    count: int = 5,
    interval: float = 0.2,
    timeout: float = 1.0,
) -> dict[str, EchoStats]:
    """Send `count` echoes to each address, one round every `interval` seconds, and wait
    `timeout` seconds after the last round for late replies. Returns stats per address.

    Packets are told apart by (identifier, sequence): each block of 65 536 packets gets its own
    identifier, so any number of targets and rounds is matched exactly.
    """
    stats = {address: EchoStats() for address in addresses}
    if not addresses:
        return stats
    base_ident = os.getpid() & 0xFFFF
    in_flight: dict[tuple[int, int], tuple[str, int]] = {}
    sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    try:
        receive_buffer(sock, RECEIVE_BUFFER)
        # Only echo replies reach the socket: on loopback it would also read back every request
        # it sends (half its reads), elsewhere every ICMP error on the host.
        sock.setsockopt(SOL_RAW, ICMP_FILTER, struct.pack("I", ~(1 << ECHO_REPLY) & 0xFFFFFFFF))
        sock.setblocking(False)
        packet_number = 0
        for round_number in range(count):
            round_started = time.monotonic()
            for address in addresses:
                ident = (base_ident + packet_number // 65536) & 0xFFFF
                seq = packet_number & 0xFFFF
                packet_number += 1
                in_flight[(ident, seq)] = (address, time.monotonic_ns())
                try:
                    sock.sendto(_echo_packet(ident, seq), (address, 0))
                except OSError:
                    in_flight.pop((ident, seq))
                    continue  # an unroutable target: counted as not sent
                stats[address].sent += 1
                if packet_number % 256 == 0:
                    _drain(sock, in_flight, stats, until=None)
            last_round = round_number == count - 1
            until = round_started + (timeout if last_round else interval)
            _drain(sock, in_flight, stats, until=until)
            if not last_round:
                time.sleep(max(0.0, until - time.monotonic()))
    finally:
        sock.close()
    return stats


def _drain(
    sock: socket.socket,
    in_flight: dict[tuple[int, int], tuple[str, int]],
    stats: dict[str, EchoStats],
    *,
    until: float | None,
) -> None:
    """Read replies until every echo is answered or `until` (monotonic seconds) passes; with
    None, read only what is already queued."""
    while in_flight:
        remaining = 0.0 if until is None else until - time.monotonic()
        if until is not None and remaining <= 0:
            return
        readable, _, _ = select.select([sock], [], [], remaining)
        if not readable:
            return
        while True:
            try:
                data = sock.recv(2048)
            except BlockingIOError:
                break
            received_ns = time.monotonic_ns()
            header_length = (data[0] & 0x0F) * 4
            icmp_type, _, _, ident, seq = struct.unpack_from("!BBHHH", data, header_length)
            if icmp_type != ECHO_REPLY:
                continue
            sent = in_flight.pop((ident, seq), None)
            if sent is None:
                continue  # another process's reply, or a duplicate
            address, sent_ns = sent
            rtt = (received_ns - sent_ns) // 1000
            target = stats[address]
            target.received += 1
            target.rtt_sum_us += rtt
            if target.rtt_min_us is None or rtt < target.rtt_min_us:
                target.rtt_min_us = rtt
            if target.rtt_max_us is None or rtt > target.rtt_max_us:
                target.rtt_max_us = rtt
