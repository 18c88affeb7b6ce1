"""The REST API, /api/v1/ (docs/api.md). Thin, like the pages: reads go through the apps'
selectors (the same rows per user as the pages, 404 for rows the user may not see), writes
through their services (one call each), refusals through `api.exceptions`. Every write is
audited (`ApiViewSet.finalize_response`)."""

from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import (
    action,
    api_view,
    authentication_classes,
    permission_classes,
    throttle_classes,
)
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import SAFE_METHODS, AllowAny
from rest_framework.response import Response

from api import serializers as s
from api.filters import MaintenanceWindowFilter
from api.models import ApiToken
from api.services import api_write_record, outage_create_idempotent
from billing.filters import LineFilter
from billing.models import BillingPeriod
from billing.selectors import line_list, period_get, statement_document
from core.instants import month_parse
from inventory.filters import LinkFilter
from inventory.selectors import link_get_for_user, link_list
from monitoring.filters import OutageFilter, TicketFilter
from monitoring.selectors import (
    maintenance_get_for_user,
    maintenance_list,
    outage_get_for_user,
    outage_list,
    ticket_get_for_user,
    ticket_list,
)
from monitoring.services.maintenance import maintenance_request
from monitoring.services.tickets import ticket_acknowledge, ticket_report_restoration
from orders.choices import OrderStatus
from orders.filters import OrderFilter
from orders.selectors import order_get_for_user, order_list
from orders.services import order_create, order_transition
from penalties.choices import ProceedingStatus
from penalties.filters import ProceedingFilter
from penalties.selectors import proceeding_get_for_user, proceeding_list
from penalties.services import proceeding_transition
from redegov.access import (
    AGENCY_MANAGERS,
    BILL_READERS,
    CARRIER_ROLES,
    NOC_STAFF,
    ORDER_FILERS,
    require,
)
from sla.selectors import imr_document

PERIOD = r"20[0-9]{2}-(0[1-9]|1[0-2])"
PERIOD_PARAMETER = OpenApiParameter(
    "period", str, OpenApiParameter.PATH, description="competência, AAAA-MM", pattern=PERIOD
)
IDEMPOTENCY_KEY = "Idempotency-Key"
ERRORS = {
    400: OpenApiResponse(description="dados inválidos ou recusados pela regra de negócio"),
    403: OpenApiResponse(description="o perfil do usuário não faz esta operação"),
    404: OpenApiResponse(description="não existe ou o usuário não o vê"),
}


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


def _require(user, roles: frozenset[str]) -> None:
    require(user, roles, "Seu perfil não faz esta operação.")


def _jsonable(value):
    """Data sent, as the audit keeps it: files by name, no NUL characters (PostgreSQL)."""
    if isinstance(value, dict):
        return {_jsonable(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_jsonable(item) for item in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    return str(getattr(value, "name", value)).replace("\x00", "")


def _sent(request) -> dict:
    try:
        data = request.data
    except (exceptions.ParseError, exceptions.UnsupportedMediaType):
        return {}  # a body the API cannot read (refused with 400 or 415)
    if hasattr(data, "lists"):  # a form: a field may repeat
        return {key: values if len(values) > 1 else values[0] for key, values in data.lists()}
    return data if isinstance(data, dict) else {"corpo": data}


class ApiViewSet(viewsets.GenericViewSet):
    """Every write through the API leaves an `ApiWrite` row: who, with which token, when,
    which operation on which object with what data, and the HTTP status it got."""

    lookup_value_regex = "[0-9]+"
    pagination_class = Pagination
    filter_backends = [DjangoFilterBackend]

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method not in SAFE_METHODS and request.user.is_authenticated:
            data = response.data if isinstance(response.data, dict) else {}
            api_write_record(
                user=request.user,
                token=request.auth if isinstance(request.auth, ApiToken) else None,
                method=request.method,
                path=request.path,
                operation=f"{self.basename}-{self.action}",
                object_id=str(kwargs.get("pk") or data.get("id") or ""),
                data=_jsonable(_sent(request)),
                status_code=response.status_code,
                now=timezone.now(),
            )
        return response

    def valid(self, serializer_class, **kwargs) -> dict:
        serializer = serializer_class(data=self.request.data, **kwargs)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


class ReadViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """A list (filtered, paginated) and its detail, through the app's selectors."""

    def get_object(self):
        return self.get_for_user(user=self.request.user, pk=int(self.kwargs["pk"]))


class LinkViewSet(ReadViewSet):
    """Acessos: the links the user sees, with the speed and address in force now."""

    serializer_class = s.LinkSerializer
    filterset_class = LinkFilter
    get_for_user = staticmethod(link_get_for_user)

    def get_queryset(self):
        return link_list(user=self.request.user)


class OrderViewSet(mixins.CreateModelMixin, ReadViewSet):
    """Ordens de serviço: the agency drafts and submits them, the carrier accepts, starts (or
    resumes), pauses (pending on the agency) and completes them
    (orders.choices.ALLOWED_TRANSITIONS)."""

    serializer_class = s.OrderSerializer
    filterset_class = OrderFilter
    get_for_user = staticmethod(order_get_for_user)

    def get_queryset(self):
        return order_list(user=self.request.user)

    @extend_schema(request=s.OrderCreateSerializer, responses={201: s.OrderSerializer, **ERRORS})
    def create(self, request, *args, **kwargs):
        """A draft order (agency manager or unit staff)."""
        _require(request.user, ORDER_FILERS)
        data = self.valid(s.OrderCreateSerializer, user=request.user)
        order = order_create(user=request.user, **data)
        return Response(s.OrderSerializer(order).data, status=status.HTTP_201_CREATED)

    def _move(
        self, to: str, roles: frozenset[str], serializer_class=s.ReasonSerializer
    ) -> Response:
        _require(self.request.user, roles)
        order = self.get_object()
        data = dict(self.valid(serializer_class))
        reason = data.pop("reason")
        order = order_transition(
            order=order, to=to, user=self.request.user, reason=reason, completion=data or None
        )
        return Response(s.OrderSerializer(order).data)

    @extend_schema(request=s.ReasonSerializer, responses={200: s.OrderSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Send a draft (or a returned order) to the NOC (agency manager)."""
        return self._move(OrderStatus.SUBMITTED, AGENCY_MANAGERS)

    @extend_schema(request=s.ReasonSerializer, responses={200: s.OrderSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """Accept a dispatched order (its carrier)."""
        return self._move(OrderStatus.ACCEPTED, CARRIER_ROLES)

    @extend_schema(request=s.ReasonSerializer, responses={200: s.OrderSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        """Start the execution, or resume it after a pause (its carrier)."""
        return self._move(OrderStatus.IN_EXECUTION, CARRIER_ROLES)

    @extend_schema(request=s.ReasonSerializer, responses={200: s.OrderSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def pause(self, request, pk=None):
        """Pending on the agency: the clock pauses; the reason is required (its carrier)."""
        return self._move(OrderStatus.PENDING_AGENCY, CARRIER_ROLES)

    @extend_schema(request=s.CompletionSerializer, responses={200: s.OrderSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        """Complete the order; an activation or address change names the installed link
        (circuit id, management address) (its carrier)."""
        return self._move(OrderStatus.COMPLETED, CARRIER_ROLES, s.CompletionSerializer)


class TicketViewSet(ReadViewSet):
    """Chamados: the carrier acknowledges one with its protocol, then reports the restoration
    with the cause (the repair clock stops only when monitoring sees the link back)."""

    serializer_class = s.TicketSerializer
    filterset_class = TicketFilter
    get_for_user = staticmethod(ticket_get_for_user)

    def get_queryset(self):
        return ticket_list(user=self.request.user)

    @extend_schema(request=s.AcknowledgeSerializer, responses={200: s.TicketSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        _require(request.user, CARRIER_ROLES)
        ticket = self.get_object()
        data = self.valid(s.AcknowledgeSerializer)
        ticket_acknowledge(
            ticket_id=ticket.pk, protocol=data["protocol"], by=request.user, now=timezone.now()
        )
        return Response(s.TicketSerializer(self.get_object()).data)

    @extend_schema(request=s.RestoreSerializer, responses={200: s.TicketSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def restore(self, request, pk=None):
        _require(request.user, CARRIER_ROLES)
        ticket = self.get_object()
        data = self.valid(s.RestoreSerializer)
        ticket_report_restoration(
            ticket_id=ticket.pk, cause=data["cause"], by=request.user, now=timezone.now()
        )
        return Response(s.TicketSerializer(self.get_object()).data)


class OutageViewSet(mixins.CreateModelMixin, ReadViewSet):
    """Indisponibilidades: read by every role as in the pages; NOC tools create them as rows of
    outages.csv (same rules as `manage.py import_outages`), each under an idempotency key."""

    serializer_class = s.OutageSerializer
    filterset_class = OutageFilter
    get_for_user = staticmethod(outage_get_for_user)

    def get_queryset(self):
        return outage_list(user=self.request.user)

    @extend_schema(
        request=s.OutageCreateSerializer,
        parameters=[
            OpenApiParameter(
                IDEMPOTENCY_KEY,
                str,
                OpenApiParameter.HEADER,
                required=True,
                description="chave única por indisponibilidade (1 a 100 caracteres), "
                "repetida sem mudança quando a requisição é reenviada",
            )
        ],
        responses={
            201: s.OutageSerializer,
            200: OpenApiResponse(s.OutageSerializer, "já registrada (mesmos dados ou mesma chave)"),
            422: OpenApiResponse(description="chave já usada com outros dados"),
            **ERRORS,
        },
    )
    def create(self, request, *args, **kwargs):
        _require(request.user, NOC_STAFF)
        key = request.headers.get(IDEMPOTENCY_KEY, "").strip()
        if not 1 <= len(key) <= 100 or "\x00" in key:
            raise serializers.ValidationError(
                {"idempotency_key": "Envie o cabeçalho Idempotency-Key (1 a 100 caracteres)."}
            )
        serializer = s.OutageCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        created = outage_create_idempotent(
            user=request.user, key=key, values=serializer.import_values(), now=timezone.now()
        )
        headers = {"Idempotent-Replayed": "true"} if created.replayed else {}
        body = s.OutageSerializer(created.outage).data
        return Response(body, status=created.status_code, headers=headers)


class MaintenanceWindowViewSet(mixins.CreateModelMixin, ReadViewSet):
    """Janelas de manutenção: carriers request them (at least the contract's notice ahead);
    the NOC decides in the portal."""

    serializer_class = s.MaintenanceWindowSerializer
    filterset_class = MaintenanceWindowFilter

    get_for_user = staticmethod(maintenance_get_for_user)

    def get_queryset(self):
        return maintenance_list(user=self.request.user).order_by("-start", "-pk")

    @extend_schema(
        request=s.MaintenanceRequestSerializer,
        responses={201: s.MaintenanceWindowSerializer, **ERRORS},
    )
    def create(self, request, *args, **kwargs):
        _require(request.user, CARRIER_ROLES)
        data = self.valid(s.MaintenanceRequestSerializer, user=request.user)
        window = maintenance_request(by=request.user, now=timezone.now(), **data)
        return Response(s.MaintenanceWindowSerializer(window).data, status=201)


class ProceedingViewSet(ReadViewSet):
    """Processos de multa: those the user sees as in the pages; the carrier files its defense
    while the deadline is open."""

    serializer_class = s.ProceedingSerializer
    filterset_class = ProceedingFilter
    get_for_user = staticmethod(proceeding_get_for_user)

    def get_queryset(self):
        return proceeding_list(user=self.request.user)

    @extend_schema(
        request={"multipart/form-data": s.DefenseSerializer},
        responses={200: s.ProceedingSerializer, **ERRORS},
    )
    @action(
        detail=True,
        methods=["post"],
        parser_classes=[MultiPartParser, FormParser, JSONParser],
    )
    def defense(self, request, pk=None):
        """The defense: reasons and/or PDF documents, until 23:59:59 of the deadline's last
        day (its carrier)."""
        _require(request.user, CARRIER_ROLES)
        proceeding = self.get_object()
        data = self.valid(s.DefenseSerializer)
        proceeding = proceeding_transition(
            proceeding=proceeding,
            to=ProceedingStatus.OPINION,
            user=request.user,
            reason=data["reason"],
            documents=data["documents"],
        )
        return Response(s.ProceedingSerializer(proceeding).data)


class StatementViewSet(ApiViewSet):
    """Demonstrativos: the months computed so far, and one month's statement as the
    `statement` command writes it, over the lines the user may see."""

    lookup_field = "period"
    lookup_value_regex = PERIOD
    serializer_class = s.PeriodSerializer
    queryset = BillingPeriod.objects.order_by("-year", "-month")

    @extend_schema(responses={200: s.PeriodSerializer(many=True), 403: ERRORS[403]})
    def list(self, request):
        _require(request.user, BILL_READERS)
        return Response(s.PeriodSerializer(self.get_queryset(), many=True).data)

    @extend_schema(
        parameters=[
            PERIOD_PARAMETER,
            OpenApiParameter("q", str, description="parte da designação"),
            OpenApiParameter("agency", int, description="id do órgão"),
            OpenApiParameter("carrier", int, description="id da operadora (líder ou consorciada)"),
            OpenApiParameter("lot", int, description="id do lote"),
        ],
        responses={200: s.StatementSerializer, **ERRORS},
    )
    def retrieve(self, request, period=None):
        _require(request.user, BILL_READERS)
        found = period_get(label=period)
        lines = LineFilter(
            request.query_params, queryset=line_list(user=request.user, period=found)
        )
        if not lines.is_valid():
            raise serializers.ValidationError(lines.errors)
        return Response(statement_document(period=found, lines=lines.qs))


class ImrViewSet(ApiViewSet):
    """Resultados do IMR de um mês (final once it is closed, measured now while it is open),
    those the user may see: all, a carrier's lots, or an agency's accesses (I1)."""

    lookup_field = "period"
    lookup_value_regex = PERIOD
    serializer_class = s.ImrSerializer

    @extend_schema(
        parameters=[PERIOD_PARAMETER], responses={200: s.ImrSerializer, 404: ERRORS[404]}
    )
    def retrieve(self, request, period=None):
        year, month = month_parse(period)
        document = imr_document(year=year, month=month, now=timezone.now(), user=request.user)
        return Response(document)


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE"])
@authentication_classes([])
@permission_classes([AllowAny])
@throttle_classes([])
def not_found(request, path: str = ""):
    """Any other address under /api/: the API's 404 body, not the portal's HTML page."""
    raise exceptions.NotFound("Este endereço não existe na API; veja /api/docs/.")
