"""The evaluation itself (docs/evaluation.md#how-a-score-is-computed): every enterprise's indicators,
score and class for a year, from one read of the figures and in one pass over them.

The figures of the years a scheme averages are read in one query; each parcel's land is shared
among the enterprises on it; every indicator is the ratio of the summed figures; the park's average
(the benchmark unless the scheme names a fixed value or an industry's) is the ratio of the sums over
the enterprises graded alike (规上 with 规上, 规下 with 规下).
"""

from __future__ import annotations

import functools
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from cases.models import Park
from cases.models.base import M2_PER_MU

from .indicators import FIGURE_FIELDS, INDICATORS, Code
from .models import BenchmarkKind, EvaluationScheme, Grade, Group, YearFigures

CENT = Decimal("0.01")
FOUR = Decimal("0.0001")
ZERO = Decimal(0)
# Huangyan's rule: a 规上 enterprise without an emission figure gets the average points of those with one.
AVERAGE_WHEN_MISSING = {Code.VALUE_ADDED_PER_EMISSION}
ABOVE, SMALL = "above", "small"  # the two families that share an average


@dataclass
class Totals:
    """One enterprise's summed figures over the years averaged, and its land in 亩."""

    sums: dict = field(default_factory=dict)
    land_mu: Decimal = ZERO

    def add_row(self, row: dict, land_mu: Decimal) -> None:
        self.land_mu += land_mu
        sums = self.sums
        for name in FIGURE_FIELDS:
            value = row[name]
            if value is not None:
                current = sums.get(name)
                sums[name] = value if current is None else current + value


@dataclass
class Subject:
    """An enterprise as the evaluation sees it for the year."""

    enterprise_id: int
    above_scale: bool = False
    tenant: bool = True
    industry_code: str = ""
    land_m2: Decimal = ZERO
    main_parcel_id: int | None = None
    main_land: Decimal = ZERO
    parcel_ids: set = field(default_factory=set)
    tax_wan: Decimal | None = None
    window: Totals = field(default_factory=Totals)
    this_year: Totals = field(default_factory=Totals)
    last_year: Totals = field(default_factory=Totals)
    values: dict = field(default_factory=dict)
    group: str = ""
    family: str = ""
    indicators: dict = field(default_factory=dict)
    score: Decimal = ZERO
    grade: str = ""
    rank: int = 0


@dataclass
class Evaluation:
    """The outcome of evaluating one park's year under one scheme, not yet stored."""

    park: Park
    year: int
    scheme: EvaluationScheme
    snapshot: dict
    subjects: list[Subject]
    benchmarks: dict
    inputs_sha256: str
    # Enterprises left no land (stated shares of their parcel took all of it): listed, not graded.
    landless: list[int] = field(default_factory=list)


def snapshot(scheme: EvaluationScheme) -> dict:
    """The scheme as a run uses it (decimals as strings), kept on the run."""
    indicators = list(scheme.indicators.all())
    table = defaultdict(dict)
    for row in scheme_industry_rows(scheme):
        table[row["indicator__code"]][row["industry_code"]] = str(row["value"])
    return {
        "name": scheme.name,
        "basis": scheme.basis,
        "version": scheme.version,
        "a_min": str(scheme.a_min),
        "b_min": str(scheme.b_min),
        "c_min": str(scheme.c_min),
        "small_tax_only": scheme.small_tax_only,
        "small_land_split_mu": str(scheme.small_land_split_mu),
        "average_years": scheme.average_years,
        "indicators": [
            {
                "code": i.code,
                "weight": str(i.weight),
                "benchmark_kind": i.benchmark_kind,
                "benchmark_value": _text(i.benchmark_value),
                "cap_ratio": _text(i.cap_ratio),
                "alert_below": _text(i.alert_below),
                "excellent_from": _text(i.excellent_from),
                "industry": table.get(i.code, {}),
            }
            for i in indicators
        ],
    }


def scheme_industry_rows(scheme: EvaluationScheme):
    from .models import IndustryBenchmark

    return IndustryBenchmark.objects.filter(indicator__scheme=scheme).values(
        "indicator__code", "industry_code", "value"
    )


def evaluate(park: Park, year: int, scheme: EvaluationScheme) -> Evaluation:
    """Every enterprise with figures on the park's land in `year`, graded under `scheme`."""
    plan = snapshot(scheme)
    first = min(year - plan["average_years"] + 1, year - 1)
    rows = list(
        YearFigures.objects.for_years(park, first, year)
        .order_by("year", "parcel_id", "enterprise_id")
        .values(
            "enterprise_id",
            "parcel_id",
            "year",
            "is_tenant",
            "above_scale",
            "industry_code",
            "land_m2",
            "parcel__area_m2",
            *FIGURE_FIELDS,
        )
    )
    subjects = _subjects(rows, year, plan["average_years"])
    landless = sorted(pk for pk, subject in subjects.items() if subject.land_m2 <= 0)
    for pk in landless:
        del subjects[pk]
    for subject in subjects.values():
        _classify(subject, Decimal(plan["small_land_split_mu"]))
        subject.values = {spec["code"]: _value(subject, spec["code"]) for spec in plan["indicators"]}
    benchmarks = _averages(subjects.values(), plan)
    _score(subjects.values(), plan, benchmarks)
    ordered = sorted(subjects.values(), key=lambda s: (s.group, -s.score, s.enterprise_id))
    _rank(ordered)
    return Evaluation(
        park=park,
        year=year,
        scheme=scheme,
        snapshot=plan,
        subjects=ordered,
        benchmarks={
            family: {code: _text(v) for code, v in codes.items()} for family, codes in benchmarks.items()
        },
        inputs_sha256=_fingerprint(rows),
        landless=landless,
    )


def _subjects(rows: list[dict], year: int, average_years: int) -> dict[int, Subject]:
    shares = _land_shares(rows)
    subjects: dict[int, Subject] = {}
    for row in rows:
        if row["year"] == year:
            subject = subjects.setdefault(row["enterprise_id"], Subject(row["enterprise_id"]))
            _take_year_row(subject, row, shares)
    for row in rows:
        subject = subjects.get(row["enterprise_id"])
        if subject is None:
            continue
        land_mu = shares[(row["parcel_id"], row["year"], row["enterprise_id"])] / M2_PER_MU
        buckets = []
        if row["year"] > year - average_years:
            buckets.append(subject.window)
        if row["year"] == year:
            buckets.append(subject.this_year)
        if row["year"] == year - 1:
            buckets.append(subject.last_year)
        for totals in buckets:
            totals.add_row(row, land_mu)
    return subjects


def _take_year_row(subject: Subject, row: dict, shares: dict) -> None:
    land = shares[(row["parcel_id"], row["year"], row["enterprise_id"])]
    subject.above_scale = subject.above_scale or row["above_scale"]
    subject.tenant = subject.tenant and row["is_tenant"]
    subject.land_m2 += land
    subject.parcel_ids.add(row["parcel_id"])
    if row["tax_wan"] is not None:
        subject.tax_wan = (subject.tax_wan or ZERO) + row["tax_wan"]
    if subject.main_parcel_id is None or land > subject.main_land:
        subject.main_parcel_id, subject.main_land = row["parcel_id"], land
        subject.industry_code = row["industry_code"] or subject.industry_code


def _land_shares(rows: list[dict]) -> dict:
    """Each row's land in m²: its stated share, else an equal part of what the stated shares leave."""
    by_parcel_year = defaultdict(list)
    for row in rows:
        by_parcel_year[(row["parcel_id"], row["year"])].append(row)
    shares = {}
    for (parcel_id, year), group in by_parcel_year.items():
        stated = sum((r["land_m2"] for r in group if r["land_m2"] is not None), ZERO)
        open_rows = [r for r in group if r["land_m2"] is None]
        rest = max(Decimal(group[0]["parcel__area_m2"]) - stated, ZERO)
        part = rest / len(open_rows) if open_rows else ZERO
        for r in group:
            shares[(parcel_id, year, r["enterprise_id"])] = r["land_m2"] if r["land_m2"] is not None else part
    return shares


def _classify(subject: Subject, split_mu: Decimal) -> None:
    if subject.above_scale:
        subject.group, subject.family = Group.ABOVE_SCALE, ABOVE
        return
    subject.family = SMALL
    if subject.tenant:
        subject.group = Group.TENANT
    elif subject.land_m2 / M2_PER_MU >= split_mu:
        subject.group = Group.SMALL_LARGE_LAND
    else:
        subject.group = Group.SMALL_SMALL_LAND


def _ratio(numerator, denominator, scale: int) -> Decimal | None:
    if numerator is None or not denominator:
        return None
    return Decimal(numerator) / Decimal(denominator) * scale


def _of(totals: Totals, name: str):
    return totals.land_mu if name == "land_mu" else totals.sums.get(name)


def _value(subject: Subject, code: str) -> Decimal | None:
    spec = INDICATORS[code]
    if code == Code.TAX_GROWTH:
        now = _ratio(subject.this_year.sums.get("tax_wan"), subject.this_year.land_mu, 1)
        before = _ratio(subject.last_year.sums.get("tax_wan"), subject.last_year.land_mu, 1)
        if now is None or not before or before < 0:
            return None
        return (now / before - 1) * 100
    return _ratio(_of(subject.window, spec.numerator), _of(subject.window, spec.denominator), spec.scale)


def _averages(subjects, plan: dict) -> dict:
    """The park's average of each indicator, per family: the ratio of the sums (a weighted average)."""
    averages = {}
    for family in (ABOVE, SMALL):
        members = [s for s in subjects if s.family == family]
        averages[family] = {
            spec["code"]: _family_average(members, spec["code"]) for spec in plan["indicators"]
        }
    return averages


def _family_average(members: list[Subject], code: str) -> Decimal | None:
    spec = INDICATORS[code]
    if code == Code.TAX_GROWTH:
        have = [s for s in members if s.values.get(code) is not None]
        now = _ratio(
            _sum(s.this_year.sums.get("tax_wan") for s in have), sum(s.this_year.land_mu for s in have), 1
        )
        before = _ratio(
            _sum(s.last_year.sums.get("tax_wan") for s in have), sum(s.last_year.land_mu for s in have), 1
        )
        return (now / before - 1) * 100 if now is not None and before else None
    have = [s for s in members if s.values.get(code) is not None]
    return _ratio(
        _sum(_of(s.window, spec.numerator) for s in have),
        _sum(_of(s.window, spec.denominator) for s in have),
        spec.scale,
    )


def _sum(values) -> Decimal | None:
    present = [v for v in values if v is not None]
    return sum(present, ZERO) if present else None


def _benchmark(spec: dict, subject: Subject, averages: dict) -> Decimal | None:
    if spec["benchmark_kind"] == BenchmarkKind.FIXED:
        return Decimal(spec["benchmark_value"])
    if spec["benchmark_kind"] == BenchmarkKind.INDUSTRY and subject.industry_code:
        table = spec["industry"]
        for length in range(len(subject.industry_code), 0, -1):
            value = table.get(subject.industry_code[:length])
            if value is not None:
                return Decimal(value)
    return averages[subject.family][spec["code"]]


def _prepared(spec: dict) -> dict:
    """An indicator of the snapshot with its numbers as decimals, converted once for every enterprise."""

    def number(key):
        return None if spec[key] is None else Decimal(spec[key])

    return {
        **spec,
        "weight": Decimal(spec["weight"]),
        "cap_ratio": number("cap_ratio"),
        "alert_below": number("alert_below"),
        "excellent_from": number("excellent_from"),
    }


def _score(subjects, plan: dict, averages: dict) -> None:
    specs = [_prepared(spec) for spec in plan["indicators"]]
    weights = {spec["code"]: spec["weight"] for spec in specs}
    # 规下 firms on tax per 亩 alone, out of 100
    small_weights = {Code.TAX_PER_MU: Decimal(100)} if plan["small_tax_only"] else weights
    filled_later = defaultdict(list)
    points_of = {}
    for subject in subjects:
        scored = small_weights if subject.family == SMALL else weights
        points_of[subject.enterprise_id] = mine = {}
        for spec in specs:
            code = spec["code"]
            weight = scored.get(code)
            entry, points = _entry(spec, subject, averages, weight)
            subject.indicators[code] = entry
            mine[code] = points
            if (
                entry["band"] == "missing"
                and weight
                and code in AVERAGE_WHEN_MISSING
                and subject.family == ABOVE
            ):
                filled_later[code].append(subject)
    for code, missing in filled_later.items():
        given = [
            points_of[s.enterprise_id][code]
            for s in subjects
            if s.family == ABOVE and s.indicators[code]["band"] != "missing"
        ]
        mean = (sum(given, ZERO) / len(given)).quantize(CENT, ROUND_HALF_UP) if given else ZERO
        for subject in missing:
            points_of[subject.enterprise_id][code] = mean
            subject.indicators[code]["points"] = str(mean)
            subject.indicators[code]["note"] = "average_points"
    cut_offs = [
        (Decimal(plan["a_min"]), Grade.A),
        (Decimal(plan["b_min"]), Grade.B),
        (Decimal(plan["c_min"]), Grade.C),
    ]
    for subject in subjects:
        subject.score = sum(points_of[subject.enterprise_id].values(), ZERO).quantize(CENT, ROUND_HALF_UP)
        subject.grade = next((grade for floor, grade in cut_offs if subject.score >= floor), Grade.D)


def _entry(spec: dict, subject: Subject, averages: dict, weight: Decimal | None) -> tuple[dict, Decimal]:
    """An indicator's entry in the result (decimals as text) and its points, rounded to 0.01."""
    value = subject.values[spec["code"]]
    benchmark = _benchmark(spec, subject, averages)
    points = ZERO
    if weight and value is not None and benchmark and benchmark > 0:
        points = max(weight * value / benchmark, ZERO)
        if spec["cap_ratio"] is not None:
            points = min(points, weight * spec["cap_ratio"])
    points = points.quantize(CENT, ROUND_HALF_UP)
    entry = {
        "value": _text(value),
        "benchmark": _shared_text(benchmark),
        "weight": _shared_text(weight),
        "points": str(points),
        "band": _band(spec, value),
    }
    return entry, points


def _band(spec: dict, value: Decimal | None) -> str:
    if value is None:
        return "missing"
    if spec["alert_below"] is not None and value < spec["alert_below"]:
        return "alert"
    if spec["excellent_from"] is not None and value >= spec["excellent_from"]:
        return "excellent"
    return "normal"


def _rank(ordered: list[Subject]) -> None:
    rank, group = 0, None
    for subject in ordered:
        rank = rank + 1 if subject.group == group else 1
        group = subject.group
        subject.rank = rank


def _text(value) -> str | None:
    if value is None:
        return None
    value = Decimal(value)
    return str(value.quantize(FOUR if 0 < abs(value) < 1 else CENT, ROUND_HALF_UP))


# Benchmarks and weights repeat across enterprises: each is written out once.
_shared_text = functools.lru_cache(maxsize=1024)(_text)


def _fingerprint(rows: list[dict]) -> str:
    """The figures read, as one digest: a later run on other figures has another."""
    return hashlib.sha256(repr([tuple(row.values()) for row in rows]).encode()).hexdigest()
