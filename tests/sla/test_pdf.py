"""The PDF renderer reads the project's static files and nothing else."""

import pytest
from weasyprint.urls import URLFetchingError

from redegov.pdf import StaticFilesFetcher


def test_the_fetcher_serves_static_files():
    response = StaticFilesFetcher().fetch("http://127.0.0.1:8000/static/css/portal.css")
    assert response.content_type == "text/css"
    assert b"body" in response.read()


@pytest.mark.parametrize(
    "url",
    [
        "https://fonts.example.com/font.woff2",
        "http://127.0.0.1:8000/static/css/missing.css",
        "http://127.0.0.1:8000/media/secret.pdf",
        "file:///etc/passwd",
    ],
)
def test_the_fetcher_refuses_anything_else(url):
    with pytest.raises(URLFetchingError):
        StaticFilesFetcher().fetch(url)
