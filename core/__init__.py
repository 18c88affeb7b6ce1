"""Helpers that need no app of the portal: money, instants, CSV machinery, exports, charts and
the template filters that format them. Every app may import `core`; `core` imports no app
(docs/architecture.md)."""
