"""The simulated network: loopback CPEs that answer ICMP and SNMP, and real faults injected with
nftables. See docs/netsim.md."""

from monitoring.netsim.agent import OPER_DOWN, OPER_UP, Device
from monitoring.netsim.faults import DEFAULT_CANARY, DEFAULT_TABLE, FaultTable, loopback, loopbacks
from monitoring.netsim.slow import SlowResponder
from monitoring.netsim.snmp import SnmpAgents, snmp_get

__all__ = [
    "DEFAULT_CANARY",
    "DEFAULT_TABLE",
    "OPER_DOWN",
    "OPER_UP",
    "Device",
    "FaultTable",
    "SlowResponder",
    "SnmpAgents",
    "loopback",
    "loopbacks",
    "snmp_get",
]
