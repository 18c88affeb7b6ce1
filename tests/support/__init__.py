"""What the tests share, in one place: instants (`time`), and per app the helpers that write rows
at exact instants and the fixtures built on them. tests/conftest.py registers the fixture
modules, so every test sees the same fixtures under the same names; test modules import only
from here and from the factories (tests/<app>/factories.py), never from one another."""
