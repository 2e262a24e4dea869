"""The site's URLs plus one view that fails, for the 500 page test (tests/test_error_pages.py)."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from parkland.urls import handler400, handler500
from parkland.urls import urlpatterns as site_urlpatterns


@login_not_required
def fail(request):
    raise RuntimeError("a bug")


urlpatterns = [path("fail/", fail), *site_urlpatterns]

__all__ = ["handler400", "handler500", "urlpatterns"]
