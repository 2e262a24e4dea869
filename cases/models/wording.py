"""Text the system writes into a case's record — timeline titles, the figures a step carries, history
reasons — kept as a code with its parameters and put into words in the reader's language.

An event keeps its code in `CaseEvent.title_code` and `title_params`; a history reason keeps it in
front of the person's own words, as `⟦code {"param": …}⟧ words` (`reason_with_code`). The stored
`title` and the reason's words stay as they were written (the working language), for exports,
search and the API.
"""

import json
import re
from decimal import Decimal, InvalidOperation

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .choices import Status
from .measures import MeasureMethod, MeasureStatus


class SystemText(models.TextChoices):
    """What the system writes; the label says where (for the admin)."""

    STATUS_CHANGE = "status_change", _("status change")
    MEASURE_RECORDED = "measure_recorded", _("measure recorded")
    MEASURE_CHANGED = "measure_changed", _("measure changed")
    MEASURE_STEP = "measure_step", _("measure step")
    LEAD_LINKED = "lead_linked", _("project lead linked")
    INSPECTION = "inspection", _("site inspection")
    IDENTIFICATION_CLEARED = "identification_cleared", _("identification date cleared")


def _lead_link(code: str) -> str:
    from .leads import LeadLink

    return str(LeadLink(code).label) if code in LeadLink.values else code


def _choice(choices):
    return lambda code: str(choices(code).label) if code in choices.values else str(code)


# Parameters holding a code, shown as the code's label in the reader's language.
_LABELS = {
    "from": _choice(Status),
    "to": _choice(Status),
    "method": _choice(MeasureMethod),
    "measure_from": _choice(MeasureStatus),
    "measure_to": _choice(MeasureStatus),
    "how": _lead_link,
}

_TEXTS = {
    SystemText.STATUS_CHANGE: _("%(from)s → %(to)s"),
    SystemText.MEASURE_RECORDED: _("Measure recorded: %(method)s %(partner)s"),
    SystemText.MEASURE_CHANGED: _("Measure changed: %(method)s %(partner)s"),
    SystemText.MEASURE_STEP: _("%(method)s %(partner)s: %(measure_from)s → %(measure_to)s"),
    SystemText.LEAD_LINKED: _("Project lead linked %(how)s: %(lead)s"),
    SystemText.IDENTIFICATION_CLEARED: _("Identification date cleared: a case not yet identified"),
}


def in_words(code: str, params: dict) -> str:
    """The text of `code` with `params`, in the active language; "" for an unknown code."""
    params = params or {}
    if code == SystemText.INSPECTION:
        count = int(params.get("count", 0))
        return ngettext("Site inspection, %(count)d photo", "Site inspection, %(count)d photos", count) % {
            "count": count
        }
    text = _TEXTS.get(code)
    if text is None:
        return ""
    words = {name: _LABELS[name](value) if name in _LABELS else value for name, value in params.items()}
    words.setdefault("partner", "")
    try:
        written = str(text) % words
    except (KeyError, TypeError, ValueError):
        return ""
    # An empty parameter (a measure without a partner) leaves no stray space behind.
    return re.sub(r" +([:：])", r"\1", re.sub(r" {2,}", " ", written)).strip()


def step_figures_in_words(params: dict) -> str:
    """The figures a step into identified or disposed carried, in the active language."""
    if params.get("identified_on"):
        return str(_("Identified on %(date)s.") % {"date": params["identified_on"]})
    if params.get("disposed_on"):
        try:
            area = f"{Decimal(params.get('disposed_area_m2', '')):,}"
        except InvalidOperation:
            area = params.get("disposed_area_m2", "")
        return str(_("Disposed on %(date)s, %(area)s m².") % {"date": params["disposed_on"], "area": area})
    return ""


_REASON = re.compile(r"⟦(?P<code>\w+) (?P<params>\{.*?\})⟧ ?(?P<words>.*)", re.DOTALL)


def reason_with_code(code: str, params: dict, words: str = "") -> str:
    """A history reason that `reason_in_words` shows in the reader's language, the person's words after it."""
    encoded = json.dumps(params, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return f"⟦{code} {encoded}⟧ {words}".strip()


def reason_in_words(stored: str) -> str:
    """A stored history reason for the reader: its code in their language, then the person's words."""
    match = _REASON.fullmatch(stored or "")
    if match is None:
        return stored or ""
    try:
        params = json.loads(match["params"])
    except ValueError:
        return stored
    text = in_words(match["code"], params)
    if not text:
        return stored
    return f"{text} {match['words']}".strip()
