"""The demo park's 亩均效益 data: three years of figures for XQ's enterprises (a believable spread of
classes), the evaluations of the first two years published, and three grant commitments: two
breached and one completion overdue. Loaded by load_demo; idempotent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from cases.models import Enterprise, LandParcel, Park
from cases.models.base import M2_PER_MU

from .defaults import scheme_for
from .models import EvaluationRun, GrantCommitment, RunState, YearFigures
from .scoring import evaluate

YEARS = (2023, 2024, 2025)
PUBLISHED_YEARS = (2023, 2024)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Row:
    """An enterprise on a parcel: its size, industry, energy and R&D profile and its tax growth a year.

    Tax and output per 亩 start from the parcel's own figures (cases.demo.data.DEVELOPMENT) for 2025.
    """

    parcel: str
    enterprise: str  # the enterprise's name, as in cases.demo.data.ENTERPRISES
    above_scale: bool
    industry: str
    energy: str  # tce per 10k yuan of output
    rd_pct: str  # R&D spending, % of main revenue
    growth_pct: int  # tax growth a year
    tenant_m2: str | None = None  # a tenant's share of the parcel


ROWS = (
    Row("XQ-A01", "珠海市青屿微电子科技有限公司", True, "C3973", "0.025", "5.2", 8),
    Row("XQ-A02", "珠海市朔岚新能源电池有限公司", True, "C3841", "0.060", "4.1", 12),
    Row("XQ-A04", "珠海市蔚橙智能装备制造有限公司", True, "C3490", "0.018", "6.5", 15),
    Row("XQ-A05", "珠海市泓弈光电材料有限公司", True, "C3985", "0.070", "2.6", 3),
    Row("XQ-A07", "珠海市启棠线路板有限公司", True, "C3982", "0.110", "0.8", -6),
    Row("XQ-B01", "珠海市苇塘仓储物流有限公司", True, "G5960", "0.030", "0.3", 2),
    Row("XQ-B03", "珠海市桉禾五金塑胶制品有限公司", True, "C3389", "0.095", "0.9", -4),
    Row("XQ-B04", "珠海市柘溪电气设备有限公司", True, "C3829", "0.040", "3.0", 5),
    Row("XQ-F06", "珠海市柘溪电气设备有限公司", True, "C3829", "0.040", "3.0", 5),
    Row("XQ-C01", "珠海市璟屿照明科技有限公司", True, "C3872", "0.050", "2.2", 10),
    Row("XQ-C02", "珠海市沐铮汽车电子有限公司", True, "C3670", "0.035", "4.8", 9),
    Row("XQ-C03", "珠海市鹭汀包装材料有限公司", False, "C2231", "0.120", "0.2", -3),
    Row("XQ-D01", "珠海市霁峰机械制造有限公司", False, "C3421", "0.080", "0.5", 1),
    Row("XQ-D03", "珠海市隽泓电路科技有限公司", True, "C3982", "0.065", "2.4", 4),
    Row("XQ-D04", "珠海市栖禾智能科技有限公司", True, "C3490", "0.030", "3.6", 6),
    Row("XQ-E02", "珠海市茗澍纺织有限公司", False, "C1713", "0.150", "0.1", -8),
    Row("XQ-E03", "珠海市琨澜电池材料有限公司", True, "C3985", "0.090", "1.6", -2),
    Row("XQ-F01", "珠海市笺晟电子有限公司", True, "C3971", "0.045", "3.1", 2),
    # tenants without land of their own
    Row("XQ-A01", "珠海市珩越科技有限公司", False, "I6513", "0.010", "8.0", 20, tenant_m2="3000.00"),
    Row("XQ-B01", "珠海市筱林精密五金有限公司", False, "C3389", "0.060", "0.6", 0, tenant_m2="1800.00"),
)

# parcel: (committed investment intensity, output per 亩, tax per 亩, full production on, delivered on,
# actual completion on); the agreed start and completion stay on the parcel.
COMMITMENTS = {
    # production reached in 2013; 2024's figures fall short of the committed output and tax per 亩
    "XQ-F01": ("300", "600", "35", date(2013, 12, 1), date(2010, 12, 20), date(2013, 10, 20)),
    # started almost three years late; invested 260 of the 300 万元/亩 committed; 达产 review due in 2026
    "XQ-C01": ("300", "500", "25", date(2026, 4, 25), date(2019, 5, 10), date(2024, 6, 30)),
    # completion agreed for 2022-12-10 (two years after the agreed start), not yet completed: overdue
    "XQ-C02": ("320", "550", "30", date(2027, 6, 30), date(2020, 1, 8), None),
}


def _money(value) -> Decimal:
    return Decimal(value).quantize(CENT, ROUND_HALF_UP)


def _figures(row: Row, parcel: LandParcel, year: int) -> dict:
    mu = (Decimal(row.tenant_m2) if row.tenant_m2 else parcel.area_m2) / M2_PER_MU
    base_tax = parcel.annual_tax_wan / parcel.area_m2 * M2_PER_MU if parcel.annual_tax_wan else Decimal(6)
    base_output = (
        parcel.annual_output_wan / parcel.area_m2 * M2_PER_MU if parcel.annual_output_wan else base_tax * 12
    )
    if row.tenant_m2:
        base_tax, base_output = base_tax * Decimal("0.3"), base_output * Decimal("0.4")
    factor = (1 + Decimal(row.growth_pct) / 100) ** (year - 2025)
    output = base_output * mu * factor
    revenue = output * Decimal("0.97")
    return {
        "is_tenant": bool(row.tenant_m2),
        "above_scale": row.above_scale,
        "industry_code": row.industry,
        "land_m2": Decimal(row.tenant_m2) if row.tenant_m2 else None,
        "tax_wan": _money(base_tax * mu * factor),
        "value_added_wan": _money(output * Decimal("0.24")),
        "output_wan": _money(output),
        "energy_tce": _money(output * Decimal(row.energy)),
        "emissions_t": _money(output * Decimal(row.energy) / 90),
        "rd_wan": _money(revenue * Decimal(row.rd_pct) / 100),
        "revenue_wan": _money(revenue),
        "employees": max(5, int(output / 85)),
        "tax_wan_on": date(year + 1, 3, 31),
        "value_added_wan_on": date(year + 1, 4, 20),
        "output_wan_on": date(year + 1, 4, 20),
        "energy_tce_on": date(year + 1, 4, 10),
        "emissions_t_on": date(year + 1, 4, 30),
        "rd_wan_on": date(year + 1, 4, 20),
        "revenue_wan_on": date(year + 1, 4, 20),
        "employees_on": date(year + 1, 4, 20),
    }


@transaction.atomic
def load_demo_evaluation() -> dict:
    """Create what is missing; returns the counts created."""
    park = Park.objects.get(code="XQ")
    parcels = {p.code: p for p in LandParcel.objects.filter(park=park)}
    enterprises = {e.name: e for e in Enterprise.objects.filter(park=park)}
    created = {"figures": 0, "runs": 0, "commitments": 0}
    for row in ROWS:
        for year in YEARS:
            _figures_row, made = YearFigures.objects.get_or_create(
                enterprise=enterprises[row.enterprise],
                parcel=parcels[row.parcel],
                year=year,
                defaults=_figures(row, parcels[row.parcel], year),
            )
            created["figures"] += made
    users = get_user_model().objects
    supervisor, admin = users.get(username="demo-supervisor"), users.get(username="demo-parkadmin")
    for year in PUBLISHED_YEARS:
        if EvaluationRun.objects.filter(park=park, year=year).exists():
            continue
        scheme, _how = scheme_for(park, year)
        run = EvaluationRun.objects.record(
            evaluate(park, year, scheme), by=users.get(username="demo-officer")
        )
        run.confirm(by=supervisor)
        run.publish(by=admin)
        created["runs"] += run.state == RunState.PUBLISHED
    scheme_for(park, YEARS[-1])
    for code, (investment, output, tax, production, delivered, completed) in COMMITMENTS.items():
        _commitment, made = GrantCommitment.objects.get_or_create(
            parcel=parcels[code],
            defaults={
                "investment_per_mu_wan": Decimal(investment),
                "output_per_mu_wan": Decimal(output),
                "tax_per_mu_wan": Decimal(tax),
                "production_on": production,
                "delivered_on": delivered,
                "actual_completion_on": completed,
            },
        )
        created["commitments"] += made
    return created
