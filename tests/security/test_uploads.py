"""Hostile files (issue 19): every kind of bad file sent to every upload of the portal is
refused with a Portuguese message naming the file, and nothing is stored (no row, no file on
disk). Then the downloads: attachments only, with the stored type, nosniff and no-store, and
only to those who see the owning row."""

import io
import zipfile
from dataclasses import dataclass
from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from billing.invoices.models import CarrierInvoice
from billing.services import period_get_or_create
from monitoring.models import Dispute, IrregularityReport
from orders.models import OrderEvent
from orders.services import order_create
from penalties.models import Document
from redegov import uploads
from tests.monitoring.factories import OutageFactory
from tests.support.time import local

MB = 1024 * 1024
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
CSV = b"designacao;valor\nBHZ-0001;905,52\n"


def file(name: str, content: bytes, content_type: str = "application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


# Each bad request: the files it sends and what the refusal must say.
BAD = {
    "html renamed .pdf": (
        lambda: [file("relatorio.pdf", b"<!doctype html><script>alert(1)</script>")],
        "relatorio.pdf: o conteúdo não é de um arquivo aceito",
    ),
    "svg": (
        lambda: [
            file(
                "desenho.svg",
                b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
                "image/svg+xml",
            )
        ],
        "desenho.svg: o conteúdo não é de um arquivo aceito",
    ),
    "oversized": (
        lambda: [file("grande.pdf", b"%PDF-1.4\n" + b"0" * (10 * MB))],
        "grande.pdf: o arquivo tem 10,0 MB; o limite é de 10,0 MB por arquivo",
    ),
    "empty": (lambda: [file("vazio.pdf", b"")], "vazio.pdf: o arquivo está vazio"),
    "too many": (
        lambda: [file(f"laudo-{n}.pdf", PDF) for n in range(6)],
        "Envie no máximo",
    ),
}


@dataclass
class Upload:
    """One upload of the portal: who sends, to which address, under which field, and how many
    rows of what it would have stored."""

    user: str
    url: str
    field: str
    data: dict
    rows: object  # a callable counting the stored rows


@pytest.fixture
def stored_in(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def files_on_disk(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()]


@pytest.fixture
def order(network, personas):
    from tests.inventory.factories import PriceItemFactory

    PriceItemFactory(lot=network.lot_metro, speed_mbps=4)
    return order_create(
        user=personas.manager_x,
        order_type="activation",
        municipality=network.link_x_metro.municipality,
        address="Rua A, 1",
        speed_mbps=4,
        access_type="simple",
        site_contact="José",
    )


@pytest.fixture
def measured_outage(network):
    """An interruption the poller measured on agency X's interior link, in November."""
    now = local(2026, 11, 10, 8, 0)
    return OutageFactory(
        link=network.link_x_interior, start=now, end=now + timedelta(hours=2), source="icmp"
    )


@pytest.fixture
def defense(open_proceeding):
    walk = open_proceeding()
    walk.notify(local(2026, 11, 12, 16, 0))
    return walk.proceeding


@pytest.fixture
def upload_to(request, network, personas):
    """The upload named by the test's parameter, with its rows counted."""
    kind = request.param
    if kind == "order attachment":
        order = request.getfixturevalue("order")
        return Upload(
            "manager_x",
            reverse("orders:order-transition", args=[order.pk]),
            "attachment",
            {"to": "submitted"},
            lambda: (
                OrderEvent.objects.exclude(attachment="").count()
                + OrderEvent.objects.filter(order=order, to_status="submitted").count()
            ),
        )
    if kind == "dispute evidence":
        measured_outage = request.getfixturevalue("measured_outage")
        return Upload(
            "carrier_a",
            reverse("monitoring:dispute-file", args=[measured_outage.pk]),
            "files",
            {"requested": "agency", "text": "Técnico impedido de entrar."},
            lambda: Dispute.objects.count(),
        )
    if kind == "irregularity report":
        return Upload(
            "manager_x",
            reverse("monitoring:irregularity-new"),
            "files",
            {"link": network.link_x_metro.pk, "description": "Acesso lento desde as 8h."},
            lambda: IrregularityReport.objects.count(),
        )
    if kind == "proceeding document":
        proceeding = request.getfixturevalue("defense")
        request.getfixturevalue("time_machine").move_to(local(2026, 11, 16, 10, 0))
        return Upload(
            "carrier_a",
            reverse("penalties:proceeding-transition", args=[proceeding.pk]),
            "documents",
            {"to": "opinion", "reason": "Razões da defesa."},
            lambda: (
                Document.objects.count()
                + type(proceeding).objects.filter(pk=proceeding.pk, status="opinion").count()
            ),
        )
    if kind == "carrier invoice":
        period_get_or_create(year=2026, month=10)
        return Upload(
            "carrier_a",
            reverse("invoices:invoice-list", args=["2026-10"]),
            "file",
            {"carrier": network.carrier_a.pk, "number": "F-1"},
            lambda: CarrierInvoice.objects.count(),
        )
    raise AssertionError(kind)


USES = [
    "order attachment",
    "dispute evidence",
    "irregularity report",
    "proceeding document",
    "carrier invoice",
]


@pytest.mark.django_db
@pytest.mark.parametrize("upload_to", USES, indirect=True)
@pytest.mark.parametrize("bad", list(BAD))
def test_every_bad_file_is_refused_and_nothing_is_stored(
    client, personas, upload_to, bad, stored_in
):
    make, message = BAD[bad]
    if upload_to.field == "file" and bad == "oversized":
        message = "grande.pdf: o arquivo tem 10,0 MB"
    client.force_login(getattr(personas, upload_to.user))
    before = upload_to.rows()
    response = client.post(upload_to.url, {**upload_to.data, upload_to.field: make()}, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert upload_to.rows() == before
    assert files_on_disk(stored_in) == []


@pytest.mark.django_db
@pytest.mark.parametrize("upload_to", ["dispute evidence", "irregularity report"], indirect=True)
def test_a_good_file_beside_a_bad_one_stores_nothing(client, personas, upload_to, stored_in):
    client.force_login(getattr(personas, upload_to.user))
    bad = file("pagina.pdf", b"<html><body>oi</body></html>")
    files = [file("laudo.pdf", PDF), bad]
    client.post(upload_to.url, {**upload_to.data, upload_to.field: files})
    assert upload_to.rows() == 0
    assert files_on_disk(stored_in) == []


def archive(*entries: tuple[str, str]) -> bytes:
    """A ZIP with fixed timestamps: the same bytes on every run (and every xdist worker)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zipped:
        for name, text in entries:
            zipped.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), text)
    return buffer.getvalue()


def xlsx() -> bytes:
    return archive(("[Content_Types].xml", "<Types/>"), ("xl/workbook.xml", "<workbook/>"))


def opendocument(mimetype: str) -> bytes:
    return archive(("mimetype", mimetype), ("content.xml", "<office:document-content/>"))


def by_name(value) -> str:
    """Test ids from the names, never from the bytes (ids must be the same in every worker)."""
    if isinstance(value, uploads.FileKind):
        return value.code
    return value if isinstance(value, str) else "content"


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("laudo.pdf", PDF, uploads.PDF),
        ("foto.png", PNG, uploads.PNG),
        ("foto.JPG", b"\xff\xd8\xff\xe0" + b"\x00" * 16, uploads.JPEG),
        ("log.txt", b"08:00 sem resposta\n", uploads.TEXT),
        ("linhas.csv", CSV, uploads.CSV),
        ("planilha.xlsx", xlsx(), uploads.XLSX),
        ("planilha.ods", opendocument(uploads.ODS.content_type), uploads.ODS),
        ("texto.odt", opendocument(uploads.ODT.content_type), uploads.ODT),
    ],
    ids=by_name,
)
def test_each_accepted_type_is_known_by_its_content(name, content, kind, settings):
    checked = uploads.upload_check(file(name, content), uploads.ORDER_ATTACHMENT)
    assert checked.kind == kind
    assert checked.content_type == kind.content_type


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("foto.pdf", PNG, "o conteúdo é PNG, mas o nome termina em “.pdf”"),
        ("macro.xlsm", xlsx(), "o nome termina em “.xlsm”"),
        ("qualquer.zip", b"PK\x03\x04" + b"\x00" * 30, "não é de um arquivo aceito"),
        ("binario.txt", b"MZ\x90\x00\x03\x00", "não é de um arquivo aceito"),
        ("pagina.txt", b"\xef\xbb\xbf  <html>", "não é de um arquivo aceito"),
        ("../../etc/passwd.pdf", b"<x>", "passwd.pdf: "),
    ],
    ids=by_name,
)
def test_a_name_that_lies_about_the_content_is_refused(name, content, message):
    with pytest.raises(uploads.ValidationError, match=message):
        uploads.upload_check(file(name, content), uploads.ORDER_ATTACHMENT)


def test_each_use_narrows_the_types():
    png = file("foto.png", PNG)
    assert uploads.upload_check(png, uploads.DISPUTE_EVIDENCE).kind == uploads.PNG
    for rule in (uploads.PROCEEDING_DOCUMENT, uploads.CARRIER_INVOICE):
        with pytest.raises(uploads.ValidationError, match=r"foto\.png: o conteúdo não é"):
            uploads.upload_check(png, rule)


def test_the_request_total_is_limited(settings):
    settings.UPLOAD_MAX_REQUEST_BYTES = 2 * MB
    files = [file(f"laudo-{n}.pdf", PDF + b"0" * MB) for n in range(3)]
    with pytest.raises(uploads.ValidationError, match="Os arquivos somam 3,0 MB; o limite é"):
        uploads.uploads_check(files, uploads.DISPUTE_EVIDENCE)


def test_private_files_have_no_public_address(stored_in):
    storage = uploads.PrivateStorage()
    name = storage.save("x/laudo.pdf", file("laudo.pdf", PDF))
    assert (stored_in / name).is_file()
    with pytest.raises(ValueError, match="não têm endereço público"):
        storage.url(name)


def assert_private_download(response, *, content_type: str, filename: str) -> bytes:
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"].startswith("attachment;")
    assert filename in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    return b"".join(response.streaming_content)


@pytest.mark.django_db
def test_dispute_evidence_downloads_to_those_who_see_the_outage(
    client, personas, measured_outage, stored_in
):
    client.force_login(personas.carrier_a)
    client.post(
        reverse("monitoring:dispute-file", args=[measured_outage.pk]),
        {"requested": "agency", "text": "Técnico impedido.", "files": [file("foto.png", PNG)]},
    )
    attachment = Dispute.objects.get().attachments.get()
    url = reverse("monitoring:dispute-attachment", args=[measured_outage.pk, attachment.pk])
    page = client.get(
        reverse("monitoring:outage-detail", args=[measured_outage.pk])
    ).content.decode()
    assert url in page and "/media/" not in page
    body = assert_private_download(client.get(url), content_type="image/png", filename="foto.png")
    assert body == PNG
    client.force_login(personas.manager_y)  # agency Y does not see agency X's outage
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_an_order_attachment_downloads_to_those_who_see_the_order(
    client, personas, order, stored_in
):
    client.force_login(personas.manager_x)
    client.post(
        reverse("orders:order-transition", args=[order.pk]),
        {"to": "submitted", "attachment": file("planta.pdf", PDF)},
    )
    event = OrderEvent.objects.exclude(attachment="").get()
    url = reverse("orders:order-attachment", args=[order.pk, event.pk])
    page = client.get(reverse("orders:order-detail", args=[order.pk])).content.decode()
    assert url in page and "/media/" not in page
    body = assert_private_download(
        client.get(url), content_type="application/pdf", filename="planta.pdf"
    )
    assert body == PDF
    client.force_login(personas.manager_y)
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_an_irregularity_image_is_an_attachment_too(client, personas, network, stored_in):
    client.force_login(personas.manager_x)
    client.post(
        reverse("monitoring:irregularity-new"),
        {
            "link": network.link_x_metro.pk,
            "description": "Caixa aberta no local.",
            "files": [file("foto.png", PNG)],
        },
    )
    report = IrregularityReport.objects.get()
    url = reverse(
        "monitoring:irregularity-attachment", args=[report.pk, report.attachments.get().pk]
    )
    assert_private_download(client.get(url), content_type="image/png", filename="foto.png")


@pytest.mark.django_db
def test_a_proceeding_document_downloads_as_an_attachment(client, personas, defense, stored_in):
    with time_machine.travel(local(2026, 11, 16, 10, 0), tick=False):
        client.force_login(personas.carrier_a)
        client.post(
            reverse("penalties:proceeding-transition", args=[defense.pk]),
            {"to": "opinion", "reason": "Razões.", "documents": [file("defesa.pdf", PDF)]},
        )
        document = Document.objects.get()
        url = reverse("penalties:document-download", args=[defense.pk, document.pk])
        response = client.get(url)
    assert_private_download(response, content_type="application/pdf", filename="defesa")


@pytest.mark.django_db
def test_the_admin_shows_an_order_attachment_by_name_only(client, personas, order, stored_in):
    from redegov.models import User

    client.force_login(personas.manager_x)
    client.post(
        reverse("orders:order-transition", args=[order.pk]),
        {"to": "submitted", "attachment": file("planta.pdf", PDF)},
    )
    admin = User.objects.create_superuser("raiz", password="senha-de-teste-123")
    client.force_login(admin)
    page = client.get(reverse("admin:orders_order_change", args=[order.pk]))
    assert page.status_code == 200
    assert "planta" in page.content.decode()
