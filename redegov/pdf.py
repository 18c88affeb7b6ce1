"""PDF reports: a template rendered to HTML, then to PDF bytes by WeasyPrint. WeasyPrint fetches
every URL a page names: the fetcher here serves the project's static files only and refuses
anything else, so a stray remote font or image can never hang a report (weasyprint fetches
every URL a document names, and would wait on it)."""

import mimetypes
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse, URLFetchingError

from core.bulk import gc_paused


class StaticFilesFetcher(URLFetcher):
    """Answers URLs under STATIC_URL from the static files; every other URL is refused."""

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        prefix = "/" + settings.STATIC_URL.strip("/") + "/"
        path = urlsplit(url).path
        found = finders.find(path.removeprefix(prefix)) if path.startswith(prefix) else None
        if not found:
            raise URLFetchingError(f"recurso externo recusado no PDF: {url}")
        content_type = mimetypes.guess_type(found)[0] or "application/octet-stream"
        return URLFetcherResponse(
            url, body=Path(found).read_bytes(), headers={"Content-Type": content_type}
        )


def render_pdf(template: str, context: dict) -> bytes:
    """The template (a normal template with print CSS) as PDF bytes.

    The cyclic garbage collector is paused while WeasyPrint works: a long table makes hundreds
    of thousands of boxes, all reachable until the PDF is written (bench/report.py)."""
    html = render_to_string(template, context)
    with gc_paused():
        return HTML(
            string=html, base_url=settings.PORTAL_URL + "/", url_fetcher=StaticFilesFetcher()
        ).write_pdf()
