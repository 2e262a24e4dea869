"""Cases, read and written: edits with the optimistic lock, workflow steps, events and evidence, each
through the same form, role check and model method as the staff pages (cases/views/case.py and
cases/views/evidence.py)."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from ..exceptions import StaleVersion, TransitionError, TransitionForbidden
from ..forms import CaseForm, EventForm, EvidenceUploadForm, MeasureForm, TransitionForm
from ..models import DisposalCase, EvidenceDocument, Membership, Status
from ..models.workflow import HAND_EDITED_FIELDS
from ..views.common import case_or_404, client_address, require_role, require_role_somewhere
from . import serializers, writes
from .errors import Problem, invalid
from .parsers import JSONParser, MultiPartParser
from .views import CaseRowsMixin, ScopedViewSet

Role = Membership.Role


def _writable_case(request, number: str) -> DisposalCase:
    """The case, found through scoping (404), for an officer of its park (403), while open (409)."""
    case = case_or_404(request, number)
    require_role(request.user, case.parcel.park, Role.OFFICER)
    if not case.is_open:
        raise Problem(
            "conflict",
            409,
            gettext("Case %(number)s is closed and cannot be edited; a park administrator can reopen it.")
            % {"number": case.number},
        )
    return case


class CaseViewSet(CaseRowsMixin, ScopedViewSet):
    http_method_names = ["get", "post", "patch", "head", "options"]
    # JSON; files come as multipart to the evidence action only.
    parser_classes = [JSONParser]

    @extend_schema(request=writes.CaseCreateSerializer, responses={201: serializers.CaseSerializer})
    def create(self, request):
        """Open a case (an officer of the parcel's park); its number is given on saving."""
        require_role_somewhere(request.user, Role.OFFICER)
        data = writes.form_data(request.data)
        writes.refuse_fields(data, HAND_EDITED_FIELDS)
        form = writes.checked_form(CaseForm(data, user=request.user))
        case = form.save(commit=False)
        case.created_by = case.updated_by = request.user
        case._history_user = request.user
        try:
            with transaction.atomic():
                case.save()
        except IntegrityError as error:
            raise invalid({"parcel": [gettext("This parcel already has an open case.")]}) from error
        return Response(serializers.CaseSerializer(case).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=writes.CaseUpdateSerializer, responses={200: serializers.CaseSerializer})
    def partial_update(self, request, number=None):
        """Change the hand-edited fields, stating the `version` read; a stale version is 409."""
        case = _writable_case(request, number)
        changes = writes.form_data(request.data)
        writes.refuse_fields(changes, (*HAND_EDITED_FIELDS, "version"))
        form = writes.checked_form(
            CaseForm(writes.case_edit_data(case, changes), instance=case, user=request.user)
        )
        edited = form.save(commit=False)
        try:
            edited.save_versioned(by=request.user, expected_version=form.cleaned_data.get("version"))
        except StaleVersion as error:
            raise Problem("stale-version", 409, str(error)) from error
        except IntegrityError as error:
            raise invalid({"parcel": [gettext("This parcel already has an open case.")]}) from error
        return Response(serializers.CaseSerializer(edited).data)

    @extend_schema(request=writes.TransitionSerializer, responses={201: serializers.EventSerializer})
    @action(detail=True, methods=["post"])
    def transitions(self, request, number=None):
        """One step of the workflow, with the same guards, roles and evidence gating as the page."""
        case = case_or_404(request, number)
        require_role(request.user, case.parcel.park, Role.OFFICER)
        data = writes.form_data(request.data)
        with transaction.atomic():
            case = DisposalCase.objects.select_for_update().select_related("parcel__park").get(pk=case.pk)
            event = _step(case, request.user, data)
        return Response(serializers.EventSerializer(event).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=writes.EventCreateSerializer, responses={201: serializers.EventSerializer})
    @action(detail=True, methods=["post"])
    def events(self, request, number=None):
        """Record an event on the case's timeline (status changes are the workflow's own)."""
        case = _writable_case(request, number)
        form = writes.checked_form(EventForm(writes.form_data(request.data), case=case))
        event = form.save(commit=False)
        event.actor = request.user
        event._history_user = request.user
        event.save()
        return Response(serializers.EventSerializer(event).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=writes.MeasureCreateSerializer, responses={201: serializers.MeasureSerializer})
    @action(detail=True, methods=["post"])
    def measures(self, request, number=None):
        """Add a revitalisation measure to the case (its method's fields; a partner of the case's park)."""
        case = _writable_case(request, number)
        form = writes.checked_form(MeasureForm(writes.form_data(request.data), case=case))
        measure = form.save(commit=False)
        measure._history_user = request.user
        measure.save()
        return Response(serializers.MeasureSerializer(measure).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request={"multipart/form-data": writes.EvidenceUploadSerializer},
        responses={201: serializers.DocumentSerializer(many=True)},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def evidence(self, request, number=None):
        """Upload files to the case file, checked as the upload page checks them."""
        case = _writable_case(request, number)
        documents = _upload(request, case)
        return Response(
            serializers.DocumentSerializer(documents, many=True).data, status=status.HTTP_201_CREATED
        )


def _step(case: DisposalCase, user, data: dict):
    requested = str(data.get("to", ""))
    transition = next((t for t in case.transitions_for(user) if t.target == requested), None)
    if transition is None:
        label = Status(requested).label if requested in Status.values else requested
        raise Problem(
            "transition-refused",
            422,
            gettext("Case %(number)s cannot move to “%(target)s” now, or not by you.")
            % {"number": case.number, "target": label},
            {"to": [gettext("Not a step you can take from here.")]},
        )
    form = writes.checked_form(
        TransitionForm(
            data,
            targets=[(transition.target, Status(transition.target).label)],
            transition=transition,
            case=case,
            offer_override=True,
        )
    )
    try:
        return case.transition_to(
            transition.target,
            by=user,
            reason=form.cleaned_data.get("reason", ""),
            override_reason=form.cleaned_data.get("override_reason", ""),
            **form.step_figures(),
        )
    except TransitionForbidden as error:
        raise Problem("permission-denied", 403, str(error)) from error
    except TransitionError as error:
        raise Problem(
            "transition-refused", 422, str(error), {"non_field_errors": [str(m) for m in error.messages]}
        ) from error


def _upload(request, case) -> list[EvidenceDocument]:
    if getattr(request, "upload_interrupted", False):
        raise Problem(
            "bad-request",
            400,
            gettext(
                "The upload was interrupted before it finished; nothing was stored. Upload the files again."
            ),
        )
    supersedes = None
    if raw := request.data.get("supersedes", ""):
        supersedes = case.documents.current().filter(pk=int(raw)).first() if str(raw).isdecimal() else None
        if supersedes is None:
            raise invalid({"supersedes": [gettext("Not a current document of this case.")]})
    form = EvidenceUploadForm(
        request.data, request.FILES, case=case, refused=getattr(request, "refused_uploads", [])
    )
    form = writes.checked_form(form)
    if supersedes is not None and len(form.checked) != 1:
        raise invalid({"files": [gettext("A new version is one file.")]})
    try:
        return EvidenceDocument.objects.store(
            case=case,
            uploads=form.checked,
            by=request.user,
            ip_address=client_address(request),
            supersedes=supersedes,
            **form.metadata(),
        )
    except IntegrityError as error:
        raise Problem(
            "conflict",
            409,
            gettext(
                "The case file changed while you uploaded (the same file or a new version was added); "
                "check it and try again."
            ),
        ) from error
