"""The state machine's state, saved with the cycle that produced it: the network's part as
JSON, the links' as one compact blob.

The blob is `marshal` of plain tuples (instants as integer microseconds since the epoch), not
pickle: it holds no code and loads nothing but numbers, and 10^5 links are written in a fraction
of a second (JSON per link took seconds)."""

import marshal
from datetime import UTC, datetime, timedelta
from typing import Any

from monitoring.engine import LinkState, NetworkState, PathState

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)
FORMAT = 1  # the first element of a blob: bump it when the tuples change


def _text(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _instant(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def links_to_blob(links: dict[int, LinkState]) -> bytes:
    # Most instants are shared by many links (a cycle's, a window's): each is converted once.
    memo: dict[datetime, int] = {}

    def us(value: datetime | None) -> int | None:
        if value is None:
            return None
        found = memo.get(value)
        if found is None:
            found = memo[value] = (value - EPOCH) // MICROSECOND
        return found

    rows = [
        (
            link_id,
            tuple(
                (
                    p.streak_count,
                    us(p.streak_start),
                    us(p.down_since),
                    us(p.window_start),
                    p.window_sent,
                    p.window_received,
                    p.window_rtt_sum_us,
                    p.window_down,
                )
                for p in link.paths
            ),
            us(link.interruption_start),
            us(link.redundancy_lost_since),
            tuple((us(a), us(b)) for a, b in link.pending_windows),
            tuple((us(a), us(b)) for a, b in link.recent_interruptions),
        )
        for link_id, link in links.items()
    ]
    return marshal.dumps((FORMAT, rows))


def links_from_blob(blob: bytes) -> dict[int, LinkState]:
    """The links' states saved by `links_to_blob` ({} for an empty blob: no state yet)."""
    if not blob:
        return {}
    version, rows = marshal.loads(blob)  # noqa: S302 - our own blob of numbers, see the module
    if version != FORMAT:
        raise ValueError(f"estado do motor em formato {version}, esperado {FORMAT}")
    memo: dict[int, datetime] = {}

    def at(value: int | None) -> datetime | None:
        if value is None:
            return None
        found = memo.get(value)
        if found is None:
            found = memo[value] = EPOCH + value * MICROSECOND
        return found

    return {
        link_id: LinkState(
            paths=[
                PathState(count, at(streak), at(down), at(window), sent, received, rtt, wdown)
                for count, streak, down, window, sent, received, rtt, wdown in paths
            ],
            interruption_start=at(interruption),
            redundancy_lost_since=at(redundancy),
            pending_windows=[(at(a), at(b)) for a, b in pending],
            recent_interruptions=[(at(a), at(b)) for a, b in recent],
        )
        for link_id, paths, interruption, redundancy, pending, recent in rows
    }


def network_to_json(state: NetworkState) -> dict[str, Any]:
    return {
        "blind_since": _text(state.blind_since),
        "recent_blind": [[_text(start), _text(end)] for start, end in state.recent_blind],
    }


def network_from_json(
    data: dict[str, Any], last_cycle_id: int | None, links: dict[int, LinkState]
) -> NetworkState:
    return NetworkState(
        last_cycle_id=last_cycle_id,
        blind_since=_instant(data.get("blind_since")),
        recent_blind=[(_instant(a), _instant(b)) for a, b in data.get("recent_blind", [])],
        links=links,
    )
