"""Audit history: every change to a tracked model (insert, update, delete) is kept by database
triggers (django-pghistory), with the user and URL of the request that made it."""

import pghistory


def audited():
    """Decorator for a model whose every change must be kept."""
    return pghistory.track(
        pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent()
    )
