"""The schema and its two readers, Swagger UI and ReDoc, from the site's own static files
(drf-spectacular-sidecar) under the site's Content-Security-Policy: no inline script or style; ReDoc's
generated styles carry the request's nonce."""

from csp.constants import NONCE
from csp.decorators import csp_update
from django.templatetags.static import static
from django.utils.decorators import method_decorator
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView

from .base import ApiViewMixin


class SwaggerView(ApiViewMixin, SpectacularSwaggerSplitView):
    """Swagger UI; its start-up script is a separate request (`?script`), not inline."""

    template_name = "api/swagger_ui.html"
    url_name = "api-schema"


@method_decorator(csp_update({"style-src": [NONCE]}), name="dispatch")
class RedocView(ApiViewMixin, SpectacularRedocView):
    """ReDoc started by parkland/api-redoc.js, which hands it the nonce for the styles it writes."""

    template_name = "api/redoc.html"
    url_name = "api-schema"

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        response.data["start_script"] = static("parkland/api-redoc.js")
        return response
