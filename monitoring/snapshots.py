"""The state machine's state as JSON, to be saved with the cycle that produced it."""

from dataclasses import asdict, fields
from datetime import datetime
from typing import Any

from monitoring.engine import LinkState, NetworkState, PathState

_PATH_INSTANTS = ("streak_start", "down_since", "window_start")


def _instant(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _text(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _intervals_to_json(intervals) -> list[list[str | None]]:
    return [[_text(start), _text(end)] for start, end in intervals]


def _intervals_from_json(data) -> list[tuple[datetime, datetime | None]]:
    return [(_instant(start), _instant(end)) for start, end in data]


def link_state_to_json(state: LinkState) -> dict[str, Any]:
    paths = []
    for path in state.paths:
        data = asdict(path)
        for name in _PATH_INSTANTS:
            data[name] = _text(data[name])
        paths.append(data)
    return {
        "paths": paths,
        "interruption_start": _text(state.interruption_start),
        "redundancy_lost_since": _text(state.redundancy_lost_since),
        "pending_windows": _intervals_to_json(state.pending_windows),
        "recent_interruptions": _intervals_to_json(state.recent_interruptions),
    }


def link_state_from_json(data: dict[str, Any]) -> LinkState:
    names = {f.name for f in fields(PathState)}
    paths = []
    for raw in data["paths"]:
        values = {k: v for k, v in raw.items() if k in names}
        for name in _PATH_INSTANTS:
            values[name] = _instant(values.get(name))
        paths.append(PathState(**values))
    return LinkState(
        paths=paths,
        interruption_start=_instant(data["interruption_start"]),
        redundancy_lost_since=_instant(data["redundancy_lost_since"]),
        pending_windows=_intervals_from_json(data["pending_windows"]),
        recent_interruptions=_intervals_from_json(data["recent_interruptions"]),
    )


def network_to_json(state: NetworkState) -> dict[str, Any]:
    return {
        "blind_since": _text(state.blind_since),
        "recent_blind": _intervals_to_json(state.recent_blind),
    }


def network_from_json(
    data: dict[str, Any], last_cycle_id: int | None, links: dict[int, LinkState]
) -> NetworkState:
    return NetworkState(
        last_cycle_id=last_cycle_id,
        blind_since=_instant(data.get("blind_since")),
        recent_blind=_intervals_from_json(data.get("recent_blind", [])),
        links=links,
    )
