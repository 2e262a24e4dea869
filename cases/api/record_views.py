"""Parcels, enterprises, partners and project leads written as their pages write them (the create and
edit pages of `record_pages` in cases/views/common.py): the page's form, limited to the parks where
the user is an officer; a saved record keeps its park."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers as drf_serializers
from rest_framework import status
from rest_framework.response import Response

from ..forms import EnterpriseForm, LeadForm, ParcelForm, PartnerForm
from ..models import Membership
from ..views.common import require_role, require_role_somewhere
from . import views, writes
from .errors import Problem, invalid
from .parsers import JSONParser

Role = Membership.Role


def _body_serializer(form_class, *, partial: bool):
    """The request body of a form, for the schema: the form's own fields of its model."""
    meta = type(
        "Meta",
        (),
        {
            "model": form_class._meta.model,
            "fields": list(form_class._meta.fields),
            "extra_kwargs": {name: {"required": False} for name in form_class._meta.fields}
            if partial
            else {},
        },
    )
    name = f"{form_class._meta.model.__name__}{'Update' if partial else 'Create'}"
    return type(name, (drf_serializers.ModelSerializer,), {"Meta": meta})


class RecordWritesMixin:
    """POST opens a record, PATCH changes the fields sent; another park's record is 404, a viewer 403."""

    form_class = None
    http_method_names = ["get", "post", "patch", "head", "options"]
    parser_classes = [JSONParser]

    def create(self, request):
        require_role_somewhere(request.user, Role.OFFICER)
        data = writes.form_data(request.data)
        writes.refuse_fields(data, self.form_class._meta.fields)
        return self._save(self.form_class(data, user=request.user), status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        record = self.get_object()
        require_role(request.user, record.park, Role.OFFICER)
        changes = writes.form_data(request.data)
        fields = self.form_class._meta.fields
        writes.refuse_fields(changes, fields)
        if "park" in changes and str(changes["park"]) != str(record.park_id):
            raise invalid({"park": [gettext("A saved record keeps its park.")]})
        data = writes.current_values(record, fields) | changes
        return self._save(self.form_class(data, instance=record, user=request.user), status.HTTP_200_OK)

    def _save(self, form, code: int):
        form = writes.checked_form(form)
        try:
            with transaction.atomic():
                saved = form.save()
        except IntegrityError as error:
            raise Problem(
                "conflict",
                409,
                gettext("Someone else saved a conflicting record at the same moment; try again."),
            ) from error
        return Response(self.get_serializer(saved).data, status=code)


def _writable(read_view, form_class):
    """The read-only resource `read_view` with the create and edit of its page's `form_class`."""
    documented = extend_schema_view(
        create=extend_schema(request=_body_serializer(form_class, partial=False)),
        partial_update=extend_schema(request=_body_serializer(form_class, partial=True)),
    )
    return documented(
        type(
            read_view.__name__,
            (RecordWritesMixin, read_view),
            {"form_class": form_class, "__doc__": read_view.__doc__},
        )
    )


ParcelViewSet = _writable(views.ParcelViewSet, ParcelForm)
EnterpriseViewSet = _writable(views.EnterpriseViewSet, EnterpriseForm)
PartnerViewSet = _writable(views.PartnerViewSet, PartnerForm)
LeadViewSet = _writable(views.LeadViewSet, LeadForm)
