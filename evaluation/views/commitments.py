"""/commitments/: every parcel due for its 达产 review this year and every breach of a grant
commitment, with the gap; 开竣工预警; a breach opens a `lead` case in one click."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from cases.models import Membership
from cases.views.common import has_role_somewhere, require_role

from ..commitments import checks, warning_days
from ..models import GrantCommitment
from ..opening import open_lead_case, pdf_of
from ..scoping import commitments_for

Role = Membership.Role


def commitments_page(request):
    today = timezone.localdate()
    everything = checks(commitments_for(request.user), today)
    before, after = warning_days()
    return render(
        request,
        "evaluation/commitments.html",
        {
            "today": today,
            "due": [c for c in everything if c.review_year],
            "breached": [c for c in everything if c.breaches],
            "warned": [c for c in everything if c.warnings],
            "count": len(everything),
            "before": before,
            "after": after,
            "can_open": has_role_somewhere(request.user, Role.OFFICER),
        },
    )


@require_POST
def open_case(request, parcel_id: int):
    """A breached commitment opens a `lead` case on its parcel, the commitment check as its first evidence."""
    commitment = get_object_or_404(
        commitments_for(request.user).select_related("parcel__park"), parcel_id=parcel_id
    )
    parcel = commitment.parcel
    require_role(request.user, parcel.park, Role.OFFICER)
    today = timezone.localdate()
    check = checks(GrantCommitment.objects.filter(pk=commitment.pk), today)[0]
    if not check.breaches:
        messages.error(request, _("This commitment is not breached."))
        return redirect("evaluation:commitments")
    pdf = pdf_of(
        "evaluation/commitment_print.html",
        {"check": check, "today": today, "produced_by": request.user.get_username()},
    )
    summary = gettext("Opened from a breached grant commitment: %(breaches)s.") % {
        "breaches": "；".join(_breach_text(b) for b in check.breaches)
    }
    try:
        case = open_lead_case(
            parcel,
            by=request.user,
            summary=summary[:2000],
            pdf=pdf,
            file_name=f"出让合同履约核查-{parcel.code}-{today.isoformat()}.pdf",
            title=gettext("Grant commitment check %(date)s: parcel %(code)s")
            % {"date": today.isoformat(), "code": parcel.code},
            authority=parcel.park.name,
            on=today,
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("evaluation:commitments")
    except IntegrityError:
        messages.error(request, _("Parcel %(code)s already has an open case.") % {"code": parcel.code})
        return redirect("evaluation:commitments")
    messages.success(
        request,
        _("Case %(number)s opened as a lead, with the commitment check as its first evidence.")
        % {"number": case.number},
    )
    return redirect(case.get_absolute_url())


def _breach_text(breach) -> str:
    if isinstance(breach, str) or not hasattr(breach, "committed"):
        return str(breach)
    return gettext("%(what)s %(actual)s against %(committed)s committed") % {
        "what": breach.what,
        "actual": breach.actual if breach.actual is not None else "—",
        "committed": breach.committed,
    }
