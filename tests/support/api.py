"""API tests: each persona of tests/conftest.py calls the API with a token of its own, made by
the same service as the portal's token page."""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from api.services import api_token_create


def token_for(user, **kwargs) -> str:
    kwargs.setdefault("expires_on", None)
    return api_token_create(user=user, name="integração", now=timezone.now(), **kwargs)[1]


def client_with(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


@pytest.fixture
def api(personas):
    """`api("carrier_a")`: an API client authenticated by a fresh token of that persona."""

    def make(persona: str) -> APIClient:
        return client_with(token_for(getattr(personas, persona)))

    return make


def ids(response) -> list:
    return [row["id"] for row in response.json()["results"]]
