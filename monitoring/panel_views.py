"""Pages of the incident panel (the NOC's home), the map, a link's monitoring history, agency
subscriptions and irregularity reports (issue 5) and their list (issue 23). Thin: the filters
narrow, `monitoring.selectors` read, `monitoring.services.noc` writes."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.exceptions import DomainError
from inventory.selectors import link_get_for_user
from monitoring.choices import IrregularityStatus
from monitoring.filters import PanelFilter
from monitoring.forms import (
    IncidentNoteForm,
    IrregularityForm,
    IrregularityListForm,
    SubscriptionForm,
)
from monitoring.link_charts import CHART_PERIODS, DEFAULT_PERIOD, link_charts
from monitoring.maps import state_map
from monitoring.models import Outage, OutageSubscription
from monitoring.selectors import history, irregularity_report_list
from monitoring.selectors.panel import irregularity_get_for_user, panel_read, panel_versions
from monitoring.services import noc
from outbox.selectors import messages_notice
from outbox.services import messages_recorded
from redegov.access import AGENCY_MANAGERS, NOC_STAFF, holds, require
from redegov.confirm import confirmation_refused
from redegov.context_processors import link_scope
from redegov.uploads import file_download

PAGE_SIZE = 50


def _require_links(request: HttpRequest) -> None:
    """The panel and the irregularity list are for users who see links; anyone else gets the
    friendly 403 (templates/403.html), as everywhere in the portal."""
    if not link_scope(request.user):
        raise PermissionDenied("Seu perfil não vê acessos da rede.")


# The versions the panel's refresh sends back (monitoring.selectors.panel): of its items and of
# its map.
VERSIONS = ("v", "m")


def _panel_query(request: HttpRequest) -> tuple[QueryDict, PanelFilter]:
    """The panel's filters, from the query string without the versions."""
    query = request.GET.copy()
    for name in VERSIONS:
        query.pop(name, None)
    return query, PanelFilter(query, queryset=Outage.objects.none(), request=request)


def _panel_context(request: HttpRequest, *, fresh: bool = False, **extra) -> dict:
    query, f = _panel_query(request)
    narrow = f.filter_queryset if f.is_valid() else (lambda queryset: queryset.none())
    now = timezone.now()
    reading = panel_read(
        user=request.user,
        narrow=narrow,
        filters=sorted(query.lists()),
        newest_first=f.newest_first,
        now=now,
        fresh=fresh,
    )
    return {
        "filter_form": f.form,
        "newest_first": f.newest_first,
        "selected_municipality": f.form.cleaned_data.get("municipality") if f.is_valid() else None,
        "panel": reading.panel,
        "states": reading.states,
        "version": reading.version,
        "map_version": reading.map_version,
        "viewbox": state_map().viewbox,
        "now": now,
        "is_noc": holds(request.user, NOC_STAFF),
        # The rows are the same for everyone of one reading, in one minute (their ages).
        "rows_seconds": 60 if settings.PANEL_CACHE_SECONDS else 0,
        "query": query,
        **extra,
    }


@require_GET
def panel_view(request: HttpRequest) -> HttpResponse:
    _require_links(request)
    is_manager = holds(request.user, AGENCY_MANAGERS) and request.user.agency_id
    ctx = _panel_context(
        request,
        map=state_map(),
        is_manager=bool(is_manager),
        subscribed=OutageSubscription.objects.filter(user=request.user).exists(),
    )
    return render(request, "monitoring/panel.html", ctx)


@require_GET
def panel_items_view(request: HttpRequest) -> HttpResponse:
    """The panel's live part (htmx polls it with the versions it has): nothing (204) when
    neither the items nor the map changed; else the items, and the map's colours (swapped out
    of band) only when they changed."""
    _require_links(request)
    sent = (request.GET.get("v"), request.GET.get("m"))
    query, f = _panel_query(request)
    cached = panel_versions(
        user=request.user, filters=sorted(query.lists()), newest_first=f.newest_first
    )
    if cached == sent:
        return HttpResponse(status=204)
    ctx = _panel_context(request)
    items_current = sent[0] == ctx["version"]
    map_current = sent[1] == ctx["map_version"]
    if items_current and map_current:
        return HttpResponse(status=204)
    return render(request, "monitoring/_panel_live.html", {**ctx, "send_map": not map_current})


@require_POST
def panel_note_view(request: HttpRequest) -> HttpResponse:
    """Acknowledge or comment on an item; htmx gets the refreshed panel back, a browser without
    JS the panel page, read again."""
    _require_links(request)
    form = IncidentNoteForm(request.POST)
    error = ""
    if not form.is_valid():
        error = "Dados inválidos."
    else:
        try:
            noc.incident_note_add(**form.cleaned_data, by=request.user, now=timezone.now())
        except DomainError as exc:
            error = str(exc)
    if request.htmx:
        ctx = _panel_context(request, fresh=True, note_error=error, send_map=True)
        return render(request, "monitoring/_panel_live.html", ctx)
    if error:
        messages.error(request, error)
    else:  # the page the browser is sent back to must not show the cached reading
        _panel_context(request, fresh=True)
    return redirect(reverse("monitoring:panel") + "?" + request.GET.urlencode())


@require_POST
def subscription_view(request: HttpRequest) -> HttpResponse:
    form = SubscriptionForm(request.POST)
    form.is_valid()
    subscribed = noc.outage_subscription_set(
        user=request.user, subscribed=form.cleaned_data["subscribed"], now=timezone.now()
    )
    messages.success(
        request,
        "Você receberá por e-mail os avisos de indisponibilidade do seu órgão."
        if subscribed
        else "Você não receberá mais os avisos de indisponibilidade por e-mail.",
    )
    return redirect("monitoring:panel")


@require_http_methods(["GET", "POST"])
def irregularity_new_view(request: HttpRequest) -> HttpResponse:
    require(request.user, AGENCY_MANAGERS, "Só o gestor de um órgão informa irregularidades.")
    form = IrregularityForm(
        request.POST or None, request.FILES or None, agency_id=request.user.agency_id
    )
    if request.method == "POST" and form.is_valid():
        try:
            report = noc.irregularity_report(
                link_id=form.cleaned_data["link"].pk,
                description=form.cleaned_data["description"],
                files=form.cleaned_data["files"],
                by=request.user,
                now=timezone.now(),
            )
        except (DomainError, ValidationError) as exc:
            form.add_error(None, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, "Irregularidade informada ao Centro de Operações (NOC).")
            return redirect("monitoring:irregularity-detail", pk=report.pk)
    return render(request, "monitoring/irregularity_form.html", {"form": form})


@require_GET
def irregularity_list_view(request: HttpRequest) -> HttpResponse:
    """The irregularity reports the user may see (those the detail page opens), pending ones
    first; the NOC starts at those it has to answer (docs/noc.md)."""
    _require_links(request)
    is_noc = holds(request.user, NOC_STAFF)
    form = IrregularityListForm(
        request.GET, default=IrregularityStatus.OPEN if is_noc else IrregularityListForm.ALL
    )
    reports = irregularity_report_list(user=request.user, status=form.status_selected())
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    ctx = {"filter_form": form, "page": page, "reports": list(page.object_list)}
    return render(request, "monitoring/irregularity_list.html", ctx)


@require_GET
def irregularity_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    report = irregularity_get_for_user(user=request.user, pk=pk)
    ctx = {
        "report": report,
        "attachments": list(report.attachments.all()),
        "notes": list(report.panel_notes.select_related("by")),
        "is_noc": holds(request.user, NOC_STAFF),
    }
    return render(request, "monitoring/irregularity_detail.html", ctx)


@require_POST
def irregularity_answer_view(request: HttpRequest, pk: int) -> HttpResponse:
    report = irregularity_get_for_user(user=request.user, pk=pk)
    if holds(request.user, NOC_STAFF) and confirmation_refused(request):
        return redirect("monitoring:irregularity-detail", pk=report.pk)
    try:
        with messages_recorded() as sent:
            noc.irregularity_answer(
                report_id=report.pk,
                answer=request.POST.get("answer", ""),
                by=request.user,
                now=timezone.now(),
            )
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, messages_notice("Resposta registrada.", sent))
    return redirect("monitoring:irregularity-detail", pk=report.pk)


@require_GET
def irregularity_attachment_view(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    """Files are served only to those who may see the report (never from a public URL)."""
    report = irregularity_get_for_user(user=request.user, pk=pk)
    attachment = report.attachments.filter(pk=attachment_pk).first()
    if attachment is None:
        raise Http404("Anexo não encontrado")
    return file_download(
        attachment.file, filename=attachment.name, content_type=attachment.content_type
    )


@require_GET
def link_monitoring_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A link's monitoring (state, availability, charts, histories), loaded into its page."""
    link = link_get_for_user(user=request.user, pk=pk)
    now = timezone.now()
    period = request.GET.get("periodo", "")
    period = period if period in CHART_PERIODS else DEFAULT_PERIOD
    ctx = {
        "link": link,
        "now_state": history.link_now(link=link, now=now),
        "period": period,
        "periods": [(key, label) for key, (label, _, _) in CHART_PERIODS.items()],
        **link_charts(link=link, period=period, now=now),
        "outages": history.link_outage_history(link=link),
        "tickets": history.link_ticket_history(link=link),
    }
    # Loaded into the link's page by htmx; opened by itself (no JavaScript, print) it is a page.
    template = "_link_monitoring.html" if request.htmx else "link_monitoring.html"
    return render(request, f"monitoring/{template}", ctx)
