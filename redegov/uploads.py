"""The one door for files people send (docs/security.md, "Uploads"): order attachments, dispute
evidence, irregularity reports, proceeding documents, carrier invoices.

A file's type is decided by its content (its first bytes, or a ZIP's table of contents), never by
its name or the browser's Content-Type, and the name's extension must agree with it. Each use
allows only some types (`UploadRule`); every use shares the size limits per file and per request
and the count limit of the settings (UPLOAD_MAX_FILE_BYTES, UPLOAD_MAX_REQUEST_BYTES,
UPLOAD_MAX_FILES). A refusal is a ValidationError in Portuguese naming the file and the reason;
services call `uploads_check` before they write anything, so a refused request stores no row and
no file. The form field (`UploadField`) runs the same check, so a form shows the error beside the
field.

Stored files live in the private storage (`PrivateStorage`, under PRIVATE_STORAGE_ROOT), which
has no URL: they leave only through download views that load the owning row for the user first
(`file_download`)."""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import PurePath

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse

SNIFF_BYTES = 2048
# Bytes that never appear in text: NUL and the C0 controls other than tab, LF, FF and CR.
_BINARY = bytes(range(0x00, 0x09)) + b"\x0b" + bytes(range(0x0E, 0x20))


@dataclass(frozen=True)
class FileKind:
    """A type of file the portal accepts: its name on the screen, the content type it is stored
    and served with, and the extensions a file of it may have."""

    code: str
    label: str
    content_type: str
    extensions: tuple[str, ...]


PDF = FileKind("pdf", "PDF", "application/pdf", (".pdf",))
PNG = FileKind("png", "PNG", "image/png", (".png",))
JPEG = FileKind("jpeg", "JPEG", "image/jpeg", (".jpg", ".jpeg"))
TEXT = FileKind("text", "texto (.txt)", "text/plain", (".txt", ".log"))
CSV = FileKind("csv", "CSV", "text/csv", (".csv",))
XLSX = FileKind(
    "xlsx",
    "planilha XLSX",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    (".xlsx",),
)
ODS = FileKind("ods", "planilha ODS", "application/vnd.oasis.opendocument.spreadsheet", (".ods",))
ODT = FileKind("odt", "documento ODT", "application/vnd.oasis.opendocument.text", (".odt",))


KINDS = (PDF, PNG, JPEG, TEXT, CSV, XLSX, ODS, ODT)


def content_type_for(name: str) -> str:
    """The type a stored file was accepted as, from its name: the upload check made the
    extension agree with the content. Anything else (a file stored before the check) is
    served as opaque bytes."""
    extension = PurePath(name).suffix.lower()
    for kind in KINDS:
        if extension in kind.extensions:
            return kind.content_type
    return "application/octet-stream"


@dataclass(frozen=True)
class UploadRule:
    """What one use accepts: its types and, when narrower than the settings, its own count."""

    use: str  # for the docs and error messages: "anexo da OS", "evidência", ...
    kinds: tuple[FileKind, ...]
    max_files: int | None = None

    @property
    def accept(self) -> str:
        """The HTML `accept` attribute: a hint for the browser's file picker, never a check."""
        return ",".join(ext for kind in self.kinds for ext in kind.extensions)

    @property
    def labels(self) -> str:
        names = [kind.label for kind in self.kinds]
        return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " ou " + names[-1]

    def count_limit(self) -> int:
        return min(self.max_files or settings.UPLOAD_MAX_FILES, settings.UPLOAD_MAX_FILES)


# Each use's rule (docs/security.md lists them).
ORDER_ATTACHMENT = UploadRule("anexo da OS", (PDF, PNG, JPEG, TEXT, CSV, XLSX, ODS, ODT), 1)
DISPUTE_EVIDENCE = UploadRule("evidência da contestação", (PDF, PNG, JPEG, TEXT, CSV))
IRREGULARITY_ATTACHMENT = UploadRule("anexo do relato", (PDF, PNG, JPEG, TEXT))
PROCEEDING_DOCUMENT = UploadRule("documento do processo", (PDF,))
CARRIER_INVOICE = UploadRule("fatura da operadora", (CSV, TEXT), 1)


@dataclass(frozen=True)
class CheckedUpload:
    """An upload that passed: the file, its safe name (no folders), its type and size."""

    upload: UploadedFile
    name: str
    kind: FileKind
    size: int

    @property
    def content_type(self) -> str:
        return self.kind.content_type


def _zip_kind(upload: UploadedFile) -> FileKind | None:
    """XLSX, ODS or ODT by the ZIP's own table of contents (an OpenDocument file names its type
    in its first entry, `mimetype`; an XLSX has [Content_Types].xml and xl/workbook.xml)."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
            if names and names[0] == "mimetype":
                mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
                return {ODS.content_type: ODS, ODT.content_type: ODT}.get(mimetype)
            if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
                return XLSX
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError):
        return None
    finally:
        upload.seek(0)
    return None


def _is_text(head: bytes) -> bool:
    """Plain text: no binary bytes, and not markup (HTML, SVG, XML begin with `<`), which a
    browser would run as a page."""
    if any(byte in _BINARY for byte in head):
        return False
    start = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    return not start.startswith(b"<")


def sniff(upload: UploadedFile, extension: str) -> FileKind | None:
    """The type the content shows, or None. Text has no signature: a text content is CSV or
    plain text as the extension says."""
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(upload)
    if head and _is_text(head):
        return CSV if extension == ".csv" else TEXT
    return None


def megabytes(size: int) -> str:
    """A size as people read it here: "10,0 MB"."""
    return f"{size / (1024 * 1024):.1f} MB".replace(".", ",")


def upload_check(upload: UploadedFile, rule: UploadRule) -> CheckedUpload:
    """The upload as accepted by `rule`, or ValidationError naming the file and the reason."""
    name = PurePath((upload.name or "arquivo").replace("\\", "/")).name[:200] or "arquivo"
    if not upload.size:
        raise ValidationError(f"{name}: o arquivo está vazio.")
    if upload.size > settings.UPLOAD_MAX_FILE_BYTES:
        raise ValidationError(
            f"{name}: o arquivo tem {megabytes(upload.size)}; o limite é de "
            f"{megabytes(settings.UPLOAD_MAX_FILE_BYTES)} por arquivo."
        )
    extension = PurePath(name).suffix.lower()
    kind = sniff(upload, extension)
    if kind is None or kind not in rule.kinds:
        raise ValidationError(
            f"{name}: o conteúdo não é de um arquivo aceito como {rule.use} (envie {rule.labels})."
        )
    if extension not in kind.extensions:
        raise ValidationError(
            f"{name}: o conteúdo é {kind.label}, mas o nome termina em "
            f"“{extension or 'sem extensão'}”; use {' ou '.join(kind.extensions)}."
        )
    return CheckedUpload(upload=upload, name=name, kind=kind, size=upload.size)


def uploads_check(uploads: Iterable[UploadedFile], rule: UploadRule) -> list[CheckedUpload]:
    """Every upload of one request for one use, checked before anything is written: the count,
    the total size, then each file. Raises one ValidationError listing every refused file."""
    uploads = [upload for upload in uploads if upload is not None]
    limit = rule.count_limit()
    if len(uploads) > limit:
        raise ValidationError(
            f"Envie no máximo {limit} arquivo{'s' if limit > 1 else ''} ({len(uploads)} enviados)."
        )
    total = sum(upload.size or 0 for upload in uploads)
    if total > settings.UPLOAD_MAX_REQUEST_BYTES:
        raise ValidationError(
            f"Os arquivos somam {megabytes(total)}; o limite é de "
            f"{megabytes(settings.UPLOAD_MAX_REQUEST_BYTES)} por envio."
        )
    checked, errors = [], []
    for upload in uploads:
        try:
            checked.append(upload_check(upload, rule))
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    return checked


class EveryFileInput(forms.FileInput):
    """A file input that reads every file sent under its name, even where the page offers one
    (`multiple=False`): a hand-made request with several is refused by the count limit instead
    of being cut silently to its last file."""

    def value_from_datadict(self, data, files, name):
        return [upload for upload in files.getlist(name) if upload]


class MultipleFileInput(EveryFileInput):
    allow_multiple_selected = True


class UploadField(forms.FileField):
    """A form's file field for one use: one file (`multiple=False`, cleaned to a CheckedUpload
    or None) or several (cleaned to a list of CheckedUpload). The browser's `accept` hint comes
    from the rule; the check is `uploads_check`, the same the services run."""

    def __init__(self, *, rule: UploadRule, multiple: bool = True, **kwargs) -> None:
        self.rule = rule
        self.multiple = multiple
        widget_class = MultipleFileInput if multiple else EveryFileInput
        kwargs.setdefault("widget", widget_class(attrs={"accept": rule.accept}))
        kwargs.setdefault("allow_empty_file", True)  # refused by uploads_check, with the name
        super().__init__(**kwargs)

    def to_python(self, data):
        items = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(UploadField, self).to_python(item) for item in items]

    def validate(self, value) -> None:
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")

    def run_validators(self, value) -> None:
        return None

    def clean(self, data, initial=None):
        value = self.to_python(data)
        self.validate(value)
        checked = uploads_check(value, self.rule if self.multiple else self._single)
        if self.multiple:
            return checked
        return checked[0] if checked else None

    @property
    def _single(self) -> UploadRule:
        return UploadRule(self.rule.use, self.rule.kinds, max_files=1)


def raw_uploads(items: Sequence[UploadedFile | CheckedUpload]) -> list[UploadedFile]:
    """The files themselves, whether a form (CheckedUpload) or the API (UploadedFile) sent
    them: services check them again with `uploads_check`."""
    return [item.upload if isinstance(item, CheckedUpload) else item for item in items]


class PrivateStorage(FileSystemStorage):
    """The default storage: files under PRIVATE_STORAGE_ROOT (MEDIA_ROOT points there), which no
    web server serves. It has no URL on purpose: a template that asks for `file.url` fails, and
    a file leaves only through a download view (`file_download`)."""

    def url(self, name):
        raise ValueError("Arquivos privados não têm endereço público; use a view de download.")


def file_download(field_file, *, filename: str, content_type: str) -> FileResponse:
    """A stored file as an attachment, never shown inline: the stored content type, `nosniff`
    (SecurityMiddleware), and no caching (redegov.middleware). The caller has already loaded
    the owning row through its `*_get_for_user` selector."""
    response = FileResponse(
        field_file.open("rb"),
        as_attachment=True,
        filename=PurePath(filename).name or "arquivo",
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
