"""Reads about people: the invitations an administrator follows (docs/users.md)."""

from django.db.models import QuerySet

from people.models import Invitation


def invitation_open_list() -> QuerySet[Invitation]:
    """Invitations neither accepted nor revoked (expired ones included: they are resent), with
    their user, ties and e-mail, newest first."""
    return Invitation.objects.filter(accepted_at=None, revoked_at=None).select_related(
        "user", "user__agency", "user__unit", "user__carrier", "message", "created_by"
    )


def invitation_by_token(token_hash: str) -> Invitation | None:
    return Invitation.objects.select_related("user").filter(token_hash=token_hash).first()
