"""The form of the boundary import: the file to check, its park, and the zone of its coordinates."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .. import scoping
from ..mapping.crs import FIRST_ZONE, LAST_ZONE
from .base import Role, StyledForm, _only_parks


class BoundaryUploadForm(StyledForm, forms.Form):
    file = forms.FileField(label=_("boundary file (GeoJSON, Shapefile zip or coordinate TXT)"))
    park = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label=_("park"),
        empty_label=_("as the file's park field says"),
        help_text=_(
            "The park of parcels the file does not place in a park; a file naming parks may name only it."
        ),
    )
    zone = forms.TypedChoiceField(
        coerce=int,
        empty_value=None,
        required=False,
        label=_("3-degree Gauss-Krüger zone"),
        choices=[("", _("as the file says"))]
        + [
            (zone, _("zone %(zone)s (central meridian %(cm)s°E)") % {"zone": zone, "cm": zone * 3})
            for zone in range(FIRST_ZONE, LAST_ZONE + 1)
        ],
        help_text=_(
            "Only for projected coordinates whose file names no zone: Zhuhai lies in zone 38 (114°E)."
        ),
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ".geojson,.json,.zip,.txt"
        _only_parks(self.fields["park"], scoping.parks_for(user, role=Role.PARK_ADMIN))
