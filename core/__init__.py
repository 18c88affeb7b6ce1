"""Helpers that need no settings and no app: chart geometry, shared by every app."""
