"""What every staff view stands on: role checks, the scoped list, finding a case."""

import re
from typing import NamedTuple

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import get_script_prefix, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import ListView

from .. import figures, keptpages, scoping
from ..exports import Column, csv_stream_response, xlsx_response
from ..models import (
    GATED_STATUSES,
    EvidenceRequirement,
    Membership,
    m2_to_mu,
)

Role = Membership.Role


def is_whole_number(text: str) -> bool:
    """Only ASCII digits: "²".isdigit() is true, and int() of it fails."""
    return bool(re.fullmatch(r"[0-9]+", text or ""))


def posted_data(request):
    """The POST data of a POST, even an empty one (which must fail validation), else None."""
    return request.POST if request.method == "POST" else None


def require_role(user, park, role: str) -> None:
    """403 unless the user holds `role` in `park` (the row itself was already found through scoping)."""
    if not scoping.has_role(user, park, role):
        raise PermissionDenied


def refuse_if_closed(request, case):
    """A redirect to the case page saying why, when the case is closed; None while it is open.

    A closed case's file is what was reported: it stays as it is until a park administrator
    reopens the case.
    """
    if case.is_open:
        return None
    messages.error(
        request,
        _("Case %(number)s is closed and cannot be edited; a park administrator can reopen it.")
        % {"number": case.number},
    )
    return redirect(case.get_absolute_url())


has_role_somewhere = scoping.has_role_somewhere


def require_role_somewhere(user, role: str) -> None:
    """403 unless the user holds `role` in at least one park."""
    if not has_role_somewhere(user, role):
        raise PermissionDenied


def invalid(request, template: str, context: dict, status: int = 422):
    return render(request, template, context, status=status)


# Lists ----------------------------------------------------------------------------------------


class ScopedListView(ListView):
    """A filtered, sorted, paginated list of the user's rows that exports exactly what it shows.

    Each list gives `base_queryset()`: its rows, through scoping, with what its columns need joined.
    """

    filterset_class = None
    columns: list[Column] = []
    default_sort = ""
    paginate_by = 25
    export_name = "export"
    export_title = ""
    area_field = None
    # Whether the count and area of a filter may be kept with the data version (cases/figures.py):
    # only for lists whose rows and filters read nothing but `figures.SOURCES`.
    kept_totals = False
    # Whether the whole page as drawn may be kept too (with `kept_totals`): only for lists whose
    # rows, links, filter choices and actions read nothing but `figures.SOURCES`, the query, and the
    # user's parks and rights (`kept_page`).
    kept_rows = False
    kept = None

    def get_queryset(self):
        self.filterset = self.filterset_class(
            self.request.GET or None, queryset=self.base_queryset(), user=self.request.user
        )
        queryset = self.filterset.qs
        self.sort = self.requested_sort()
        if self.sort:
            ordering = {c.key: c.sort for c in self.columns if c.sort}[self.sort.lstrip("-")]
            return queryset.order_by(f"-{ordering}" if self.sort.startswith("-") else ordering, "pk")
        return queryset.order_by(*self.default_sort.split(","), "pk") if self.default_sort else queryset

    def requested_sort(self) -> str:
        """The `sort` asked for when a column sorts by it ("-" first for descending), else ""."""
        requested = self.request.GET.get("sort", "")
        return requested if any(c.sort and c.key == requested.lstrip("-") for c in self.columns) else ""

    def paginate_queryset(self, queryset, page_size):
        # One query counts the rows and sums their area; the paginator takes its count from it.
        self.totals = self.list_totals(queryset)
        paginator = Paginator(queryset, page_size)
        paginator.count = self.totals["count"]
        raw = self.request.GET.get("page", "1")
        number = int(raw) if is_whole_number(raw) and int(raw) > 0 else 1
        if number > paginator.num_pages:
            raise Http404(gettext("There is no page %(page)s of this list.") % {"page": number})
        page = paginator.page(number)
        return paginator, page, page.object_list, page.has_other_pages()

    def get(self, request, *args, **kwargs):
        export = kwargs.get("export")
        if export not in (None, "csv", "xlsx"):
            raise Http404
        if export:
            # Read in chunks and written as read: the export's memory does not grow with its rows.
            rows = self.get_queryset()
            if export == "csv":
                return csv_stream_response(self.columns, rows, self.export_name)
            return xlsx_response(self.columns, rows, self.export_name, title=str(self.export_title))
        self.kept = self.kept_page()
        if self.kept is None:
            return super().get(request, *args, **kwargs)
        values = keptpages.request_values(request)
        if self.kept.complete:
            # The page as drawn for this data version: no query for its rows, no form, no template.
            return HttpResponse(keptpages.fill(self.kept.found["page"], values))
        response = super().get(request, *args, **kwargs)
        parts = keptpages.split(response.rendered_content)
        self.kept.keep("page", parts)
        response.content = keptpages.fill(parts, values)
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        show_park = len(self.filterset.parks) > 1
        if self.kept is not None:  # drawn with its slots open, filled per request
            context.update(slots_open=True, csrf_token=keptpages.slot("token"))
        context.update(
            self.summary_context(),
            filterset=self.filterset,
            columns=[c for c in self.columns if c.in_table and (show_park or c.key != "park")],
            show_park=show_park,
            page_links=page_links(context["page_obj"]),
        )
        return context

    def summary_context(self, **kwargs) -> dict:
        """What the page shows around its filters and rows: the counts, the exports' query, the actions."""
        params = self.request.GET.copy()
        params.pop("page", None)
        params.pop("sort", None)
        totals = self.totals
        return dict(
            kwargs,
            sort=self.sort,
            filter_query=params.urlencode(),
            total_count=totals["count"],
            total_area=totals.get("area") or 0,
            total_area_mu=m2_to_mu(totals.get("area") or 0),
            can_edit=has_role_somewhere(self.request.user, Role.OFFICER),
            is_filtered=any(v for k, v in self.request.GET.items() if k not in {"page", "sort"}),
        )

    def totals_parts(self) -> tuple:
        # The date is part of the key because filters such as the register's default date depend on it.
        params = sorted((k, v) for k, v in self.request.GET.lists() if k not in {"page", "sort"})
        return (type(self).__name__, scoping.scope_key(self.request.user), timezone.localdate(), params)

    def kept_page(self) -> figures.KeptFragments | None:
        """For a list with `kept_rows`: the whole page as drawn for this request's query, the user's
        parks and rights, and the language, read from the cache (None: the page is drawn as usual).

        A page is kept with its slots open (cases/keptpages.py); one that shows messages is not kept.
        """
        if not self.kept_rows or len(messages.get_messages(self.request)):
            return None
        user = self.request.user
        parts = (
            type(self).__name__,
            get_script_prefix(),
            self.request.path,
            scoping.scope_key(user),
            has_role_somewhere(user, Role.OFFICER),
            has_role_somewhere(user, Role.PARK_ADMIN),  # the main menu's import entries
            user.is_staff,  # the user's menu's administration entry
            translation.get_language(),
            timezone.localdate(),
            sorted(self.request.GET.lists()),
        )
        return figures.KeptFragments(figures.kept_key("list-page", parts), names=("page",))

    def list_totals(self, queryset) -> dict:
        # COUNT(*), not of a column: an index holding the area answers it without reading the rows.
        totals = {"count": Count("*")}
        if self.area_field:
            totals["area"] = Sum(self.area_field)

        def count():
            return queryset.order_by().aggregate(**totals)

        if not self.kept_totals:
            return count()
        # Paging or coming back to a filter counts again only when the rows have changed.
        return figures.cached("list-totals", self.totals_parts(), count)


class Section(NamedTuple):
    """One of a page's several lists, each paged on its own: its rows on this page, the page, and
    the query strings of its neighbouring pages (the other lists' pages kept)."""

    rows: list
    page: Page
    previous: str
    next: str


def paged_section(
    request, rows, parameter: str, *, per_page: int, count: int | None = None, shown=list
) -> Section:
    """The page of `rows` that `parameter` asks for (the first, or the last when past it); `count`
    when the rows were counted already, `shown` what the page's rows are shown as."""
    paginator = Paginator(rows, per_page)
    if count is not None:
        paginator.count = count
    page = paginator.get_page(request.GET.get(parameter))

    def link(number: int) -> str:
        query = request.GET.copy()
        query[parameter] = str(number)
        return "?" + query.urlencode()

    return Section(
        shown(page.object_list),
        page,
        link(page.previous_page_number()) if page.has_previous() else "",
        link(page.next_page_number()) if page.has_next() else "",
    )


def page_links(page) -> list[int | None]:
    """The page numbers a list links to: the first, the last and two either side of this one, with
    None where an ellipsis stands for the pages left out (at the second and the second-to-last)."""
    last, number = page.paginator.num_pages, page.number
    shown = {1, last, *range(max(1, number - 2), min(last, number + 2) + 1)}
    gaps = {n for n in (2, last - 1) if 1 <= n <= last and n not in shown}
    return [n if n in shown else None for n in sorted(shown | gaps)]


def field_label(model, field: str) -> str:
    return model._meta.get_field(field).verbose_name


def case_or_404(request, number: str):
    return get_object_or_404(
        scoping.cases_for(request.user).select_related(
            "parcel__park", "parcel__enterprise", "officer", "created_by", "updated_by"
        ),
        number=number,
    )


def client_address(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def next_step_checklist(case):
    next_step = case.next_forward_step()
    if next_step and next_step.target in GATED_STATUSES:
        return EvidenceRequirement.objects.checklist(case, next_step.target)
    return []


def edit_object(request, *, form_class, instance, title, cancel_url: str):
    """Create or edit a record with a scoped form; every choice is limited to the user's parks."""
    template = "cases/simple_form.html"
    form = form_class(posted_data(request), instance=instance, user=request.user)
    if request.method == "POST":
        if form.is_valid():
            try:
                with transaction.atomic():
                    saved = form.save()
            except IntegrityError:
                form.add_error(
                    None, _("Someone else saved a conflicting record at the same moment; try again.")
                )
            else:
                messages.success(request, _("Saved: %(object)s.") % {"object": saved})
                return redirect(saved.get_absolute_url())
        return invalid(request, template, {"form": form, "title": title, "cancel_url": cancel_url})
    return render(request, template, {"form": form, "title": title, "cancel_url": cancel_url})


def record_pages(rows_for, form_class, *, list_url: str, new_title, edit_title=None):
    """The create and edit pages of a park-owned record (a parcel, an enterprise, a partner, a lead).

    Creating is for officers, in one of their parks; editing finds the record through its scoping
    function `rows_for(user)` and needs an officer of the record's park. `edit_title(record)` titles
    the edit page, "Edit <the record's name>" unless given.
    """

    def create(request):
        require_role_somewhere(request.user, Role.OFFICER)
        return edit_object(
            request, form_class=form_class, instance=None, title=new_title, cancel_url=reverse(list_url)
        )

    def edit(request, pk: int):
        record = get_object_or_404(rows_for(request.user), pk=pk)
        require_role(request.user, record.park, Role.OFFICER)
        title = edit_title(record) if edit_title else _("Edit %(name)s") % {"name": record.name}
        return edit_object(
            request, form_class=form_class, instance=record, title=title, cancel_url=record.get_absolute_url()
        )

    return create, edit
