"""Photos as evidence: what a photo says of when and where it was taken, and copies without the where.

A camera's EXIF time and GPS position are read on upload and kept beside the server's receipt time,
never instead of it. A park may have the position taken out of every copy that leaves the system
(downloads, case-file zips, the API): `location_free` streams such a copy, rewriting only the bytes
that hold the position, so the stored original and its checksum stay as uploaded.
"""

import struct
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from PIL import ExifTags, Image, ImageFile, UnidentifiedImageError

from .uploads import CHUNK, read_chunks

# The image kinds a site inspection accepts: what phone cameras write.
PHOTO_CONTENT_TYPES = ("image/jpeg", "image/png")
# The kinds whose copies can carry a position that `location_free` takes out.
LOCATABLE_CONTENT_TYPES = ("image/jpeg", "image/png", "image/tiff")

DATE_TIME_ORIGINAL, OFFSET_TIME_ORIGINAL, DATE_TIME = 0x9003, 0x9011, 0x0132
GPS_IFD_POINTER = 0x8825
MICRODEGREE = Decimal("0.000001")


@dataclass(frozen=True)
class PhotoFacts:
    """When and where the photo says it was taken; None where it does not say (or says nonsense)."""

    taken_at: datetime | None
    latitude: Decimal | None
    longitude: Decimal | None

    def as_fields(self) -> dict:
        return {"taken_at": self.taken_at, "latitude": self.latitude, "longitude": self.longitude}


def read_photo(file, name: str) -> PhotoFacts:
    """The photo's EXIF time and position, after decoding it whole; ValueError when it is no sound image."""
    refused = ValueError(
        _("“%(name)s” is not a complete photo (damaged or cut off); take or choose it again.")
        % {"name": name}
    )
    # WeasyPrint, once imported to write a PDF, lets Pillow accept cut-off images process-wide;
    # a photo of evidence must be whole.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        file.seek(0)
        with Image.open(file) as image:
            image.verify()
        file.seek(0)
        with Image.open(file) as image:
            if image.format == "JPEG":
                # Decoded at an eighth of its size: every block is still read, a cut-off file still fails.
                image.draft("RGB", (max(1, image.width // 8), max(1, image.height // 8)))
            image.load()
            # After loading: a PNG's eXIf chunk may follow its image data.
            exif = image.getexif()
            facts = PhotoFacts(_taken_at(exif), *_position(exif))
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError) as error:
        raise refused from error
    finally:
        file.seek(0)
    return facts


def _taken_at(exif: Image.Exif) -> datetime | None:
    """DateTimeOriginal, with its own offset when the camera wrote one, else the site's time zone."""
    details = exif.get_ifd(ExifTags.IFD.Exif)
    text = details.get(DATE_TIME_ORIGINAL) or exif.get(DATE_TIME)
    if not isinstance(text, str):
        return None
    try:
        naive = datetime.strptime(text.strip("\x00 ")[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    if naive.year < 1990:
        return None
    offset = details.get(OFFSET_TIME_ORIGINAL)
    if isinstance(offset, str) and len(offset.strip("\x00 ")) == 6:
        try:
            sign = -1 if offset[0] == "-" else 1
            hours, minutes = int(offset[1:3]), int(offset[4:6])
            zone = dt_timezone(sign * timedelta(hours=hours, minutes=minutes))
            return naive.replace(tzinfo=zone)
        except (ValueError, IndexError):
            pass
    return timezone.make_aware(naive, timezone.get_default_timezone())


def _position(exif: Image.Exif) -> tuple[Decimal | None, Decimal | None]:
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    latitude = _degrees(gps.get(2), gps.get(1), "NS", 90)
    longitude = _degrees(gps.get(4), gps.get(3), "EW", 180)
    if latitude is None or longitude is None:
        return None, None
    return latitude, longitude


def _degrees(value, ref, hemispheres: str, limit: int) -> Decimal | None:
    """Degrees, minutes and seconds with their hemisphere letter, as signed decimal degrees."""
    if not isinstance(value, tuple | list) or len(value) != 3 or not isinstance(ref, str):
        return None
    ref = ref.strip("\x00 ").upper()
    if ref not in hemispheres:
        return None
    try:
        degrees, minutes, seconds = (Decimal(str(float(part))) for part in value)
        result = degrees + minutes / 60 + seconds / 3600
    except (InvalidOperation, TypeError, ValueError, ZeroDivisionError):
        return None
    if not result.is_finite() or not 0 <= result <= limit:
        return None
    sign = -1 if ref == hemispheres[1] else 1
    return (sign * result).quantize(MICRODEGREE, rounding=ROUND_HALF_UP)


# Copies without the position ----------------------------------------------------------------

TIFF_TYPE_SIZES = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4}


def _gps_ranges(read_at, size: int) -> list[tuple[int, int]]:
    """The byte ranges (offset, length) of a TIFF structure that hold its GPS directory: its entry
    count, its entries and the values they point to. Zeroed, they leave an empty, valid directory.

    `read_at(offset, length)` reads the structure, whose `size` bytes start at offset 0.
    """

    def read(offset: int, length: int) -> bytes:
        if offset < 0 or offset + length > size:
            raise ValueError("outside the structure")
        return read_at(offset, length)

    try:
        order = {b"II": "<", b"MM": ">"}[read(0, 2)]
        (ifd0,) = struct.unpack(order + "I", read(4, 4))
        (count,) = struct.unpack(order + "H", read(ifd0, 2))
        gps = None
        for index in range(count):
            tag, kind, _n, value = struct.unpack(order + "HHII", read(ifd0 + 2 + 12 * index, 12))
            if tag == GPS_IFD_POINTER:
                gps = value
        if not gps:
            return []
        (entries,) = struct.unpack(order + "H", read(gps, 2))
        ranges = [(gps, 2 + 12 * entries)]
        for index in range(entries):
            _tag, kind, number, value = struct.unpack(order + "HHII", read(gps + 2 + 12 * index, 12))
            length = TIFF_TYPE_SIZES.get(kind, 1) * number
            if length > 4 and value + length <= size:
                ranges.append((value, length))
        return ranges
    except (KeyError, ValueError, struct.error):
        return []


def _zero(data: bytearray, ranges: Iterable[tuple[int, int]], base: int = 0) -> None:
    for offset, length in ranges:
        data[base + offset : base + offset + length] = bytes(length)


def location_free(handle, content_type: str) -> Iterator[bytes]:
    """The file as a stream of chunks without its GPS position (EXIF GPS directory, XMP, PNG eXIf)."""
    if content_type == "image/jpeg":
        return _jpeg_without_location(handle)
    if content_type == "image/png":
        return _png_without_location(handle)
    if content_type == "image/tiff":
        return _tiff_without_location(handle)
    return read_chunks(handle)


def _jpeg_without_location(handle) -> Iterator[bytes]:
    """The segments before the image data rewritten (Exif GPS zeroed, XMP with a position left out),
    then the rest of the file as it is."""
    head = bytearray(handle.read(2))
    if bytes(head) != b"\xff\xd8":
        yield bytes(head)
        yield from read_chunks(handle)
        return
    while True:
        marker = handle.read(2)
        if len(marker) < 2 or marker[0] != 0xFF or marker[1] in (0xD9, 0xDA) or 0xD0 <= marker[1] <= 0xD7:
            head += marker
            break
        length_bytes = handle.read(2)
        if len(length_bytes) < 2:
            head += marker + length_bytes
            break
        (length,) = struct.unpack(">H", length_bytes)
        data = bytearray(handle.read(max(0, length - 2)))
        if marker[1] == 0xE1 and data.startswith(b"Exif\x00\x00"):
            tiff = bytes(data[6:])
            ranges = _gps_ranges(lambda offset, n, tiff=tiff: tiff[offset : offset + n], len(tiff))
            _zero(data, ranges, base=6)
        elif marker[1] == 0xE1 and b"ns.adobe.com/xap" in data[:64] and b"GPS" in data:
            continue
        head += marker + length_bytes + data
    yield bytes(head)
    yield from read_chunks(handle)


def _png_without_location(handle) -> Iterator[bytes]:
    """Every chunk but eXIf (the PNG's EXIF) and an XMP packet with a position."""
    signature = handle.read(8)
    yield signature
    while True:
        header = handle.read(8)
        if len(header) < 8:
            yield header
            return
        (length,) = struct.unpack(">I", header[:4])
        kind = header[4:8]
        if kind == b"IDAT":
            yield header
            yield from read_chunks(handle)
            return
        body = handle.read(length + 4)
        if kind == b"eXIf" or (kind == b"iTXt" and body.startswith(b"XML:com.adobe.xmp") and b"GPS" in body):
            continue
        yield header + body


def _tiff_without_location(handle) -> Iterator[bytes]:
    """The TIFF as it is but for its GPS directory, zeroed where it lies in the file."""
    handle.seek(0, 2)
    size = handle.tell()

    def read_at(offset: int, length: int) -> bytes:
        handle.seek(offset)
        return handle.read(length)

    ranges = sorted(_gps_ranges(read_at, size))
    handle.seek(0)
    position = 0
    while chunk := handle.read(CHUNK):
        data = bytearray(chunk)
        for offset, length in ranges:
            start, end = max(offset, position), min(offset + length, position + len(data))
            if start < end:
                data[start - position : end - position] = bytes(end - start)
        position += len(data)
        yield bytes(data)


def strips_location(park, content_type: str) -> bool:
    """Whether copies of a file of `content_type` leave `park`'s system without their position."""
    return park.strip_photo_location and content_type in LOCATABLE_CONTENT_TYPES
