"""List filters: the staff pages' own FilterSets (cases/filtersets.py), with the same parameter names,
given the user who asks so that their choices are the user's parks and people."""

from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.pagination import PageNumberPagination


class ScopedFilterBackend(DjangoFilterBackend):
    """A value the FilterSet refuses (another park, an unknown status) answers 400 with the field."""

    def get_filterset_kwargs(self, request, queryset, view):
        return {**super().get_filterset_kwargs(request, queryset, view), "user": request.user}


class Pagination(PageNumberPagination):
    """Pages of 50 (`?page=`, `?page_size=` up to 500), in each list's stable order."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
