"""Demo history: outages of the months before the demo started, as an external monitoring tool
would have imported them, so that billing staff can compute and close last month in the demo
and see discounts. Deterministic; written once (a second run adds nothing)."""

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from core.instants import month_bounds
from inventory.choices import LinkStatus
from inventory.models import Link
from monitoring.choices import OutageKind, OutageSource, Responsibility
from monitoring.models import Outage

REFERENCE_PREFIX = "DEMO-HIST-"
# Most outages are the carrier's; some the agency's, some in maintenance windows, a few pending.
RESPONSIBILITIES = (
    [Responsibility.CARRIER] * 6
    + [Responsibility.AGENCY] * 2
    + [Responsibility.MAINTENANCE, Responsibility.PENDING]
)


@transaction.atomic
def seed_demo_outage_history(*, months: int = 2, share: float = 0.3, seed: int = 1) -> int:
    """Outages on `share` of the active links in each of the `months` months before this one.
    Returns how many were written (0 when the history exists already)."""
    if Outage.objects.filter(reference__startswith=REFERENCE_PREFIX).exists():
        return 0
    rng = random.Random(seed)  # noqa: S311 - demo data, not a secret
    today = timezone.localdate()
    links = list(
        Link.objects.filter(status=LinkStatus.ACTIVE)
        .order_by("pk")
        .values_list("pk", "activated_at")
    )
    outages = []
    year, month = today.year, today.month
    for _ in range(months):
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
        start, end = month_bounds(year, month)
        for link_id, activated_at in rng.sample(links, int(len(links) * share)):
            at = start + timedelta(
                minutes=rng.randrange(0, int((end - start).total_seconds()) // 60)
            )
            if activated_at >= at:
                continue
            for piece in range(rng.choice([1, 1, 1, 2])):
                begin = at + timedelta(days=piece * 7)
                length = timedelta(minutes=rng.choice([20, 45, 90, 180, 360, 600]))
                if begin + length > end:
                    continue  # history stays in its month
                outages.append(
                    Outage(
                        link_id=link_id,
                        start=begin,
                        end=begin + length,
                        kind=OutageKind.INTERRUPTION,
                        source=OutageSource.IMPORT,
                        responsibility=rng.choice(RESPONSIBILITIES),
                        reference=f"{REFERENCE_PREFIX}{year}{month:02d}-{len(outages) + 1}",
                    )
                )
    Outage.objects.bulk_create(outages, batch_size=2000)
    return len(outages)
