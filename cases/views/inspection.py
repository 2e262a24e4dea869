"""Site inspection (现场勘查) from a phone: photos from the camera, who was there, what was seen."""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ..forms import SiteInspectionForm
from ..models import CaseEvent, Membership
from .common import case_or_404, client_address, invalid, refuse_if_closed, require_role

Role = Membership.Role
TEMPLATE = "cases/inspection_form.html"


def inspection_create(request, number: str):
    """The inspection form; posted, all photos and the timeline event are stored, or nothing is."""
    case = case_or_404(request, number)
    require_role(request.user, case.parcel.park, Role.OFFICER)
    if refused := refuse_if_closed(request, case):
        return refused
    posted = request.method == "POST"
    form = SiteInspectionForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        case=case,
        refused=getattr(request, "refused_uploads", []),
        initial={"occurred_on": timezone.localdate(), "submission_key": uuid.uuid4()},
    )
    context = {
        "form": form,
        "case": case,
        "cancel_url": case.get_absolute_url(),
        "max_total_bytes": SiteInspectionForm.max_total_bytes(),
    }
    if not posted:
        return render(request, TEMPLATE, context)
    if already := _already_recorded(case, request.POST.get("submission_key", "")):
        # The same form sent again (the answer to the first was lost): nothing more is stored.
        messages.info(request, _("This inspection was already recorded; it is shown on the timeline."))
        return _to_event(request, already)
    if getattr(request, "upload_interrupted", False):
        form.add_error(
            None,
            _(
                "The upload was interrupted before it finished; nothing was stored. "
                "Send the inspection again."
            ),
        )
        return invalid(request, TEMPLATE, context, status=400)
    if not form.is_valid():
        return invalid(request, TEMPLATE, context)
    return _record(request, case, form, context)


def _record(request, case, form, context):
    """The checked inspection stored, or the form again with why it was not."""
    data = form.cleaned_data
    try:
        event, _created = CaseEvent.objects.record_inspection(
            case=case,
            key=data["submission_key"],
            on=data["occurred_on"],
            people_present=data["people_present"],
            note=data["note"],
            photos=form.checked,
            by=request.user,
            ip_address=client_address(request),
        )
    except ValidationError as error:
        for message in error.messages:
            form.add_error(None, message)
        return invalid(request, TEMPLATE, context)
    except IntegrityError:
        form.add_error(
            None,
            _(
                "The case file changed while you uploaded (one of these photos was added meanwhile); "
                "nothing was stored. Check the case file and send the inspection again."
            ),
        )
        return invalid(request, TEMPLATE, context, status=409)
    count = len(form.checked)
    messages.success(
        request,
        ngettext(
            "Site inspection recorded with %(count)d photo.",
            "Site inspection recorded with %(count)d photos.",
            count,
        )
        % {"count": count},
    )
    return _to_event(request, event)


def _to_event(request, event: CaseEvent) -> HttpResponse:
    """To the case page at the event; a script's upload is told where instead (X-Location), so the
    page it then opens still carries the message."""
    url = f"{event.case.get_absolute_url()}#event-{event.pk}"
    if request.headers.get("X-Requested-With") == "XMLHttpRequest":
        response = HttpResponse(status=204)
        response["X-Location"] = url
        return response
    return redirect(url)


def _already_recorded(case, key: str) -> CaseEvent | None:
    try:
        key = uuid.UUID(key)
    except ValueError:
        return None
    return case.events.filter(submission_key=key).first()
