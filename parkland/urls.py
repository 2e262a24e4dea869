from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from . import views

urlpatterns = [
    # For the load balancer: no sign-in, no session, no data.
    path("healthz", views.healthz, name="healthz"),
    # Browsers ask for /favicon.ico on their own: send them to the icon, without rendering a page.
    path("favicon.ico", views.favicon),
    path("accounts/", include("django.contrib.auth.urls")),
    # The language can be chosen on the sign-in page too.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
    # The REST API (docs/api.md).
    path("api/v1/", include("cases.api.urls")),
    # Background jobs and reminder settings (docs/jobs.md).
    path("", include("jobs.urls")),
    # 亩均效益 evaluation and grant commitments (docs/evaluation.md).
    path("", include("evaluation.urls")),
    path("", include("cases.urls")),
]

# Error pages in the site's layout and the visitor's language (templates/400.html … 500.html).
handler400 = "parkland.views.bad_request"
handler500 = "parkland.views.server_error"
