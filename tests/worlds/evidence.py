"""Shared builders of the evidence tests (moved from tests/test_evidence_upload.py)."""

import itertools
import os
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from cases.models import DisposalCase, EvidenceDocument, Membership, Park
from tests import factories

R = Membership.Role


WRONG_CLAIM = "text/html"  # what a browser might say; the bytes decide


_salts = itertools.count(1)


def _salt(salt: str | None) -> str:
    return salt if salt is not None else f"parkland-{next(_salts)}-{os.getpid()}"


def pdf_bytes(salt: str | None = None) -> bytes:
    body = f"1 0 obj\n<< /Type /Catalog /Note ({_salt(salt)}) >>\nendobj\n".encode()
    return b"%PDF-1.4\n" + body + b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bytes(salt: str | None = None) -> bytes:
    """A real 1×1 RGB PNG; the salt sits in a tEXt chunk so every call gives a different file."""
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"tEXt", b"Comment\x00" + _salt(salt).encode())
        + _png_chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + _png_chunk(b"IEND", b"")
    )


def jpeg_bytes(salt: str | None = None) -> bytes:
    comment = _salt(salt).encode()
    app0 = b"\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    return b"\xff\xd8" + app0 + b"\xff\xfe" + struct.pack(">H", len(comment) + 2) + comment + b"\xff\xd9"


@dataclass
class EvidenceWorld:
    """Park A with a member of each role and an idle case under investigation; park B with its own."""

    park: Park
    other_park: Park
    viewer: object
    officer: object
    supervisor: object
    other_officer: object
    case: DisposalCase
    other_case: DisposalCase


FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def build_world(**case_fields) -> EvidenceWorld:
    with override_settings(PASSWORD_HASHERS=FAST_HASHER):  # five users; the real hasher is slow
        return _build_world(**case_fields)


def _build_world(**case_fields) -> EvidenceWorld:
    park = factories.make_park(code="EA", name="甲园")
    other_park = factories.make_park(code="EB", name="乙园")
    officer = factories.make_user(username="officer-ea", park=park, role=R.OFFICER)
    # Under investigation, so not yet identified: only the supervisor's step sets identified_on.
    fields = {"status": "investigating", "officer": officer}
    fields.update(case_fields)
    case = factories.make_case(park=park, **fields)
    return EvidenceWorld(
        park=park,
        other_park=other_park,
        viewer=factories.make_user(username="viewer-ea", park=park, role=R.VIEWER),
        officer=officer,
        supervisor=factories.make_user(username="supervisor-ea", park=park, role=R.SUPERVISOR),
        other_officer=factories.make_user(username="officer-eb", park=other_park, role=R.OFFICER),
        case=case,
        other_case=factories.make_case(park=other_park, status="investigating"),
    )


def evidence_root() -> Path:
    return Path(settings.STORAGES["evidence"]["OPTIONS"]["location"])


def stored_files() -> list[str]:
    """Every file in the evidence storage folder, relative to it."""
    root = evidence_root()
    if not root.exists():
        return []
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def upload_url(case: DisposalCase, *, supersedes: EvidenceDocument | None = None) -> str:
    url = reverse("evidence-upload", args=[case.number])
    return f"{url}?supersedes={supersedes.pk}" if supersedes else url


def upload(
    client,
    case: DisposalCase,
    files: list[tuple[str, bytes]],
    *,
    doc_type: str = "site_inspection",
    title: str = "现场勘查笔录",
    supersedes: EvidenceDocument | None = None,
    extra: dict | None = None,
    **fields,
):
    """POST the upload form as a browser would, each file claiming a wrong content type."""
    data = {
        "doc_type": doc_type,
        "title": title,
        "files": [SimpleUploadedFile(name, content, content_type=WRONG_CLAIM) for name, content in files],
        **fields,
    }
    return client.post(upload_url(case, supersedes=supersedes), data, **(extra or {}))


def form_errors(response) -> list[str]:
    form = response.context["form"]
    return [str(message) for messages in form.errors.values() for message in messages]
