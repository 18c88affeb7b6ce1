"""Writes of monitoring, split by sub-domain: `cycles` (poll results become outages),
`tickets` (chamados and their outbox), `responsibility` (classification, splits, disputes) and
`maintenance` (maintenance windows)."""

from monitoring.services.cycles import (
    _memory,
    canary_upsert,
    cycle_instant,
    cycle_poll,
    cycle_record,
    shard_default,
    snmp_poll,
)

__all__ = [
    "_memory",
    "canary_upsert",
    "cycle_instant",
    "cycle_poll",
    "cycle_record",
    "shard_default",
    "snmp_poll",
]
