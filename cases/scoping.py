"""Who sees what: one function per model, used by every list, detail, form, export, report and the admin.

A user sees the rows of the parks they belong to; a superuser sees every park. Nothing else in
Parkland filters by park by hand.
"""

from django.contrib.auth import get_user_model
from django.db import connections
from django.db.models import Q, QuerySet

from parkland.plainsql import Columns, fetch, table

from . import figures
from .models import (
    ApiToken,
    CaseDeadline,
    CaseEvent,
    CustodyEvent,
    DataVersion,
    DisposalCase,
    DisposalTarget,
    Enterprise,
    EvidenceDocument,
    LandParcel,
    LedgerImport,
    LowEfficiencyThreshold,
    Membership,
    MonthClose,
    Park,
    Partner,
    ProjectLead,
    RevitalisationMeasure,
)

Role = Membership.Role


def _sees_everything(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.is_superuser)


def parks_for(user, *, role: str = Role.VIEWER) -> QuerySet[Park]:
    """The parks where `user` holds at least `role`."""
    if _sees_everything(user):
        return Park.objects.all()
    if not (user and user.is_authenticated and user.is_active):
        return Park.objects.none()
    roles = [r for r in Role if Membership.rank_of(r) >= Membership.rank_of(role)]
    return Park.objects.filter(memberships__user=user, memberships__role__in=roles).distinct()


def park_roles(user) -> dict[Park, str]:
    """The user's parks, in the order of their codes, with the role in each; read once per request.

    Kept on the user object, which the authentication middleware loads anew for every request, so
    the menu, the views, the filters and the admin of one request share one query. Writes check
    roles with `Membership.objects.role_of`, never with this.
    """
    if not (user and user.is_authenticated):
        return {}
    cached = getattr(user, "_parkland_park_roles", None)
    if cached is None:
        cached = user._parkland_park_roles = Membership.objects.roles_by_park(user)
    return cached


def signed_in_user(user_id, *, using: str):
    """The user with `user_id` (None if there is none), read for a signed-in request together with
    what every page of it reads next, in one query: the user's parks and roles, as `park_roles`
    gives them, and the data version, which this request's kept figures then use (cases/figures.py).

    A superuser's parks are every park; a user's, their memberships'. Reading the data version
    here, before any figure is drawn, can only key a page drawn later under an older version, never
    an older page under a newer one.
    """
    model = get_user_model()
    user, park, version = (
        Columns(model, "u", using),
        Columns(Park, "p", using),
        Columns(DataVersion, "v", using),
    )
    quote = connections[using].ops.quote_name
    pk, superuser = quote(model._meta.pk.column), quote(model._meta.get_field("is_superuser").column)
    sql = (
        f"SELECT {', '.join(user.sql + park.sql + ['m.role'] + version.sql)} FROM {table(model, using)} u "
        f"LEFT JOIN {table(Membership, using)} m ON m.user_id = u.{pk} AND NOT u.{superuser} "
        f"LEFT JOIN {table(Park, using)} p ON p.id = m.park_id OR u.{superuser} "
        f"LEFT JOIN {table(DataVersion, using)} v ON v.id = 1 "
        f"WHERE u.{pk} = %s ORDER BY p.code"
    )
    rows = fetch(sql, (user_id,), using)
    if not rows:
        return None
    first = rows[0]
    found = user.build(first[: len(user)])
    parks_end = len(user) + len(park)
    if found.is_active:
        found._parkland_park_roles = {
            park.build(row[len(user) : parks_end]): row[parks_end] or Role.PARK_ADMIN
            for row in rows
            if row[len(user) + park.pk_index] is not None
        }
    data_version = version.build(first[parks_end + 1 :])
    if data_version is not None:
        figures.read_in_request(using, (str(data_version.epoch), data_version.counter))
    return found


def scope_key(user) -> str:
    """Names the cases `cases_for(user)` holds, for figures kept in the cache: "all", or the park ids."""
    if _sees_everything(user):
        return "all"
    viewer = Membership.rank_of(Role.VIEWER)
    ids = sorted(p.pk for p, held in park_roles(user).items() if Membership.rank_of(held) >= viewer)
    return "parks-" + "-".join(map(str, ids))


def has_role_somewhere(user, role: str) -> bool:
    """Whether the user holds at least `role` in one of their parks (e.g. may create a record)."""
    needed = Membership.rank_of(role)
    return any(Membership.rank_of(held) >= needed for held in park_roles(user).values())


def role_in(user, park: Park) -> str | None:
    return park_roles(user).get(park)


def has_role(user, park: Park, role: str) -> bool:
    return Membership.rank_of(role_in(user, park)) >= Membership.rank_of(role)


def _in_parks(queryset: QuerySet, path: str, user, role: str) -> QuerySet:
    """`queryset` in the parks where `user` holds `role`, named by id from `park_roles` (read once
    per request): a list of ids costs the database less to plan than the memberships' subquery."""
    if _sees_everything(user):
        return queryset
    if not (user and user.is_authenticated and user.is_active):
        return queryset.none()
    needed = Membership.rank_of(role)
    ids = [park.pk for park, held in park_roles(user).items() if Membership.rank_of(held) >= needed]
    return queryset.filter(**{f"{path}__in": ids})


def enterprises_for(user, *, role: str = Role.VIEWER) -> QuerySet[Enterprise]:
    return _in_parks(Enterprise.objects.all(), "park", user, role)


def parcels_for(user, *, role: str = Role.VIEWER) -> QuerySet[LandParcel]:
    return _in_parks(LandParcel.objects.all(), "park", user, role)


def cases_for(user, *, role: str = Role.VIEWER) -> QuerySet[DisposalCase]:
    return _in_parks(DisposalCase.objects.all(), "parcel__park", user, role)


def events_for(user, *, role: str = Role.VIEWER) -> QuerySet[CaseEvent]:
    return _in_parks(CaseEvent.objects.all(), "case__parcel__park", user, role)


def deadlines_for(user, *, role: str = Role.VIEWER) -> QuerySet[CaseDeadline]:
    """The stored deadlines of the cases `user` sees."""
    return _in_parks(CaseDeadline.objects.all(), "park", user, role)


def documents_for(user, *, role: str = Role.VIEWER) -> QuerySet[EvidenceDocument]:
    return _in_parks(EvidenceDocument.objects.all(), "case__parcel__park", user, role)


def measures_for(user, *, role: str = Role.VIEWER) -> QuerySet[RevitalisationMeasure]:
    return _in_parks(RevitalisationMeasure.objects.all(), "case__parcel__park", user, role)


def custody_events_for(user, *, role: str = Role.VIEWER) -> QuerySet[CustodyEvent]:
    return _in_parks(CustodyEvent.objects.all(), "document__case__parcel__park", user, role)


def partners_for(user, *, role: str = Role.VIEWER) -> QuerySet[Partner]:
    return _in_parks(Partner.objects.all(), "park", user, role)


def leads_for(user, *, role: str = Role.VIEWER) -> QuerySet[ProjectLead]:
    return _in_parks(ProjectLead.objects.all(), "park", user, role)


def month_closes_for(user, *, role: str = Role.VIEWER) -> QuerySet[MonthClose]:
    return _in_parks(MonthClose.objects.all(), "park", user, role)


def ledger_imports_for(user, *, role: str = Role.VIEWER) -> QuerySet[LedgerImport]:
    """The imports that touched one of the user's parks (an import may name several)."""
    if _sees_everything(user):
        return LedgerImport.objects.all()
    return LedgerImport.objects.filter(parks__in=parks_for(user, role=role)).distinct()


def thresholds_for(user, *, role: str = Role.VIEWER) -> QuerySet[LowEfficiencyThreshold]:
    return _in_parks(LowEfficiencyThreshold.objects.all(), "park", user, role)


def memberships_for(user, *, role: str = Role.VIEWER) -> QuerySet[Membership]:
    return _in_parks(Membership.objects.all(), "park", user, role)


def targets_for(user, *, role: str = Role.VIEWER) -> QuerySet[DisposalTarget]:
    """A park's own targets, and the all-parks targets that apply to it as well."""
    if _sees_everything(user):
        return DisposalTarget.objects.all()
    return DisposalTarget.objects.filter(Q(park__in=parks_for(user, role=role)) | Q(park__isnull=True))


def users_for(user, *, role: str = Role.VIEWER):
    """The people of `user`'s parks holding at least `role` there (e.g. who can be a case officer)."""
    roles = [r for r in Role if Membership.rank_of(r) >= Membership.rank_of(role)]
    return (
        get_user_model()
        .objects.filter(
            memberships__park__in=parks_for(user),
            memberships__role__in=roles,
            is_active=True,
        )
        .distinct()
        .order_by("username")
    )


def api_tokens_for(user) -> QuerySet[ApiToken]:
    """The API tokens `user` may see and revoke: their own, and those of the people of the parks
    where they are a park administrator."""
    if _sees_everything(user):
        return ApiToken.objects.all()
    if not (user and user.is_authenticated and user.is_active):
        return ApiToken.objects.none()
    administered = parks_for(user, role=Role.PARK_ADMIN)
    return ApiToken.objects.filter(Q(user=user) | Q(user__memberships__park__in=administered)).distinct()
