import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "redegov.settings")
application = get_wsgi_application()

# A worker's long-lived objects (the modules, the URL patterns and the views they import: about
# 200 000 of them) are set out of the garbage collector's reach: otherwise every full collection
# walks them all, and the request during which it runs takes 100-300 ms longer
# (docs/benchmarks.md, "Pages under load").
get_resolver().url_patterns  # noqa: B018 - imported now, so that they are frozen too
gc.freeze()
