"""Monitoring's models, one module per thing they hold: outages (and decisions, disputes),
polling (shards, cursors, tallies, settings), evidence (5-minute windows), tickets, maintenance
windows and the NOC panel. Import them from `monitoring.models`."""

from monitoring.models.evidence import (
    EVIDENCE_WINDOW_MINUTES,
    MAX_CYCLES_PER_WINDOW,
    PollWindow,
    cycle_bits_kept,
)
from monitoring.models.maintenance import MaintenanceWindow
from monitoring.models.outages import (
    Dispute,
    DisputeAttachment,
    Outage,
    OutageDecision,
    RedundancyLoss,
    TsTzRange,
)
from monitoring.models.panel import (
    IncidentNote,
    IrregularityAttachment,
    IrregularityReport,
    OutageSubscription,
)
from monitoring.models.polling import (
    BlindPeriod,
    Canary,
    CycleTally,
    CycleVerdict,
    EngineCursor,
    MonitoringSettings,
    PollShard,
    ShardLot,
    SnmpSample,
)
from monitoring.models.tickets import CarrierChannel, Ticket, TicketMessage

__all__ = [
    "EVIDENCE_WINDOW_MINUTES",
    "MAX_CYCLES_PER_WINDOW",
    "BlindPeriod",
    "Canary",
    "CarrierChannel",
    "CycleTally",
    "CycleVerdict",
    "Dispute",
    "DisputeAttachment",
    "EngineCursor",
    "IncidentNote",
    "IrregularityAttachment",
    "IrregularityReport",
    "MaintenanceWindow",
    "MonitoringSettings",
    "Outage",
    "OutageDecision",
    "OutageSubscription",
    "PollShard",
    "PollWindow",
    "RedundancyLoss",
    "ShardLot",
    "SnmpSample",
    "Ticket",
    "TicketMessage",
    "TsTzRange",
    "cycle_bits_kept",
]
