"""The report's SVG chart: the cumulative rate line, the benchmark line and the monthly bars."""

from dataclasses import dataclass
from decimal import Decimal

from .monthly import MonthlyReport


@dataclass(frozen=True)
class Chart:
    """Coordinates of the report's SVG chart: cumulative rate line, benchmark line, monthly bars."""

    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    rate_points: str
    rate_dots: list
    benchmark_y: float
    bars: list
    y_ticks: list
    area_ticks: list
    months: list


def chart(report: MonthlyReport) -> Chart:
    width, height, left, right, top, bottom = 760, 300, 56, 70, 20, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / 12

    def x(month: int) -> float:
        return round(left + step * (month - 0.5), 1)

    def y_rate(pct: Decimal) -> float:
        return round(top + plot_h * (1 - float(pct) / 100), 1)

    largest = max((row.figures.disposed_area_m2 for row in report.months), default=Decimal(0)) or Decimal(1)
    scale = _nice_ceiling(largest)
    bars, dots = [], []
    for row in report.months:
        area = row.figures.disposed_area_m2
        bar_h = round(plot_h * float(area / scale), 1)
        bars.append(
            {
                "x": round(x(row.figures.month) - step * 0.3, 1),
                "y": round(top + plot_h - bar_h, 1),
                "w": round(step * 0.6, 1),
                "h": bar_h,
                "month": row.figures.month,
                "area": area,
            }
        )
        rate = row.figures.cumulative.rate_pct
        if rate is not None:
            dots.append(
                {"x": x(row.figures.month), "y": y_rate(rate), "rate": rate, "month": row.figures.month}
            )
    return Chart(
        width=width,
        height=height,
        left=left,
        right=width - right,
        top=top,
        bottom=top + plot_h,
        rate_points=" ".join(f"{d['x']},{d['y']}" for d in dots),
        rate_dots=dots,
        benchmark_y=y_rate(report.benchmark_pct),
        bars=bars,
        y_ticks=[{"y": y_rate(Decimal(p)), "label": p} for p in (0, 20, 40, 60, 80, 100)],
        area_ticks=[{"y": round(top + plot_h * (1 - i / 4), 1), "label": scale * i / 4} for i in range(5)],
        months=[{"x": x(m), "label": m} for m in range(1, 13)],
    )


def _nice_ceiling(value: Decimal) -> Decimal:
    """A round number at or above `value` for the area axis (1, 2 or 5 times a power of ten)."""
    magnitude = Decimal(10) ** (len(str(int(value))) - 1)
    for factor in (1, 2, 5, 10):
        if value <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


# Files ----------------------------------------------------------------------------------------
