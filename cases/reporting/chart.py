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
    legend: list  # where the rate line, the bars and the benchmark are explained, one (x, y) each
    font_size: int = 11


# The page's chart, and the narrower one a phone shows instead: larger type for its width, every
# other month named, the legend in a column under the plot.
WIDE = {"width": 760, "left": 56, "right": 70, "plot_h": 240, "legend_rows": 1, "font_size": 11}
NARROW = {"width": 360, "left": 36, "right": 54, "plot_h": 200, "legend_rows": 3, "font_size": 12}


def chart(
    report: MonthlyReport,
    *,
    width: int = 760,
    left: int = 56,
    right: int = 70,
    plot_h: int = 240,
    legend_rows: int = 1,
    font_size: int = 11,
) -> Chart:
    top, axis, line = 20, 24, 16 + (font_size - 11) * 2
    height = top + plot_h + axis + line * legend_rows
    plot_w = width - left - right
    step = plot_w / 12
    named_every = 1 if step >= 12 * font_size / 4 else 2

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
        months=[{"x": x(m), "label": m} for m in range(1, 13) if (m - 1) % named_every == 0],
        legend=_legend(legend_rows, left, top + plot_h + axis, line),
        font_size=font_size,
    )


def _legend(rows: int, left: int, below: int, row: int) -> list[dict]:
    """The three legend entries side by side (one row) or stacked (three)."""
    if rows == 1:
        return [{"x": left + x, "y": below + row - 8} for x in (0, 190, 400)]
    return [{"x": left, "y": below + row * (i + 1) - 8} for i in range(3)]


def _nice_ceiling(value: Decimal) -> Decimal:
    """A round number at or above `value` for the area axis (1, 2 or 5 times a power of ten)."""
    magnitude = Decimal(10) ** (len(str(int(value))) - 1)
    for factor in (1, 2, 5, 10):
        if value <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


# Files ----------------------------------------------------------------------------------------
