"""The case search: a case's searchable text and its bigrams, kept on the case and refreshed on write.

A case matches a term when the term is, case-insensitively, part of its number, its parcel's number,
its parcel's location or its land user's name: exactly what `icontains` over those four fields finds.
The case keeps two columns for it:

- `search_text`: the four fields as written, joined by SEPARATOR (a control character no search term
  can hold: the hostile-input middleware refuses it). `search_text__icontains=term` is then the same
  test as the four `icontains` ORed together, on every database, without a join: a term without the
  separator can only match inside one field, and the database compares case as it always does.
- `search_grams`: the distinct bigrams of each field, normalised (`normalise`), joined by SEPARATOR.
  On PostgreSQL a GIN index over `string_to_array(search_grams, chr(31))` finds the cases holding
  every bigram of a term of two or more characters; the exact `icontains` then checks those few
  candidates. Where a database compares case, its normalised forms agree, so the bigrams never miss
  a case the exact test would find. A one-character term has no bigram: the exact test alone, on the
  one column.

Every write that changes one of the four fields refreshes the cases concerned: a case's own save, a
parcel's save (its cases), an enterprise's save (its parcels' cases, in one UPDATE), the ledger import
and the city generator (in bulk).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connections, models
from django.db.models import Lookup, Q

SEPARATOR = "\x1f"
GRAM = 2
BATCH = 1000
# The expression the PostgreSQL index is built on; the lookup below writes exactly this.
GRAMS_ARRAY_SQL = "string_to_array({column}, chr(31))"
SEARCHED_FIELDS = ("number", "parcel__code", "parcel__location", "parcel__enterprise__name")


def normalise(text: str) -> str:
    """One form for every case of a character: upper-cased, then case-folded, character by character."""
    return text.upper().casefold()


def search_text_of(number: str, parcel_code: str, location: str, enterprise_name: str | None) -> str:
    return SEPARATOR.join((number or "", parcel_code or "", location or "", enterprise_name or ""))


def grams_of(text: str) -> list[str]:
    """The distinct bigrams of each field of a search text (none spanning two fields), sorted."""
    grams = set()
    for part in text.split(SEPARATOR):
        folded = normalise(part)
        grams.update(folded[i : i + GRAM] for i in range(len(folded) - GRAM + 1))
    return sorted(g for g in grams if SEPARATOR not in g)


def grams_text_of(text: str) -> str:
    return SEPARATOR.join(grams_of(text))


def term_grams(term: str) -> list[str]:
    """The bigrams a case must hold to contain `term` (none for a one-character term)."""
    folded = normalise(term)
    return sorted({folded[i : i + GRAM] for i in range(len(folded) - GRAM + 1)})


class GramsField(models.TextField):
    """Bigrams joined by SEPARATOR; `__has_grams=[...]` finds the rows holding all of them."""


@GramsField.register_lookup
class HasGrams(Lookup):
    lookup_name = "has_grams"
    prepare_rhs = False

    def get_db_prep_lookup(self, value, connection):
        return ("%s", list(value))

    def as_sql(self, compiler, connection):
        # Elsewhere a candidate filter only, without an index: each bigram within the column.
        lhs, lhs_params = self.process_lhs(compiler, connection)
        parts, params = [], []
        for gram in self.rhs:
            parts.append(f"INSTR({lhs}, %s) > 0")
            params += [*lhs_params, gram]
        return " AND ".join(parts) or "1 = 1", params

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{GRAMS_ARRAY_SQL.format(column=lhs)} @> %s::text[]", [*lhs_params, list(self.rhs)]


def search_cases(queryset: models.QuerySet, term: str) -> models.QuerySet:
    """The cases of `queryset` whose number, parcel number, location or land user contains `term`."""
    if not term:
        return queryset
    if SEPARATOR in term:  # never from a form; the four fields themselves, to be exact
        return queryset.filter(_fields_contain(term))
    found = queryset.filter(search_text__icontains=term)
    grams = term_grams(term)
    if grams and connections[queryset.db].vendor == "postgresql":
        found = found.filter(search_grams__has_grams=grams)
    return found


def _fields_contain(term: str) -> Q:
    q = Q()
    for field in SEARCHED_FIELDS:
        q |= Q(**{f"{field}__icontains": term})
    return q


def refresh_case_search(cases: models.QuerySet) -> int:
    """Recompute the search columns of `cases` from their fields; write those that changed, in bulk.

    Works on the historical models of a migration as well. Returns how many cases changed.
    """
    rows = cases.order_by().values_list("pk", *SEARCHED_FIELDS, "search_text")
    stale = []
    for pk, number, code, location, name, stored in rows.iterator(chunk_size=BATCH):
        text = search_text_of(number, code, location, name)
        if text != stored:
            stale.append(cases.model(pk=pk, search_text=text, search_grams=grams_text_of(text)))
    write_search_columns(cases.model, stale, using=cases.db)
    return len(stale)


def write_search_columns(model, cases: Iterable, *, using: str = "default") -> None:
    cases = list(cases)
    if cases:
        model._base_manager.using(using).bulk_update(cases, ["search_text", "search_grams"], batch_size=BATCH)


def fill_search_columns(case) -> None:
    """Set a case's search columns from its number, parcel and land user (as it is about to be saved)."""
    parcel = case.parcel
    enterprise = parcel.enterprise if parcel.enterprise_id else None
    case.search_text = search_text_of(
        case.number, parcel.code, parcel.location, enterprise.name if enterprise else None
    )
    case.search_grams = grams_text_of(case.search_text)
