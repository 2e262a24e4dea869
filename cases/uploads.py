"""Evidence files in and out: size limit while uploading, type from the bytes, streaming hash and zip.

Nothing here holds a whole file in memory: uploads go to a temporary file, hashing and copying read
it in chunks, and the case-file zip is written as it is sent.
"""

import hashlib
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.utils.translation import gettext_lazy as _

CHUNK = 1024 * 1024
MAX_NAME_LENGTH = 200


class EvidenceSizeLimitHandler(FileUploadHandler):
    """Drops a file the moment it passes the evidence size limit, so it never fills the disk, and
    notices a request that ended before its closing boundary (an upload cut off half-way)."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.request.upload_interrupted = False
        self.expected, self.received, self.tail = content_length, 0, b""
        self.closing = b"--" + boundary + b"--"
        read = input_data.read

        def counting_read(*args, **kwargs):
            data = read(*args, **kwargs)
            self.received += len(data)
            self.tail = (self.tail + data)[-(len(self.closing) + 8) :]
            return data

        input_data.read = counting_read

    def upload_complete(self):
        if hasattr(self, "closing"):
            complete = self.received >= self.expected and self.closing in self.tail
            self.request.upload_interrupted = not complete

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        if not hasattr(self.request, "refused_uploads"):
            self.request.refused_uploads = []

    def receive_data_chunk(self, raw_data: bytes, start: int):
        if start + len(raw_data) > settings.PARKLAND_EVIDENCE_MAX_BYTES:
            self.request.refused_uploads.append(self.file_name)
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int):
        return None


@dataclass(frozen=True)
class FileKind:
    content_type: str
    extensions: tuple[str, ...]


KINDS = {
    "pdf": FileKind("application/pdf", (".pdf",)),
    "jpeg": FileKind("image/jpeg", (".jpg", ".jpeg")),
    "png": FileKind("image/png", (".png",)),
    "tiff": FileKind("image/tiff", (".tif", ".tiff")),
    "doc": FileKind("application/msword", (".doc",)),
    "xls": FileKind("application/vnd.ms-excel", (".xls",)),
    "docx": FileKind("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",)),
    "xlsx": FileKind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",)),
    "ofd": FileKind("application/ofd", (".ofd",)),
    "mp4": FileKind("video/mp4", (".mp4", ".m4v")),
}
ALLOWED_EXTENSIONS = sorted({ext for kind in KINDS.values() for ext in kind.extensions})
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def sniff(file) -> set[str]:
    """The kinds the file's bytes can be, judged from their signatures (never the name)."""
    file.seek(0)
    head = file.read(64)
    file.seek(0)
    if head.startswith(b"%PDF-"):
        return {"pdf"}
    if head.startswith(b"\xff\xd8\xff"):
        return {"jpeg"}
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return {"png"}
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return {"tiff"}
    if head.startswith(OLE2):
        # The compound-file container of Word and Excel 97–2003; the extension says which.
        return {"doc", "xls"}
    if head[4:8] == b"ftyp":
        return {"mp4"}
    if head.startswith(b"PK\x03\x04"):
        return _sniff_zip(file)
    return set()


def _sniff_zip(file) -> set[str]:
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return set()
    finally:
        file.seek(0)
    if "word/document.xml" in names:
        return {"docx"}
    if "xl/workbook.xml" in names:
        return {"xlsx"}
    if "OFD.xml" in names:
        return {"ofd"}
    return set()


def kind_of(file, name: str) -> FileKind:
    """The file's kind when its bytes are an allowed type and its name says the same; else ValueError."""
    extension = PurePosixPath(name.lower()).suffix
    sniffed = sniff(file)
    if not sniffed:
        raise ValueError(
            _(
                "“%(name)s” is not a file type that evidence may be: PDF, JPEG, PNG, TIFF, Word, Excel, "
                "OFD or MP4."
            )
            % {"name": name}
        )
    for key in sorted(sniffed):
        if extension in KINDS[key].extensions:
            return KINDS[key]
    raise ValueError(
        _("The contents of “%(name)s” are not what its name says (%(extension)s); rename or convert it.")
        % {"name": name, "extension": extension or _("no extension")}
    )


def clean_file_name(name: str) -> str:
    """The user's file name made safe to keep and to send back: no path, no control characters."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip().strip(".")
    if len(name) > MAX_NAME_LENGTH:
        suffix = PurePosixPath(name).suffix[:16]
        name = name[: MAX_NAME_LENGTH - len(suffix)] + suffix
    return name


def sha256_of(chunks: Iterable[bytes]) -> tuple[str, int]:
    """The SHA-256 (hex) and size of a stream of chunks."""
    digest = hashlib.sha256()
    size = 0
    for chunk in chunks:
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def read_chunks(handle, size: int = CHUNK) -> Iterator[bytes]:
    while chunk := handle.read(size):
        yield chunk


class _ZipSink:
    """A write-only stream the zip writer fills and the response drains, chunk by chunk."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []
        self._position = 0

    def write(self, data) -> int:
        self._chunks.append(bytes(data))
        self._position += len(data)
        return len(data)

    def tell(self) -> int:
        return self._position

    def flush(self) -> None:
        pass

    def drain(self) -> bytes:
        data = b"".join(self._chunks)
        self._chunks.clear()
        return data


def stream_zip(entries: Iterable[tuple[str, datetime, Iterable[bytes]]]) -> Iterator[bytes]:
    """A zip archive of (name, time, chunks) entries, produced as it is read; memory stays at one chunk."""
    sink = _ZipSink()
    with zipfile.ZipFile(sink, "w") as archive:
        for name, when, chunks in entries:
            info = zipfile.ZipInfo(name, date_time=when.timetuple()[:6])
            with archive.open(info, "w", force_zip64=True) as target:
                for chunk in chunks:
                    target.write(chunk)
                    if data := sink.drain():
                        yield data
            if data := sink.drain():
                yield data
    yield sink.drain()
