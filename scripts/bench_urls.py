"""The bench's URLs: Parkland's own, and the bare baseline view `make bench` compares the case list to.

The baseline runs the case list's own ORM query (its scoping, filters, sorting and page size, taken
from `CaseListView` itself) and renders the page's rows with a minimal template: what the list
would cost with nothing but its rows.
"""

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.template import Context, Engine
from django.urls import include, path, resolve

TEMPLATE = Engine().from_string(
    "<!doctype html><title>baseline</title><p>{{ count }}</p><table>"
    "{% for c in rows %}<tr><td>{{ c.number }}</td><td>{{ c.parcel.park.code }}</td>"
    "<td>{{ c.parcel.code }}</td>"
    "<td>{{ c.parcel.enterprise.name }}</td><td>{{ c.status }}</td><td>{{ c.case_area_m2 }}</td>"
    "<td>{{ c.opened_on }}</td><td>{{ c.officer.username }}</td></tr>{% endfor %}</table>"
)


def list_view(path: str):
    """The class of the staff list served at `path`, wherever the application keeps it."""
    return resolve(path, urlconf="parkland.urls").func.view_class


def baseline_cases(request):
    CaseListView = list_view("/cases/")
    view = CaseListView()
    view.setup(request)
    queryset = view.get_queryset()
    paginator = Paginator(queryset, CaseListView.paginate_by)
    page = paginator.page(1)
    return HttpResponse(TEMPLATE.render(Context({"rows": list(page.object_list), "count": paginator.count})))


urlpatterns = [
    path("bench/baseline/cases/", baseline_cases, name="bench-baseline-cases"),
    path("", include("parkland.urls")),
]

handler400 = "parkland.views.bad_request"
handler500 = "parkland.views.server_error"
