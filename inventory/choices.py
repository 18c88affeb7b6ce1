from django.db import models


class Participation(models.TextChoices):
    COMPULSORY = "compulsory", "Obrigatória"
    OPTIONAL = "optional", "Facultativa"


class Regime(models.TextChoices):
    LEI_8666 = "8666", "Lei 8.666/93"
    LEI_13303 = "13303", "Lei 13.303/16"
    LEI_14133 = "14133", "Lei 14.133/21"


class Region(models.TextChoices):
    METRO = "metro", "RMBH"
    INTERIOR = "interior", "Interior"


class AccessType(models.TextChoices):
    SIMPLE = "simple", "Simples"
    REDUNDANT = "redundant", "Redundante"


class LinkStatus(models.TextChoices):
    ORDERED = "ordered", "Solicitado"
    ACTIVE = "active", "Ativo"
    CANCELLED = "cancelled", "Cancelado"
