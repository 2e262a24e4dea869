"""The demo's parcel boundaries: `xq_boundaries.txt`, a 界址点坐标 TXT file of fictional boundaries
near the real Xinqing park (CGCS2000, 3-degree zone 38), loaded through the boundary import itself.
Written by scripts/make_demo_boundaries.py; each parcel's area is its recorded area."""

from pathlib import Path

from cases.ledger.report import LedgerReport
from cases.mapping.importing import import_boundaries
from cases.models import Park

BOUNDARY_FILE = Path(__file__).with_name("xq_boundaries.txt")


def load_demo_boundaries() -> LedgerReport:
    """Import the XQ boundaries (parcels whose boundary is already this one stay unchanged)."""
    park = Park.objects.get(code="XQ")
    return import_boundaries(BOUNDARY_FILE.read_bytes(), file_name=BOUNDARY_FILE.name, park=park)
