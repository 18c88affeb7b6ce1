"""Rate limit of password-reset requests (docs/users.md, "Senha esquecida"): at most
PASSWORD_RESET_PER_HOUR an hour for one e-mail address and as many for one client address,
counted in the cache."""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache

WINDOW_SECONDS = 3600


def counter_key(kind: str, value: str, window: int) -> str:
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]
    return f"people:reset:{kind}:{digest}:{window}"


def _count(kind: str, value: str, window: int) -> int:
    key = counter_key(kind, value, window)
    cache.add(key, 0, timeout=WINDOW_SECONDS + 5)
    return cache.incr(key)


def password_reset_allowed(*, email: str, ip: str, now: float | None = None) -> tuple[bool, int]:
    """Count one request for this e-mail from this address in the current hour; (allowed,
    seconds until the hour ends). Both counters grow on every request, refused ones too."""
    now = time.time() if now is None else now
    window = int(now // WINDOW_SECONDS)
    by_email = _count("email", email, window)
    by_ip = _count("ip", ip or "-", window)
    limit = settings.PASSWORD_RESET_PER_HOUR
    return by_email <= limit and by_ip <= limit, WINDOW_SECONDS - int(now % WINDOW_SECONDS)
