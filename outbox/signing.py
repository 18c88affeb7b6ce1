"""Webhook signatures: HMAC-SHA256 of "<timestamp>.<body>" with a secret the receiver holds.

The outbox does not know where secrets live: a domain app registers a source for a prefix
(monitoring registers "carrier", the carriers' CarrierChannel secrets) and a message names its
secret as "<prefix>:<ref>" (`Message.signer`). The secret is read when the message is sent, so a
secret rotated meanwhile signs the next attempt.
"""

import hashlib
import hmac
from collections.abc import Callable

_SOURCES: dict[str, Callable[[str], str]] = {}


def secret_source(prefix: str) -> Callable[[Callable[[str], str]], Callable[[str], str]]:
    """Register `function(ref) -> secret` for signers named "<prefix>:<ref>"."""

    def register(function: Callable[[str], str]) -> Callable[[str], str]:
        _SOURCES[prefix] = function
        return function

    return register


def signer_secret(signer: str) -> str:
    prefix, _, ref = signer.partition(":")
    if prefix not in _SOURCES:
        raise ValueError(f"fonte de segredo desconhecida: {prefix}")
    return _SOURCES[prefix](ref)


def webhook_signature(*, secret: str, timestamp: str, body: bytes) -> str:
    """HMAC-SHA256 of "<timestamp>.<body>" with the secret, as lowercase hex."""
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
