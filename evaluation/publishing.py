"""A run's results as counties publish them (docs/evaluation.md#exports): by class (规上, 规下 by land,
tenants), each enterprise with its land, tax, indicators, score, class and rank; as JSON, CSV
(UTF-8 with BOM), XLSX and PDF."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

from django.db.models import Count, Sum
from django.utils.translation import gettext

from cases.exports import SheetWriter, neutralise, new_workbook, workbook_bytes
from cases.models.base import m2_to_mu

from .indicators import INDICATORS
from .models import EvaluationResult, EvaluationRun, Grade, Group

PUBLISHED_CODES = (
    "tax_per_mu",
    "value_added_per_mu",
    "value_added_per_energy",
    "value_added_per_emission",
    "labour_productivity",
    "rd_share",
)


def results(run: EvaluationRun):
    """The run's results with their enterprises, by class and rank (one query)."""
    return (
        EvaluationResult.objects.filter(run=run)
        .select_related("enterprise", "main_parcel")
        .order_by("group", "rank", "enterprise_id")
    )


def summary(run: EvaluationRun) -> list[dict]:
    """Per class and grade: enterprises, land and tax, from one aggregate query."""
    rows = (
        EvaluationResult.objects.filter(run=run)
        .values("group", "grade")
        .annotate(count=Count("id"), land_m2=Sum("land_m2"), tax_wan=Sum("tax_wan"))
        .order_by()
    )
    table = {(row["group"], row["grade"]): row for row in rows}
    out = []
    for group in Group:
        cells = []
        for grade in Grade:
            row = table.get((group.value, grade.value), {})
            cells.append(
                {
                    "grade": grade.value,
                    "count": row.get("count", 0),
                    "land_mu": m2_to_mu(row.get("land_m2") or Decimal(0)),
                    "tax_wan": row.get("tax_wan") or Decimal(0),
                }
            )
        total = {
            "count": sum(c["count"] for c in cells),
            "land_mu": sum((c["land_mu"] for c in cells), Decimal(0)),
            "tax_wan": sum((c["tax_wan"] for c in cells), Decimal(0)),
        }
        out.append({"group": group, "cells": cells, "total": total})
    return out


def as_json(run: EvaluationRun | None, evaluation=None) -> dict:
    """The issue's JSON: {"park", "year", "scheme", "enterprises": [...]}, decimals as strings."""
    if run is not None:
        head, snapshot = run, run.scheme_snapshot
        rows = [
            {
                "credit_code": r.enterprise.credit_code,
                "name": r.enterprise.name,
                "class": r.grade,
                "score": str(r.score),
                "indicators": r.indicators,
            }
            for r in results(run)
        ]
    else:
        head, snapshot = evaluation, evaluation.snapshot
        names = {
            e.pk: e
            for e in evaluation.park.enterprises.filter(pk__in=[s.enterprise_id for s in evaluation.subjects])
        }
        rows = [
            {
                "credit_code": names[s.enterprise_id].credit_code,
                "name": names[s.enterprise_id].name,
                "class": s.grade,
                "score": str(s.score),
                "indicators": s.indicators,
            }
            for s in evaluation.subjects
        ]
    return {
        "park": head.park.code,
        "year": head.year,
        "scheme": {"name": snapshot["name"], "version": snapshot["version"], "basis": snapshot["basis"]},
        "enterprises": rows,
    }


def json_bytes(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


def _labels() -> list[str]:
    return [
        gettext("class of publication"),
        gettext("rank"),
        gettext("enterprise"),
        gettext("unified social credit code"),
        gettext("land used (mu)"),
        gettext("tax paid (10k yuan)"),
        *(f"{INDICATORS[code].code.label} ({INDICATORS[code].unit})" for code in PUBLISHED_CODES),
        gettext("score"),
        gettext("class"),
    ]


def export_rows(run: EvaluationRun):
    """The run's results as the exports need them: by class and rank, with only the columns written
    (one query; no parcel joined)."""
    return (
        EvaluationResult.objects.filter(run=run)
        .select_related("enterprise")
        .only(
            "group",
            "rank",
            "land_m2",
            "tax_wan",
            "indicators",
            "score",
            "grade",
            "enterprise__name",
            "enterprise__credit_code",
        )
        .order_by("group", "rank", "enterprise_id")
    )


def _group_labels() -> dict:
    """Each class of publication's label, translated once per export rather than once per row."""
    return {group.value: str(group.label) for group in Group}


def _line(result: EvaluationResult, groups: dict | None = None) -> list:
    def value(code):
        entry = result.indicators.get(code) or {}
        return Decimal(entry["value"]) if entry.get("value") is not None else None

    return [
        groups[result.group] if groups else str(Group(result.group).label),
        result.rank,
        result.enterprise.name,
        result.enterprise.credit_code,
        m2_to_mu(result.land_m2).quantize(Decimal("0.01")),
        result.tax_wan,
        *(value(code) for code in PUBLISHED_CODES),
        result.score,
        result.grade,
    ]


def as_csv(run: EvaluationRun) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(_labels())
    groups = _group_labels()
    for result in export_rows(run).iterator(chunk_size=2000):
        writer.writerow(["" if v is None else neutralise(str(v)) for v in _line(result, groups)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def as_xlsx(run: EvaluationRun) -> bytes:
    """The run as a write-only workbook (cases.exports.SheetWriter): the results are read from the
    database in chunks and each row goes to the sheet's temporary file as it comes, so the memory
    held does not grow with the enterprises."""
    workbook = new_workbook()
    labels = _labels()
    sheet = SheetWriter(
        workbook,
        f"{run.park.code}{run.year}",
        widths=[22, 6, 36, 22, *([14] * (len(labels) - 4))],
        freeze="A2",
    )
    sheet.header(labels, wrap=True)
    formats = [None, None, None, None, *(["#,##0.00"] * (len(labels) - 6)), "0.00", None]
    groups = _group_labels()
    for result in export_rows(run).iterator(chunk_size=2000):
        sheet.row(_line(result, groups), formats)
    return workbook_bytes(workbook)


def as_pdf(run: EvaluationRun, *, produced_by: str = "") -> bytes:
    from .opening import pdf_of

    grouped = {}
    for result in results(run):
        grouped.setdefault(result.group, []).append(_line(result))
    return pdf_of(
        "evaluation/results_print.html",
        {
            "run": run,
            "labels": _labels()[1:],
            "groups": [(Group(g).label, [line[1:] for line in lines]) for g, lines in grouped.items()],
            "summary": summary(run),
            "produced_by": produced_by,
        },
        landscape=True,
    )
