"""The IMR pages: a month's results (filters, export, PDF report), the definitions (changed by
billing staff from a month on), the dashboards per contract, carrier and lot, the committee's
view of the network, and the repeated-breach flags with their ready-made proceeding. Thin:
what a user may see is decided in `sla.selectors`, writes go through `sla.services`."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from core.charts import (
    AMBER,
    DASHED,
    GREEN,
    LINE,
    NAVY,
    PCT,
    RED,
    Axis,
    Chart,
    Series,
    category_chart,
)
from core.exports import export_response
from core.sorting import SORT_PARAM, sort_headers
from core.templatetags.formatting import pct_br
from inventory.models import Contract
from redegov.access import (
    BILLING_STAFF,
    NETWORK_WIDE,
    SUMMARY_READERS,
    holds,
    require,
    sees_whole_network,
)
from redegov.throttling import throttle_expensive
from sla import pdf
from sla.choices import FlagStatus
from sla.exports import RESULT_COLUMNS
from sla.filters import ACCESS_RESULT_SORT, FlagFilter
from sla.forms import (
    BandFormSet,
    DashboardForm,
    DefinitionForm,
    FlagDecisionForm,
    ResultFilterForm,
    band_initial,
    bands_from,
    last_month,
)
from sla.rules import pct_text
from sla.selectors import (
    IndicatorSeries,
    contract_choices,
    dashboard_lots,
    definition_rows,
    flag_get_for_user,
    flag_list,
    indicator_series,
    latest_final_month,
    lot_choices,
    lot_totals,
    money_series,
    month_view,
    proceeding_draft,
    rule_in_force,
    visibility_for,
)
from sla.services import breach_flag_transition, definition_change

PAGE_SIZE = 50


def _tabs(request: HttpRequest, active: str) -> list[tuple[str, str, bool]]:
    """The IMR pages this user may open, for the header of each."""
    user = request.user
    tabs = [
        ("results", "Resultados", "sla:result-list"),
        ("dashboard", "Painel", "sla:dashboard"),
        ("definitions", "Definições", "sla:definition-list"),
    ]
    if sees_whole_network(user):
        tabs.append(("committee", "Visão do comitê", "sla:committee"))
    if holds(user, SUMMARY_READERS):
        tabs.append(("flags", "Reincidências", "sla:flag-list"))
    return [(label, reverse(name), key == active) for key, label, name in tabs]


def _month_view(request: HttpRequest):
    form = ResultFilterForm(request.GET, lots=lot_choices(request.user))
    year, month = form.month()
    data = form.cleaned_data if form.is_valid() else {}
    view = month_view(
        user=request.user,
        year=year,
        month=month,
        now=timezone.now(),
        lot=data.get("lote"),
        code=data.get("indicador", "").upper(),
        missed_only=data.get("descumpridos", False),
    )
    return form, view


@require_GET
def result_list_view(request: HttpRequest) -> HttpResponse:
    form, view = _month_view(request)
    sort = request.GET.get(SORT_PARAM)
    rows = ACCESS_RESULT_SORT.rows(view.access_results, sort)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    ctx = {
        "form": form,
        "view": view,
        "month": view.results,
        "page": page,
        "access_rows": list(page.object_list),
        "headers": ACCESS_RESULT_SORT.headers_for(sort),
        "tabs": _tabs(request, "results"),
    }
    return render(request, "sla/result_list.html", ctx)


@require_GET
@throttle_expensive
def result_export_view(request: HttpRequest, fmt: str) -> HttpResponse:
    _, view = _month_view(request)
    return export_response(
        RESULT_COLUMNS,
        view.lot_results + view.access_results,
        fmt=fmt,
        title=f"IMR {view.results.label}",
        filename=f"imr-{view.results.label}",
    )


@require_GET
@throttle_expensive
def report_pdf_view(request: HttpRequest) -> HttpResponse:
    _, view = _month_view(request)
    response = HttpResponse(pdf.month_report(view=view, at=timezone.now()), "application/pdf")
    response["Content-Disposition"] = f'inline; filename="imr-{view.results.label}.pdf"'
    return response


@require_GET
def definition_list_view(request: HttpRequest) -> HttpResponse:
    visibility_for(request.user)
    contracts = list(contract_choices())
    chosen = next((c for c in contracts if str(c.pk) == request.GET.get("contrato")), None)
    contract = chosen or (contracts[0] if contracts else None)
    today = timezone.localdate()
    ctx = {
        "contracts": contracts,
        "contract": contract,
        "rows": definition_rows(contract=contract, today=today) if contract else [],
        "is_staff": holds(request.user, BILLING_STAFF),
        "today": today,
        "tabs": _tabs(request, "definitions"),
    }
    return render(request, "sla/definition_list.html", ctx)


@require_http_methods(["GET", "POST"])
def definition_change_view(request: HttpRequest, contract_id: int, code: str) -> HttpResponse:
    require(request.user, BILLING_STAFF)
    contract = get_object_or_404(Contract, pk=contract_id)
    year, month = last_month()
    current = rule_in_force(contract=contract, code=code, day=date(year, month, 1))
    form = DefinitionForm(request.POST or None, initial=DefinitionForm.initial_for(current))
    # Posted bands are read as typed: compared with an initial, an unchanged row would be lost.
    initial = None if request.method == "POST" else band_initial(current)
    bands = BandFormSet(request.POST or None, initial=initial, prefix="faixas")
    if request.method == "POST" and form.is_valid() and bands.is_valid():
        try:
            definition_change(
                contract=contract,
                rule=form.rule(current, bands_from(bands, current.scope)),
                valid_from=form.valid_from_date(),
                user=request.user,
                now=timezone.now(),
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(
                request, f"{code} alterado a partir de {form.valid_from_date():%m/%Y}."
            )
            return redirect(f"{reverse('sla:definition-list')}?contrato={contract.pk}")
    ctx = {
        "contract": contract,
        "rule": current,
        "form": form,
        "bands": bands,
        "tabs": _tabs(request, "definitions"),
    }
    return render(request, "sla/definition_form.html", ctx)


NOTHING_COUNTED = (
    "Sem resultados a mostrar: nenhuma competência fechada, ou nada contado nelas (não se aplica)."
)


def _chart(series: IndicatorSeries) -> Chart:
    """An indicator month by month against its target: a dot per month, green when the
    target was met, red when missed; the target dashed."""
    points = series.points
    return category_chart(
        title=f"{series.code} · {series.name}",
        unit=PCT,
        categories=[p.label for p in points],
        series=[
            Series(
                "Resultado",
                NAVY,
                [p.value for p in points],
                style=LINE,
                colors=[NAVY if p.met is None else GREEN if p.met else RED for p in points],
                titles=[f"{p.label}: {pct_br(pct_text(p.value))}" for p in points],
            ),
            Series("Meta", AMBER, [p.target for p in points], style=DASHED),
        ],
        axis=Axis.fitted([v for p in points for v in (p.value, p.target) if v is not None]),
        note="Pontos verdes: meta cumprida; vermelhos: descumprida.",
        empty_text=NOTHING_COUNTED,
    )


def _share_chart(title: str, values: list[tuple[str, Fraction | None]]) -> Chart:
    """A percentage month by month (the network's availability, glosas' share of billing)."""
    return category_chart(
        title=title,
        unit=PCT,
        categories=[label for label, _ in values],
        series=[Series(title, NAVY, [v for _, v in values], style=LINE)],
        axis=Axis.fitted([v for _, v in values if v is not None]),
        empty_text=NOTHING_COUNTED,
    )


@require_GET
def dashboard_view(request: HttpRequest) -> HttpResponse:
    lots = lot_choices(request.user)
    form = DashboardForm(request.GET, lots=lots)
    carrier = form.value("operadora")
    lot_ids = dashboard_lots(
        user=request.user,
        contract=form.value("contrato"),
        carrier_id=carrier.pk if carrier else None,
        lot=form.value("lote"),
    )
    year, month = form.value("mes") or latest_final_month() or last_month()
    view = month_view(user=request.user, year=year, month=month, now=timezone.now())
    money = money_series(lot_ids)
    ctx = {
        "form": form,
        "charts": [_chart(series) for series in indicator_series(lot_ids)],
        "share_chart": _share_chart(
            "Glosas (% do valor devido)", [(p.label, p.imr_share) for p in money]
        ),
        "money": money,
        "month": view.results,
        "worst": [r for r in view.worst if r.lot.lot_id in lot_ids],
        "tabs": _tabs(request, "dashboard"),
    }
    return render(request, "sla/dashboard.html", ctx)


@require_GET
def committee_view(request: HttpRequest) -> HttpResponse:
    require(request.user, NETWORK_WIDE)
    money = money_series(None)
    every_lot = set(lot_choices(request.user).values_list("pk", flat=True))
    ctx = {
        "money": money,
        "lots": lot_totals(None),
        "availability_chart": _share_chart(
            "Disponibilidade da rede", [(p.label, p.availability) for p in money]
        ),
        "share_chart": _share_chart(
            "Glosas (% do valor devido)", [(p.label, p.imr_share) for p in money]
        ),
        "charts": [_chart(series) for series in indicator_series(every_lot)],
        "tabs": _tabs(request, "committee"),
    }
    return render(request, "sla/committee.html", ctx)


@require_GET
def flag_list_view(request: HttpRequest) -> HttpResponse:
    require(request.user, SUMMARY_READERS)
    f = FlagFilter(request.GET, queryset=flag_list())
    page = Paginator(f.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    ctx = {
        "page": page,
        "flags": list(page.object_list),
        "headers": sort_headers(f),
        "tabs": _tabs(request, "flags"),
    }
    return render(request, "sla/flag_list.html", ctx)


@require_http_methods(["GET", "POST"])
def flag_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, SUMMARY_READERS)
    flag = flag_get_for_user(user=request.user, pk=pk)
    form = FlagDecisionForm(request.POST or None)
    if request.method == "POST":
        require(request.user, BILLING_STAFF)
        if form.is_valid():
            try:
                breach_flag_transition(
                    flag=flag,
                    to=form.cleaned_data["to"],
                    user=request.user,
                    now=timezone.now(),
                    reason=form.cleaned_data["reason"],
                    proceeding_reference=form.cleaned_data["proceeding_reference"],
                )
            except ValidationError as e:
                form.add_error(None, e)
            else:
                messages.success(request, "Decisão registrada.")
                return redirect("sla:flag-detail", pk=flag.pk)
    ctx = {
        "draft": proceeding_draft(flag),
        "form": form,
        "can_decide": holds(request.user, BILLING_STAFF) and flag.status == FlagStatus.OFFERED,
        "tabs": _tabs(request, "flags"),
    }
    return render(request, "sla/flag_detail.html", ctx)
