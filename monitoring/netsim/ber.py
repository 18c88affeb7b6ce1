"""The few BER shapes of SNMP v2c GET and GETNEXT, for the simulated agents.

Why not pysnmp's protocol API (pyasn1) here: decoding a request and encoding its response with it
costs about 2 ms of CPU, so one agent process answered 500 requests/s and could not simulate
100 000 CPEs beside the poller on two cores; with these functions an agent spends about 0.13 ms
per request in all (docs/netsim.md). The poller still decodes every reply with pysnmp, and the
tests query the agents with pysnmp's own `get_cmd` and `next_cmd`, so both directions are
checked against pysnmp.

Anything that is not a well-formed v2c message raises ValueError."""

from __future__ import annotations

import functools
from typing import NamedTuple

SEQUENCE, INTEGER, OCTET_STRING, NULL, OID = 0x30, 0x02, 0x04, 0x05, 0x06
GAUGE32, TIMETICKS, COUNTER64 = 0x42, 0x43, 0x46
NO_SUCH_INSTANCE, END_OF_MIB_VIEW = 0x81, 0x82
GET, GET_NEXT, RESPONSE = 0xA0, 0xA1, 0xA2
VERSION_2C = 1

Value = tuple[int, int | None]  # (tag, integer or None for the empty exceptions)


class Request(NamedTuple):
    community: bytes
    kind: int  # GET or GET_NEXT
    request_id: int
    oids: list[tuple[int, ...]]


def _element(data: bytes, at: int) -> tuple[int, bytes, int]:
    """The tag, content and end of the element that starts at `at`."""
    if at + 2 > len(data):
        raise ValueError("truncated")
    tag, length, at = data[at], data[at + 1], at + 2
    if length & 0x80:
        size = length & 0x7F
        if not 0 < size <= 4 or at + size > len(data):
            raise ValueError("bad length")
        length, at = int.from_bytes(data[at : at + size], "big"), at + size
    if at + length > len(data):
        raise ValueError("truncated")
    return tag, data[at : at + length], at + length


def _expect(data: bytes, at: int, tag: int) -> tuple[bytes, int]:
    found, content, end = _element(data, at)
    if found != tag:
        raise ValueError(f"expected tag {tag:#x}, found {found:#x}")
    return content, end


def _integer(content: bytes) -> int:
    if not 0 < len(content) <= 9:
        raise ValueError("bad integer")
    return int.from_bytes(content, "big", signed=True)


@functools.lru_cache(maxsize=4096)  # the same few OIDs in every request
def _oid(content: bytes) -> tuple[int, ...]:
    arcs, value = [], 0
    for byte in content:
        value = value << 7 | byte & 0x7F
        if not byte & 0x80:
            arcs.append(value)
            value = 0
    if not arcs or content[-1] & 0x80:
        raise ValueError("bad object identifier")
    first = min(arcs[0] // 40, 2)
    return (first, arcs[0] - 40 * first, *arcs[1:])


def decode_request(message: bytes) -> Request:
    """A v2c GET or GETNEXT request (the values of its var-binds are ignored)."""
    body, _ = _expect(message, 0, SEQUENCE)
    version, at = _expect(body, 0, INTEGER)
    if _integer(version) != VERSION_2C:
        raise ValueError("not SNMP v2c")
    community, at = _expect(body, at, OCTET_STRING)
    kind, pdu, _ = _element(body, at)
    if kind not in (GET, GET_NEXT):
        raise ValueError(f"not a GET or GETNEXT: {kind:#x}")
    request_id, at = _expect(pdu, 0, INTEGER)
    for _ in range(2):  # error-status and error-index
        _, at = _expect(pdu, at, INTEGER)
    var_binds, _ = _expect(pdu, at, SEQUENCE)
    oids, at = [], 0
    while at < len(var_binds):
        var_bind, at = _expect(var_binds, at, SEQUENCE)
        oid, _ = _expect(var_bind, 0, OID)
        oids.append(_oid(oid))
    return Request(community, kind, _integer(request_id), oids)


def _tlv(tag: int, content: bytes) -> bytes:
    length = len(content)
    if length < 0x80:
        return bytes((tag, length)) + content
    size = (length.bit_length() + 7) // 8
    return bytes((tag, 0x80 | size)) + length.to_bytes(size, "big") + content


def _encode_integer(tag: int, value: int) -> bytes:
    return _tlv(tag, value.to_bytes(value.bit_length() // 8 + 1, "big", signed=True))


@functools.lru_cache(maxsize=4096)
def _encode_oid(oid: tuple[int, ...]) -> bytes:
    content = bytearray()
    for arc in (oid[0] * 40 + oid[1], *oid[2:]):
        chunk = [arc & 0x7F]
        while arc := arc >> 7:
            chunk.append(0x80 | arc & 0x7F)
        content.extend(reversed(chunk))
    return _tlv(OID, bytes(content))


def encode_response(request: Request, var_binds: list[tuple[tuple[int, ...], Value]]) -> bytes:
    """The response to `request`: no error, these var-binds."""
    encoded = b"".join(
        _tlv(
            SEQUENCE,
            _encode_oid(oid) + (_tlv(tag, b"") if value is None else _encode_integer(tag, value)),
        )
        for oid, (tag, value) in var_binds
    )
    pdu = (
        _encode_integer(INTEGER, request.request_id)
        + _encode_integer(INTEGER, 0)
        + _encode_integer(INTEGER, 0)
        + _tlv(SEQUENCE, encoded)
    )
    return _tlv(
        SEQUENCE,
        _encode_integer(INTEGER, VERSION_2C)
        + _tlv(OCTET_STRING, request.community)
        + _tlv(RESPONSE, pdu),
    )
