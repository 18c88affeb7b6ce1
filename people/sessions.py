"""Sessions (docs/users.md, "Sessões"): the idle timeout and ending every session of a person.

Sessions live in the database (django.contrib.sessions); a person's sessions are found by the
user id each one holds. The idle timeout keeps the instant of the latest request in the session
(rewritten at most once a minute) and ends a session idle for longer than SESSION_IDLE_MINUTES.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY, SESSION_KEY, logout
from django.contrib.sessions.models import Session
from django.db import transaction
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

LAST_SEEN = "people:last_seen"
REFRESH_SECONDS = 60


def sessions_end_all(*, user) -> int:
    """End every session of the user (every browser and device); returns how many. API tokens
    are not sessions: they are revoked on their own page."""
    ended = 0
    with transaction.atomic():
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
            data = session.get_decoded()
            if data.get(SESSION_KEY) == str(user.pk) and BACKEND_SESSION_KEY in data:
                session.delete()
                ended += 1
    return ended


class IdleTimeoutMiddleware:
    """Log out a session idle for more than SESSION_IDLE_MINUTES (0: never), sending the person
    to the login page with a message. After AuthenticationMiddleware and MessageMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        minutes = settings.SESSION_IDLE_MINUTES
        if minutes and request.user.is_authenticated:
            now = time.time()
            last_seen = request.session.get(LAST_SEEN)
            if last_seen is not None and now - last_seen > minutes * 60:
                logout(request)
                messages.info(request, f"Sua sessão terminou após {minutes} minutos sem uso.")
                query = urlencode({"next": request.get_full_path()})
                return HttpResponseRedirect(f"{reverse(settings.LOGIN_URL)}?{query}")
            if last_seen is None or now - last_seen > REFRESH_SECONDS:
                request.session[LAST_SEEN] = now
        return self.get_response(request)
