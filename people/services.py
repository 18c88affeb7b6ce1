"""Writes about people: inviting them, their invitations, accepting one (docs/users.md).

An invited person is a user created inactive, with an unusable password, its role and ties; the
invitation e-mail goes through the outbox in the same transaction (nothing is sent when the
import that invites is rolled back). The link carries a random token; only its SHA-256 is kept.
"""

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from core.exceptions import DomainError
from core.templatetags.formatting import local_dt
from outbox.choices import MessageKind
from outbox.services import message_email
from people.models import Invitation
from redegov.models import User
from redegov.roles import Role, user_roles
from redegov.services import user_ties_check

if TYPE_CHECKING:  # people come before the inventory: its rows are only handed in
    from inventory.models import Agency, AgencyUnit, Carrier


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_link(token: str) -> str:
    return settings.PORTAL_URL + reverse("people:invitation-accept", kwargs={"token": token})


def _invitation_body(user: User, link: str, expires_at: datetime) -> str:
    greeting = f"Olá, {user.first_name}," if user.first_name else "Olá,"
    return (
        f"{greeting}\n\n"
        "você foi cadastrado(a) no portal da Rede Governo (contrato da rede corporativa de "
        "telecomunicações do Estado de Minas Gerais).\n\n"
        f"Para escolher sua senha e ativar seu acesso, abra o endereço abaixo até "
        f"{local_dt(expires_at)}. Ele só pode ser usado uma vez.\n\n"
        f"{link}\n\n"
        f"Seu usuário para entrar no portal é: {user.username}\n\n"
        "Se você não esperava este convite, ignore esta mensagem.\n"
    )


@transaction.atomic
def invitation_send(*, user: User, now: datetime, by: User | None = None) -> Invitation:
    """A new invitation for an inactive user, e-mailed through the outbox; a pending one is
    revoked first (its link stops working). The new token is on `invitation.token`."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active:
        raise DomainError(f"{user.username} já tem acesso ao portal; não precisa de convite.")
    if not user.email:
        raise DomainError(f"{user.username} não tem e-mail para receber o convite.")
    Invitation.objects.filter(user=user, accepted_at=None, revoked_at=None).update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    expires_at = now + timedelta(hours=settings.INVITATION_VALID_HOURS)
    invitation = Invitation(user=user, token_hash=token_hash(token), created_by=by)
    invitation.created_at, invitation.expires_at = now, expires_at
    invitation.full_clean()
    invitation.save()
    invitation.message = message_email(
        kind=MessageKind.INVITATION,
        ref=f"people.invitation:{invitation.pk}",
        to=[user.email],
        subject="Convite para o portal da Rede Governo",
        body=_invitation_body(user, invitation_link(token), expires_at),
    )
    invitation.save(update_fields=["message"])
    invitation.token = token
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation_id: int, now: datetime) -> Invitation:
    """Revoke a pending invitation: its link stops working. Revoking it again does nothing."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation_id)
    if invitation.accepted_at is not None:
        raise DomainError("Este convite já foi aceito; não pode mais ser revogado.")
    if invitation.revoked_at is None:
        invitation.revoked_at = now
        invitation.save(update_fields=["revoked_at"])
    return invitation


def invitation_problem(invitation: Invitation | None, now: datetime) -> str:
    """Why a link cannot be used ("" when it can)."""
    if invitation is None:
        return "Este link de convite não existe. Confira o endereço recebido por e-mail."
    if invitation.accepted_at is not None:
        return "Este link de convite já foi usado. Entre com seu usuário e senha."
    if invitation.revoked_at is not None:
        return "Este convite foi substituído ou revogado. Use o link do e-mail mais recente."
    if invitation.expires_at <= now:
        return "Este convite expirou. Peça a um administrador do portal que o reenvie."
    return ""


@transaction.atomic
def invitation_accept(*, token: str, password: str, now: datetime) -> User:
    """Use the link once: the user gets the password (already validated by the form) and
    becomes active. A used, revoked or expired link is refused (DomainError)."""
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("user")
        .filter(token_hash=token_hash(token))
        .first()
    )
    user = _invitation_use(invitation, now)
    user.set_password(password)
    user.save(update_fields=["password"])
    return user


def _invitation_use(invitation: Invitation | None, now: datetime) -> User:
    """Mark a locked invitation used and its user active; a used, revoked or expired one is
    refused (DomainError)."""
    problem = invitation_problem(invitation, now)
    if problem:
        raise DomainError(problem)
    invitation.accepted_at = now
    invitation.save(update_fields=["accepted_at"])
    user = invitation.user
    user.is_active = True
    user.save(update_fields=["is_active"])
    return user


@transaction.atomic
def sso_person(*, email: str, now: datetime) -> User:
    """The portal user a single sign-on with this (verified) e-mail signs in as (docs/users.md,
    "Entrada única"): the one user of that e-mail, matched case-insensitively. An invited user
    whose invitation is still valid becomes active, the invitation used (as if its link had
    been opened). Nobody is ever created, and nothing of the user but that changes: roles and
    ties stay the portal's. Refused with DomainError: an unknown e-mail, one shared by two
    users, an inactive user with no valid invitation (deactivated, revoked or expired)."""
    users = list(User.objects.select_for_update().filter(email__iexact=email)[:2])
    if not users:
        raise DomainError(
            f"O e-mail {email} não tem acesso ao portal. O acesso é só por convite: peça ao "
            "gestor do seu órgão ou ao administrador do portal que cadastre você."
        )
    if len(users) > 1:
        raise DomainError(
            f"Há mais de um usuário do portal com o e-mail {email}. Peça ao administrador do "
            "portal que corrija o cadastro."
        )
    user = users[0]
    if user.is_active:
        return user
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("user")
        .filter(user=user, accepted_at=None, revoked_at=None)
        .first()
    )
    if invitation is None:
        raise DomainError(
            f"O acesso de {email} ao portal está desativado. Procure o administrador do portal."
        )
    return _invitation_use(invitation, now)


def _split_name(name: str) -> tuple[str, str]:
    first, _, last = name.strip().partition(" ")
    return first[:150], last.strip()[:150]


def _tie_conflicts(user: User, ties: dict[str, object]) -> dict[str, str]:
    errors = {}
    for field, value in ties.items():
        current = getattr(user, f"{field}_id")
        if value is not None and current is not None and current != value.pk:
            errors[field] = f"{user.email} já está ligado(a) a {getattr(user, field)}"
    return errors


@transaction.atomic
def person_invite(
    *,
    email: str,
    role: str,
    now: datetime,
    name: str = "",
    agency: "Agency | None" = None,
    unit: "AgencyUnit | None" = None,
    carrier: "Carrier | None" = None,
) -> User:
    """The person of this e-mail (matched case-insensitively), with this role and ties.

    Someone new becomes an inactive user (username: the e-mail) and is sent an invitation. Someone
    already known gets only what is missing: the role, an empty tie, an empty name; a tie other
    than the one they have is refused, and nobody already known is invited again. So the same
    input twice changes nothing.
    """
    if role not in Role.values:
        raise ValidationError({"role": f"'{role}' não é um papel; use {', '.join(Role.values)}"})
    email = email.strip()
    ties = {"agency": agency, "unit": unit, "carrier": carrier}
    first_name, last_name = _split_name(name)
    user = User.objects.select_for_update().filter(email__iexact=email).first()
    if user is None:
        user_ties_check(roles=[role], **ties)
        user = User(
            username=email.lower(),
            email=email,
            first_name=first_name,
            last_name=last_name,
            is_active=False,
            is_staff=role == Role.ADMIN,
            is_superuser=role == Role.ADMIN,
            **ties,
        )
        user.set_unusable_password()
        user.full_clean()
        user.save()
        user.groups.add(Group.objects.get_or_create(name=role)[0])
        invitation_send(user=user, now=now)
        return user
    conflicts = _tie_conflicts(user, ties)
    if conflicts:
        raise ValidationError(conflicts)
    changed = [f for f, value in ties.items() if value is not None and getattr(user, f) is None]
    for field in changed:
        setattr(user, field, ties[field])
    if name and not user.first_name and not user.last_name:
        user.first_name, user.last_name = first_name, last_name
        changed += ["first_name", "last_name"]
    roles = user_roles(user) | {role}
    user_ties_check(roles=roles, agency=user.agency, unit=user.unit, carrier=user.carrier)
    if changed:
        user.full_clean()
        user.save(update_fields=changed)
    if role not in user_roles(user):
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user
