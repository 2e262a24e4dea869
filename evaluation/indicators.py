"""The figures a park collects each year and the indicators computed from them (docs/evaluation.md).

Each indicator is a ratio of two summed figures (the land in 亩 counts as a figure), so a multi-year
average is the ratio of the sums over the years, as the national control indicators average 产出率.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    TAX = "tax", _("tax bureau")
    STATISTICS = "statistics", _("statistics bureau")
    ECONOMY = "economy", _("economy and information bureau")
    NATURAL_RESOURCES = "natural_resources", _("natural resources bureau")
    ENVIRONMENT = "environment", _("ecology and environment bureau")
    SELF_REPORTED = "self_reported", _("self-reported by the enterprise")


@dataclass(frozen=True)
class Figure:
    """One yearly figure: its field, its name, its unit and the office it usually comes from."""

    field: str
    label: object
    unit: object
    source: str
    integer: bool = False


FIGURES: tuple[Figure, ...] = (
    Figure("tax_wan", _("tax paid"), _("10k yuan"), Source.TAX),
    Figure("value_added_wan", _("industrial value added"), _("10k yuan"), Source.STATISTICS),
    Figure("output_wan", _("industrial output"), _("10k yuan"), Source.STATISTICS),
    Figure("energy_tce", _("energy use"), _("tce"), Source.ECONOMY),
    Figure("emissions_t", _("main pollutant emissions"), _("tonnes"), Source.ENVIRONMENT),
    Figure("rd_wan", _("R&D spending"), _("10k yuan"), Source.STATISTICS),
    Figure("revenue_wan", _("main business revenue"), _("10k yuan"), Source.STATISTICS),
    Figure("employees", _("employees (yearly average)"), _("people"), Source.STATISTICS, integer=True),
)
FIGURE_FIELDS = tuple(f.field for f in FIGURES)


class Code(models.TextChoices):
    TAX_PER_MU = "tax_per_mu", _("tax per mu")
    VALUE_ADDED_PER_MU = "value_added_per_mu", _("value added per mu")
    VALUE_ADDED_PER_ENERGY = "value_added_per_energy", _("value added per unit of energy")
    VALUE_ADDED_PER_EMISSION = "value_added_per_emission", _("value added per unit of emissions")
    RD_SHARE = "rd_share", _("R&D spending to main revenue")
    LABOUR_PRODUCTIVITY = "labour_productivity", _("labour productivity")
    OUTPUT_PER_MU = "output_per_mu", _("output per mu")
    TAX_GROWTH = "tax_growth", _("growth of tax per mu")


@dataclass(frozen=True)
class Indicator:
    """numerator ÷ denominator × scale; `land_mu` is the land used, in 亩."""

    code: str
    numerator: str
    denominator: str
    scale: int
    unit: object
    formula: object


INDICATORS: dict[str, Indicator] = {
    i.code: i
    for i in (
        Indicator(Code.TAX_PER_MU, "tax_wan", "land_mu", 1, _("10k yuan/mu"), _("tax paid ÷ land used (mu)")),
        Indicator(
            Code.VALUE_ADDED_PER_MU,
            "value_added_wan",
            "land_mu",
            1,
            _("10k yuan/mu"),
            _("industrial value added ÷ land used (mu)"),
        ),
        Indicator(
            Code.VALUE_ADDED_PER_ENERGY,
            "value_added_wan",
            "energy_tce",
            1,
            _("10k yuan/tce"),
            _("industrial value added ÷ energy use (tce)"),
        ),
        Indicator(
            Code.VALUE_ADDED_PER_EMISSION,
            "value_added_wan",
            "emissions_t",
            1,
            _("10k yuan/t"),
            _("industrial value added ÷ main pollutant emissions (t)"),
        ),
        Indicator(
            Code.RD_SHARE, "rd_wan", "revenue_wan", 100, "%", _("R&D spending ÷ main business revenue × 100")
        ),
        Indicator(
            Code.LABOUR_PRODUCTIVITY,
            "value_added_wan",
            "employees",
            1,
            _("10k yuan/person"),
            _("industrial value added ÷ employees (yearly average)"),
        ),
        Indicator(
            Code.OUTPUT_PER_MU,
            "output_wan",
            "land_mu",
            1,
            _("10k yuan/mu"),
            _("industrial output ÷ land used (mu)"),
        ),
        Indicator(
            Code.TAX_GROWTH,
            "tax_wan",
            "land_mu",
            100,
            "%",
            _("(tax per mu of the year ÷ tax per mu of the year before − 1) × 100"),
        ),
    )
}
