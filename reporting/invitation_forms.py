"""Forms of the bulk invitation: the uploaded list of people and the confirmation of its preview.

The single invitation form is ``reporting.forms.InvitationForm``. A list is a CSV (UTF-8 with
or without BOM, comma or semicolon) or an XLSX (first sheet; openpyxl in read-only mode, which
refuses XML bombs because defusedxml is installed) with three columns: institution sigla, name,
email; an optional first row of headings. The file is read here, row by row, within size and
row limits; what each row means is ``reporting.invitations.plan_invitations``.
"""

import csv
import io
import zipfile
from typing import Any

from django import forms
from django.core import signing
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from reporting.invitations import PersonRow
from reporting.text import cap_text_fields, fold

MAX_UPLOAD_BYTES = 1024 * 1024
MAX_ROWS = 500
# An XLSX is a zip: its parts are checked before openpyxl inflates them (a zip bomb of a few
# KB could otherwise expand to gigabytes).
MAX_XLSX_PARTS = 100
MAX_XLSX_INFLATED = 20 * 1024 * 1024
COLUMNS = 3
SIGNING_SALT = "reporting.invitations.bulk"
PREVIEW_MAX_AGE = 60 * 60  # seconds a preview may wait for its confirmation
# The signed preview carries at most the rows of one file of MAX_UPLOAD_BYTES, compressed.
SIGNED_ROWS_MAX_CHARS = 2 * MAX_UPLOAD_BYTES

Cells = list[str]


def _is_heading(cells: Cells) -> bool:
    first = fold(cells[0]) if cells else ""
    return first.startswith(("sigla", "institucion")) and "@" not in " ".join(cells)


def _rows_from_cells(table: list[tuple[int, Cells]]) -> list[PersonRow]:
    """``(line, cells)`` pairs to ``PersonRow``s: blank rows dropped, a heading row skipped."""
    rows: list[PersonRow] = []
    for line, raw in table:
        cells = [c.replace("\x00", "").strip() for c in raw]
        while cells and not cells[-1]:
            cells.pop()
        if not cells:
            continue
        if not rows and _is_heading(cells):
            continue
        if len(cells) > COLUMNS:
            raise forms.ValidationError(
                _(
                    "La fila %(n)s tiene más de tres columnas. El archivo debe tener solo: "
                    "sigla de la institución, nombre y correo."
                ),
                params={"n": line},
            )
        cells += [""] * (COLUMNS - len(cells))
        rows.append(PersonRow(line, cells[0], cells[1], cells[2]))
        if len(rows) > MAX_ROWS:
            raise forms.ValidationError(
                _("El archivo tiene más de %(max)s personas. Divídalo en varios archivos."),
                params={"max": MAX_ROWS},
            )
    return rows


def read_csv(content: bytes) -> list[PersonRow]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise forms.ValidationError(
            _(
                "El archivo CSV no está en UTF-8. En Excel, guárdelo con «Guardar como» y el "
                "tipo «CSV UTF-8 (delimitado por comas)»."
            )
        ) from None
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return _rows_from_cells([(reader.line_num, cells) for cells in reader])
    except csv.Error:
        raise forms.ValidationError(_("No se pudo leer el archivo CSV.")) from None


def read_xlsx(content: bytes) -> list[PersonRow]:
    # Imported here: openpyxl is needed only by this upload and takes a moment to import.
    from openpyxl import load_workbook

    unreadable = forms.ValidationError(
        _("No se pudo leer el archivo XLSX. Guárdelo de nuevo desde Excel o súbalo como CSV.")
    )
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            parts = archive.infolist()
    except zipfile.BadZipFile:
        raise unreadable from None
    if len(parts) > MAX_XLSX_PARTS or sum(p.file_size for p in parts) > MAX_XLSX_INFLATED:
        raise unreadable
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a broken file
        raise unreadable from None
    try:
        sheet = workbook.worksheets[0]
        table = []
        for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            table.append((line, ["" if v is None else str(v) for v in values]))
            if line > MAX_ROWS * 2:  # blank rows are dropped later; stop reading at some point
                break
        return _rows_from_cells(table)
    finally:
        workbook.close()


class BulkInvitationForm(forms.Form):
    """Upload of a list of people to invite; once valid, ``rows`` holds its ``PersonRow``s."""

    archivo = forms.FileField(
        label=_("Archivo CSV o XLSX"),
        help_text=_(
            "Tres columnas: sigla de la institución, nombre y correo electrónico; la primera fila "
            "puede tener los encabezados. Hasta 500 personas y 1 MB."
        ),
        error_messages={
            "required": _("Elija el archivo con la lista de personas."),
            "empty": _("El archivo está vacío."),
        },
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.rows: list[PersonRow] = []

    def clean_archivo(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["archivo"]
        if (upload.size or 0) > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("El archivo pesa más de 1 MB. Divídalo en varios archivos.")
            )
        name = (upload.name or "").lower()
        if not name.endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Suba un archivo .csv o .xlsx."))
        content = upload.read(MAX_UPLOAD_BYTES + 1)
        rows = read_xlsx(content) if name.endswith(".xlsx") else read_csv(content)
        if not rows:
            raise forms.ValidationError(_("El archivo no tiene ninguna persona."))
        self.rows = rows
        return upload


def sign_rows(rows: list[PersonRow]) -> str:
    """The previewed rows, signed, for the confirmation form (nothing is stored meanwhile)."""
    data = [[r.line, r.sigla, r.name, r.email] for r in rows]
    return signing.dumps(data, salt=SIGNING_SALT, compress=True)


class BulkConfirmForm(forms.Form):
    """The confirmation of a preview: the rows it showed, signed so they cannot be changed."""

    rows = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cap_text_fields(self, overrides={"rows": SIGNED_ROWS_MAX_CHARS})

    def clean_rows(self) -> list[PersonRow]:
        try:
            data: Any = signing.loads(
                self.cleaned_data["rows"], salt=SIGNING_SALT, max_age=PREVIEW_MAX_AGE
            )
        except signing.BadSignature:
            raise forms.ValidationError(
                _(
                    "La vista previa caducó (vale una hora) o no es válida. "
                    "Suba el archivo de nuevo."
                )
            ) from None
        return [PersonRow(int(line), str(s), str(n), str(e)) for line, s, n, e in data]
