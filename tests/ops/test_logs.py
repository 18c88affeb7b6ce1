"""DJANGO_LOG_FORMAT=json: one JSON object per line, a line per request with its view."""

import json
import logging

import pytest
from django.test import Client

from redegov.logs import JsonLines


class Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(JsonLines())
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def request_lines():
    logger = logging.getLogger("redegov.requests")
    handler, level = Lines(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)  # what DJANGO_LOG_FORMAT=json sets
    yield handler.lines
    logger.removeHandler(handler)
    logger.setLevel(level)


def test_a_record_is_one_json_line_with_its_fields():
    record = logging.LogRecord("redegov.cycles", logging.INFO, __file__, 1, "ciclo %s", (7,), None)
    record.fields = {"event": "poll_cycle", "shard": "principal", "echoes_lost": 2}
    line = JsonLines().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["message"] == "ciclo 7"
    assert entry["level"] == "INFO"
    assert entry["logger"] == "redegov.cycles"
    assert entry["time"].endswith("+00:00")
    assert (entry["event"], entry["shard"], entry["echoes_lost"]) == ("poll_cycle", "principal", 2)


@pytest.mark.django_db
def test_each_request_logs_a_json_line(request_lines, personas):
    client = Client()
    client.force_login(personas.noc)
    client.get("/acessos/")
    client.get("/nao-existe/")
    entries = [json.loads(line) for line in request_lines]
    assert [(e["event"], e["path"], e["status"]) for e in entries] == [
        ("request", "/acessos/", 200),
        ("request", "/nao-existe/", 404),
    ]
    assert entries[0]["view"] == "inventory:link-list"
    assert entries[0]["user"] == "noc"
    assert entries[1]["view"] == "unresolved"
    assert entries[0]["duration_seconds"] > 0
