class DomainError(Exception):
    """A business rule refused an action; the message is shown to the user (pt-BR)."""


class TransientError(Exception):
    """A failure worth retrying (a network peer that did not answer, a lock not obtained)."""
