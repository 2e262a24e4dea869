"""Phone photos for the site-inspection tests: real JPEGs with EXIF time and GPS position."""

import io
import itertools
from decimal import Decimal

from PIL import ExifTags, Image

_shades = itertools.count(1)


def dms(value: Decimal) -> tuple[float, float, float]:
    """Decimal degrees as EXIF's degrees, minutes and seconds."""
    value = abs(Decimal(value))
    degrees = int(value)
    minutes_full = (value - degrees) * 60
    minutes = int(minutes_full)
    seconds = (minutes_full - minutes) * 60
    return float(degrees), float(minutes), float(round(seconds, 4))


def photo(
    *,
    taken: str | None = "2026:11:20 09:30:05",
    latitude: str | None = "22.271000",
    longitude: str | None = "113.304000",
    offset: str | None = None,
    size: tuple[int, int] = (320, 240),
    kind: str = "JPEG",
) -> bytes:
    """A photo as a phone writes it: DateTimeOriginal and a GPS position, each left out when None.

    Each call gives a different picture (so a different checksum).
    """
    shade = next(_shades)
    image = Image.new("RGB", size, (shade * 37 % 256, shade * 91 % 256, 120))
    exif = Image.Exif()
    if taken is not None:
        exif[0x0132] = taken
        exif.get_ifd(ExifTags.IFD.Exif)[0x9003] = taken
        if offset is not None:
            exif.get_ifd(ExifTags.IFD.Exif)[0x9011] = offset
    if latitude is not None and longitude is not None:
        gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
        gps[1] = "N" if Decimal(latitude) >= 0 else "S"
        gps[2] = dms(Decimal(latitude))
        gps[3] = "E" if Decimal(longitude) >= 0 else "W"
        gps[4] = dms(Decimal(longitude))
    out = io.BytesIO()
    image.save(out, kind, exif=exif.tobytes(), **({"quality": 80} if kind == "JPEG" else {}))
    return out.getvalue()


def exif_position(data: bytes) -> dict:
    """The GPS directory of an image's EXIF, as Pillow reads it (empty when there is none)."""
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        return dict(image.getexif().get_ifd(ExifTags.IFD.GPSInfo))
