"""Socket options the pollers share (Linux; Python does not name them)."""

import socket

SO_RCVBUFFORCE = 33


def receive_buffer(sock: socket.socket, size: int) -> None:
    """A receive buffer of `size` bytes: past net.core.rmem_max (4 MiB here) with the
    privilege the pollers run with (CAP_NET_ADMIN, root), else as large as allowed. Replies to
    a burst of 10^5 echoes or 10^3 SNMP requests in flight overflow a default buffer and would
    be counted as lost."""
    try:
        sock.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, size)
    except PermissionError:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, size)
