"""JSON lines for log collectors (DJANGO_LOG_FORMAT=json, docs/operations.md, "Logs").

Each record becomes one JSON object on one line: time (UTC, ISO 8601), level, logger, message,
the exception's traceback if any, and the record's `fields` (a dict a caller passes as
`extra={"fields": {...}}`: a request's method, path, view, status and duration; a poll cycle's
shard and figures)."""

import json
import logging
from datetime import UTC, datetime


class JsonLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            entry.update(fields)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
