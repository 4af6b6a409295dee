"""Checks an uploaded Word file before anything parses it (docs/word.md §W3).

A .docx is a zip archive of XML parts. python-docx reads every part without a size limit (a
483 KiB zip bomb took 7.8 GB), so the archive is judged from its central directory first:
entries, total uncompressed size and compression ratio, all without decompressing anything.
Python's ``zipfile`` never yields more than an entry's declared size, so a header that lies
about its size cannot make a later read grow past these limits either. Then every part is
scanned for a document type declaration (a .docx never has one; entity bombs need one), and the
file is opened by python-docx, whose lxml parsers neither resolve entities nor use the network.
External relationships (linked images, remote templates) are never followed: python-docx keeps
them as addresses and this app never reads them.

Every refusal is ``DocxRefused`` with a Spanish message for the person who uploaded the file.
"""

import io
import zipfile

import docx
from django.utils.translation import gettext as _
from docx.document import Document

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
MAX_ENTRIES = 1000
# Uncompressed / compressed size of one entry. Word's XML compresses 5-20 times; a page of
# blank table cells up to about 60. Only entries above MIN_RATIO_CHECK are judged.
MAX_RATIO = 100
MIN_RATIO_CHECK = 1024 * 1024
SCAN_CHUNK = 256 * 1024
_DECLARATIONS = tuple(
    word.encode(encoding)
    for word in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("ascii", "utf-16-le", "utf-16-be")
)

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MACRO_TYPES = (
    b"application/vnd.ms-word.document.macroenabled",
    b"application/vnd.ms-word.template.macroenabled",
    b"application/vnd.ms-office.vbaproject",
)
_IMAGE_MAGIC = (
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"GIF87a",
    b"GIF89a",
    b"BM",
    b"II*\x00",
    b"MM\x00*",
)


class DocxRefused(Exception):
    """The file is not accepted; ``str(exc)`` is the Spanish reason for the person."""


def _sniff(data: bytes, filename: str) -> None:
    """Refuse what is not a zip archive, naming what it looks like instead."""
    head = data[:16]
    if head.startswith(b"%PDF") or b"%PDF-" in data[:1024]:
        raise DocxRefused(
            _(
                "El archivo es un PDF (aunque su nombre termine en .docx). Suba la ficha en "
                "formato de Word (.docx)."
            )
        )
    if head.startswith(_OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in data or b"EncryptedPackage" in data:
            raise DocxRefused(
                _(
                    "El archivo está protegido con contraseña. Quite la contraseña en Word "
                    "(Archivo > Información > Proteger documento) y súbalo de nuevo."
                )
            )
        raise DocxRefused(
            _(
                "El archivo es de una versión antigua de Word (.doc). Ábralo en Word y use "
                "«Guardar como» > «Documento de Word (.docx)»; después súbalo de nuevo."
            )
        )
    if head.startswith(_IMAGE_MAGIC) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP"):
        raise DocxRefused(
            _("El archivo es una imagen, no un documento de Word. Suba la ficha en .docx.")
        )
    if head.startswith(b"{\\rtf"):
        raise DocxRefused(
            _(
                "El archivo está en formato RTF. Ábralo en Word y guárdelo como «Documento de "
                "Word (.docx)»."
            )
        )
    if not head.startswith(b"PK\x03\x04"):
        raise DocxRefused(
            _("El archivo no es un documento de Word (.docx). Suba la ficha en formato .docx.")
        )


def check_archive(data: bytes, filename: str = "") -> None:
    """Refuse anything but a plain, reasonably sized .docx; reads no part but a few XML heads.

    Raises ``DocxRefused``. Costs milliseconds whatever the file claims to hold.
    """
    if len(data) > MAX_FILE_BYTES:
        raise DocxRefused(
            _("El archivo pesa más de 10 MB. Reduzca el tamaño de las imágenes y súbalo de nuevo.")
        )
    if not data:
        raise DocxRefused(_("El archivo está vacío."))
    lowered = filename.lower()
    if lowered.endswith((".docm", ".dotm")):
        raise DocxRefused(_macro_message())
    _sniff(data, filename)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise DocxRefused(
            _("El archivo está dañado o no es un documento de Word (.docx).")
        ) from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ENTRIES:
            raise DocxRefused(_too_big())
        total = 0
        for info in infos:
            if info.flag_bits & 0x1:
                raise DocxRefused(
                    _("El archivo está cifrado. Quite la contraseña en Word y súbalo de nuevo.")
                )
            total += info.file_size
            if total > MAX_UNCOMPRESSED_BYTES:
                raise DocxRefused(_too_big())
            if info.file_size > MIN_RATIO_CHECK and (
                info.compress_size == 0 or info.file_size / info.compress_size > MAX_RATIO
            ):
                raise DocxRefused(_too_big())
            name = info.filename.lower()
            if name.endswith("vbaproject.bin") or "/vba" in name:
                raise DocxRefused(_macro_message())
        names = {i.filename for i in infos}
        if "[Content_Types].xml" not in names or "word/document.xml" not in names:
            raise DocxRefused(
                _("El archivo no es un documento de Word (.docx). Suba la ficha en formato .docx.")
            )
        content_types = _read(archive, "[Content_Types].xml").lower()
        if any(t in content_types for t in _MACRO_TYPES):
            raise DocxRefused(_macro_message())
        for info in infos:
            try:
                declares = _declares(archive, info)
            except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
                raise DocxRefused(
                    _("El archivo está dañado o no es un documento de Word (.docx).")
                ) from None
            if declares:
                raise DocxRefused(
                    _("El archivo contiene definiciones XML no permitidas en un .docx.")
                )


def _declares(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """Whether a part holds a DOCTYPE or ENTITY declaration (in UTF-8 or UTF-16).

    Every part is scanned, whatever its name: python-docx parses a part as XML by its declared
    content type. Streamed in chunks, within the 50 MB already checked.
    """
    tail = b""
    with archive.open(info) as part:
        while chunk := part.read(SCAN_CHUNK):
            window = tail + chunk
            if any(d in window for d in _DECLARATIONS):
                return True
            tail = window[-32:]
    return False


def _read(archive: zipfile.ZipFile, name: str) -> bytes:
    with archive.open(name) as part:
        return part.read(MAX_UNCOMPRESSED_BYTES)


def _macro_message() -> str:
    return _(
        "El archivo contiene macros (.docm). Guárdelo en Word como «Documento de Word (.docx)» "
        "y súbalo de nuevo."
    )


def _too_big() -> str:
    return _(
        "El archivo descomprimido es demasiado grande o está mal formado (límite: 50 MB). "
        "No se procesó."
    )


def open_docx(data: bytes, filename: str = "") -> Document:
    """``check_archive``, then the python-docx document. Raises ``DocxRefused``."""
    check_archive(data, filename)
    try:
        return docx.Document(io.BytesIO(data))
    except Exception:  # python-docx raises many kinds for a malformed package
        raise DocxRefused(
            _("El archivo está dañado o no es un documento de Word (.docx).")
        ) from None
