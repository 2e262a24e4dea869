"""The evaluation's small server-side SVG charts: the distribution of scores by class, and an
enterprise's or a parcel's trend over the years."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, IntegerField, Value
from django.db.models.functions import Cast, Floor, Least

from .models import EvaluationResult, Grade

BIN = 20  # points per bar
LAST_BIN = 10  # the last bar gathers 200 points and more
COLOURS = {"A": "#198754", "B": "#0d6efd", "C": "#fd7e14", "D": "#dc3545"}


@dataclass(frozen=True)
class Distribution:
    width: int
    height: int
    bars: list
    y_ticks: list
    x_labels: list
    legend: list
    baseline: float


def distribution(run) -> Distribution:
    """How many enterprises scored in each band of 20 points, stacked by class (one aggregate query)."""
    counts = (
        EvaluationResult.objects.filter(run=run)
        .annotate(bin=Least(Cast(Floor(F("score") / Value(BIN)), IntegerField()), Value(LAST_BIN)))
        .values("bin", "grade")
        .annotate(n=Count("id"))
        .order_by()
    )
    table = {}
    for row in counts:
        table.setdefault(row["bin"], {})[row["grade"]] = row["n"]
    width, height, left, bottom, top = 640, 220, 40, 30, 12
    plot_h = height - bottom - top
    step = (width - left - 10) / (LAST_BIN + 1)
    largest = max((sum(v.values()) for v in table.values()), default=0) or 1
    scale = _nice(largest)
    bars = []
    for index in range(LAST_BIN + 1):
        y = height - bottom
        for grade in Grade.values:
            n = table.get(index, {}).get(grade, 0)
            if not n:
                continue
            h = round(plot_h * n / scale, 1)
            y = round(y - h, 1)
            bars.append(
                {
                    "x": round(left + index * step + 2, 1),
                    "y": y,
                    "w": round(step - 4, 1),
                    "h": h,
                    "colour": COLOURS[grade],
                    "grade": grade,
                    "n": n,
                    "from": index * BIN,
                }
            )
    return Distribution(
        width=width,
        height=height,
        bars=bars,
        y_ticks=[
            {"y": round(height - bottom - plot_h * i / 4, 1), "label": scale * i // 4} for i in range(5)
        ],
        x_labels=[
            {
                "x": round(left + i * step + step / 2, 1),
                "label": f"{i * BIN}" + ("+" if i == LAST_BIN else ""),
            }
            for i in range(LAST_BIN + 1)
        ],
        legend=[{"grade": g, "colour": COLOURS[g]} for g in Grade.values],
        baseline=height - bottom,
    )


def _nice(value: int) -> int:
    for nice in (4, 8, 20, 40, 80, 200, 400, 800, 2000, 4000, 8000, 20000):
        if value <= nice:
            return nice
    return value


@dataclass(frozen=True)
class Trend:
    width: int
    height: int
    points: str
    dots: list
    baseline: float


def trend(values: list[tuple[int, Decimal | None]], *, width: int = 260, height: int = 70) -> Trend | None:
    """A sparkline of (year, value), years left to right; None when fewer than one value is known."""
    known = [(year, value) for year, value in values if value is not None]
    if not known:
        return None
    low = min(Decimal(0), *(v for _y, v in known))
    high = max(v for _y, v in known) or Decimal(1)
    years = [year for year, _v in values]
    span = max(len(years) - 1, 1)
    pad = 16

    def x(year):
        return round(pad + (width - 2 * pad) * years.index(year) / span, 1)

    def y(value):
        return round(height - 18 - (height - 36) * float((value - low) / ((high - low) or 1)), 1)

    dots = [{"x": x(year), "y": y(value), "year": year, "value": value} for year, value in known]
    return Trend(
        width=width,
        height=height,
        points=" ".join(f"{d['x']},{d['y']}" for d in dots),
        dots=dots,
        baseline=height - 18,
    )
