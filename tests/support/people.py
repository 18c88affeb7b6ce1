"""Writing the CSV files of a fresh installation, reading the links of the mail it sends, and
typing the code an authenticator app shows."""

import re
from pathlib import Path

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from outbox.choices import MessageKind
from outbox.models import Message

CARRIERS = "code,name,cnpj\nalfa,Alfa Telecom,33000167000101\n"
AGENCIES = (
    "code,name,cnpj,participation,manager_email,substitute_email\n"
    "SEF,Secretaria de Estado de Fazenda,18715615000160,compulsory,"
    "Gestora@Fazenda.mg.gov.br,substituto@fazenda.mg.gov.br\n"
    "SEE,Secretaria de Estado de Educação,17309790000194,optional,,\n"
)
USERS = (
    "email,name,role,agency,unit,carrier\n"
    "gestora@fazenda.mg.gov.br,Ana Gestora,agency_manager,SEF,,\n"
    "servidor@fazenda.mg.gov.br,Bruno Servidor,agency_unit,SEF,Sede,\n"
    "noc@prodemge.gov.br,Carla NOC,noc,,,\n"
    "suporte@alfa.com.br,Davi Alfa,carrier,,,alfa\n"
)
LINK = re.compile(r"/convite/([A-Za-z0-9_-]+)/")


def write_files(directory: Path, **files: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (directory / f"{name}.csv").write_text(text, encoding="utf-8")
    return directory


def fresh_installation(directory: Path) -> Path:
    return write_files(directory, carriers=CARRIERS, agencies=AGENCIES, users=USERS)


def invitation_token(email: str) -> str:
    """The token of the latest invitation e-mailed to `email`."""
    message = (
        Message.objects.filter(kind=MessageKind.INVITATION, to__contains=[email])
        .order_by("-pk")
        .first()
    )
    return LINK.search(message.body).group(1)


def current_code(device: TOTPDevice) -> str:
    """The code the device's authenticator app shows now (its key as stored now)."""
    device.refresh_from_db()
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits).token():06d}"
