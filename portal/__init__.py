"""The top of the portal: what uses every app (the home page, the URL root, /metrics, seed_demo,
verify_backup). No app imports `portal` (docs/architecture.md)."""
