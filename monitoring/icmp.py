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

ECHO_REQUEST = 8
ECHO_REPLY = 0
PAYLOAD = b"redegov-noc-poll".ljust(32, b".")
RECEIVE_BUFFER = 4 * 1024 * 1024


@dataclass
class EchoStats:
    """One target's echoes in one poll: sent, answered, and the sum of the answers' RTTs."""

    sent: int = 0
    received: int = 0
    rtt_sum_us: int = 0


def checksum(data: bytes) -> int:
    """The Internet checksum (RFC 1071)."""
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    total = (total >> 16) + (total & 0xFFFF)
    total += total >> 16
    return ~total & 0xFFFF


def _echo_packet(ident: int, seq: int) -> bytes:
    header = struct.pack("!BBHHH", ECHO_REQUEST, 0, 0, ident, seq)
    return struct.pack("!BBHHH", ECHO_REQUEST, 0, checksum(header + PAYLOAD), ident, seq) + PAYLOAD


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
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RECEIVE_BUFFER)
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
            stats[address].received += 1
            stats[address].rtt_sum_us += (received_ns - sent_ns) // 1000
