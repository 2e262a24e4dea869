"""Only approved steps move the disposal rate: every write path, the staff pages, the admin and a
forged POST, leaves the figures the rate counts to the workflow
(docs/workflow.md#who-may-move-which-figure)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib import admin
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from cases.exceptions import GuardFailed
from cases.forms import CaseForm
from cases.models import CaseEvent, DisposalCase, DisposalTarget, Membership
from cases.models.workflow import RATE_FIELDS
from cases.reporting import close_month
from tests import factories
from tests.worlds.staff import sign_in

pytestmark = pytest.mark.django_db

R = Membership.Role
OPENED = date(2022, 1, 10)
YEAR = 2022
AS_OF = date(2022, 12, 31)


@pytest.fixture
def world():
    park = factories.make_park(code="XQ", name="新青科技工业园")
    people = {role: factories.make_user(username=f"{role}-xq", park=park, role=role) for role in R.values}
    for user in people.values():
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    lead = factories.make_case(park=park, status="lead", opened_on=OPENED, officer=people[R.OFFICER])
    investigating = factories.make_case(
        park=park, status="investigating", opened_on=OPENED, officer=people[R.OFFICER]
    )
    identified = factories.make_case(
        park=park, status="identified", opened_on=OPENED, identified_on=date(2022, 3, 1)
    )
    disposed = factories.make_case(
        park=park,
        status="disposed",
        opened_on=OPENED,
        identified_on=date(2022, 3, 1),
        disposal_method="negotiated_recovery",
        decision_on=date(2022, 5, 1),
        disposed_on=date(2022, 9, 1),
        disposed_area_m2="6000.00",
    )
    return {
        "park": park,
        "people": people,
        "lead": lead,
        "investigating": investigating,
        "identified": identified,
        "disposed": disposed,
    }


def rate(park) -> tuple:
    figures = DisposalCase.objects.filter(parcel__park=park).rate_figures(year=YEAR, as_of=AS_OF)
    return (figures.register_area_m2, figures.disposed_area_m2, figures.rate_pct)


def figures_of(case) -> dict:
    case.refresh_from_db()
    return {name: getattr(case, name) for name in (*RATE_FIELDS, "status", "version")}


def form_data(form) -> dict:
    """What the browser posts for `form` as it was rendered (its initial values)."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, bool):
            if value:
                data[name] = "on"
            continue
        if value is None:
            value = ""
        if hasattr(value, "isoformat"):
            value = value.isoformat()
        data[name] = str(value)
    return data


# The register counts approved identifications only --------------------------------------------


def test_the_database_refuses_an_identification_date_before_the_step(world):
    for case in (world["lead"], world["investigating"]):
        with pytest.raises(IntegrityError), transaction.atomic():
            DisposalCase.objects.filter(pk=case.pk).update(identified_on=date(2022, 2, 1))


@pytest.mark.parametrize("status", ["lead", "investigating", "identified", "planning", "implementing"])
def test_the_database_refuses_disposal_figures_on_a_case_not_disposed(world, status):
    case = world["identified"] if status not in ("lead", "investigating") else world[status]
    DisposalCase.objects.filter(pk=case.pk).update(
        status=status,
        identified_on=None if status in ("lead", "investigating") else date(2022, 3, 1),
        disposal_method="negotiated_recovery",
        decision_on=None if status in ("lead", "investigating") else date(2022, 5, 1),
    )
    for fields in ({"disposed_on": date(2022, 9, 1)}, {"disposed_area_m2": Decimal("10.00")}):
        with pytest.raises(IntegrityError), transaction.atomic():
            DisposalCase.objects.filter(pk=case.pk).update(**fields)


def test_the_register_counts_only_cases_identified_or_further(world):
    park = world["park"]
    register = DisposalCase.objects.filter(parcel__park=park).register(year=YEAR, as_of=AS_OF)
    assert set(register.values_list("status", flat=True)) == {"identified", "disposed"}


# The staff pages ------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["lead", "investigating", "identified"])
def test_an_officer_cannot_set_the_rate_figures_through_the_case_form(client, world, key):
    case = world[key]
    officer = world["people"][R.OFFICER]
    before, rate_before = figures_of(case), rate(world["park"])
    form = CaseForm(instance=case, user=officer)
    assert not set(RATE_FIELDS) & set(form.fields)
    data = form_data(form) | {
        "identified_on": "2022-02-01",
        "disposed_on": "2022-12-01",
        "disposed_area_m2": "1.00",
        "status": "disposed",
        "summary": "改了摘要",
    }
    response = sign_in(client, officer).post(f"/cases/{case.number}/edit/", data)
    assert response.status_code == 302, response.content[:2000]
    after = figures_of(case)
    assert case.summary == "改了摘要"  # the ordinary fields were saved …
    assert {k: after[k] for k in (*RATE_FIELDS, "status")} == {k: before[k] for k in (*RATE_FIELDS, "status")}
    assert rate(world["park"]) == rate_before  # … and the rate did not move


def test_the_case_form_shows_the_figures_read_only(client, world):
    case = world["disposed"]
    # A closed case cannot be edited at all; an identified one shows its date beside the form.
    response = sign_in(client, world["people"][R.OFFICER]).get(f"/cases/{world['identified'].number}/edit/")
    assert 'name="identified_on"' not in response.text
    assert "2022-03-01" in response.text
    assert sign_in(client, world["people"][R.OFFICER]).get(f"/cases/{case.number}/edit/").status_code == 302


def test_an_officer_cannot_take_the_approval_steps_by_a_forged_post(client, world):
    sign_in(client, world["people"][R.OFFICER])
    case = world["investigating"]
    before = figures_of(case)
    response = client.post(
        f"/cases/{case.number}/transition/", {"to": "identified", "identified_on": "2022-02-01"}
    )
    assert response.status_code == 302
    assert figures_of(case) == before


# The steps carry their figures ------------------------------------------------------------------


def step(client, case, **data):
    return client.post(f"/cases/{case.number}/transition/", data)


def test_the_identification_step_takes_its_date_and_dates_its_event(client, world):
    case = world["investigating"]
    rate_before = rate(world["park"])
    sign_in(client, world["people"][R.SUPERVISOR])
    page = client.get(case.get_absolute_url())
    today = timezone.localdate().isoformat()
    assert 'name="identified_on"' in page.text and f'value="{today}"' in page.text
    response = step(client, case, to="identified", identified_on="2022-02-15", override_reason="材料随后补齐")
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.identified_on) == ("identified", date(2022, 2, 15))
    event = case.events.get(kind=CaseEvent.Kind.STATUS_CHANGE)
    assert event.occurred_on == date(2022, 2, 15) and "2022-02-15" in event.details
    assert case.history.first().identified_on == date(2022, 2, 15)
    assert rate(world["park"])[0] == rate_before[0] + case.case_area_m2


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("future", "is in the future"),
        ("2022-01-09", "before the case was opened on 2022-01-10"),
        ("not-a-date", "Enter a valid date"),
    ],
)
def test_a_refused_identification_changes_nothing_and_keeps_what_was_typed(client, world, typed, message):
    case = world["investigating"]
    if typed == "future":
        typed = (timezone.localdate() + timedelta(days=1)).isoformat()
    before = figures_of(case)
    sign_in(client, world["people"][R.SUPERVISOR])
    response = step(
        client, case, to="identified", identified_on=typed, override_reason="证据在调档中，先行认定"
    )
    assert response.status_code == 422
    assert message in response.text
    assert f'value="{typed}"' in response.text
    assert "证据在调档中，先行认定" in response.text  # the override reason is kept
    assert figures_of(case) == before
    assert not case.events.exists()


def test_the_disposal_step_takes_its_date_and_area(client, world):
    case = world["identified"]
    DisposalCase.objects.filter(pk=case.pk).update(
        status="implementing", disposal_method="negotiated_recovery", decision_on=date(2022, 5, 1)
    )
    case.refresh_from_db()
    sign_in(client, world["people"][R.SUPERVISOR])
    page = client.get(case.get_absolute_url())
    assert 'name="disposed_on"' in page.text and 'name="disposed_area_m2"' in page.text
    too_much = case.case_area_m2 + Decimal("0.01")
    refused = step(
        client,
        case,
        to="disposed",
        disposed_on="2022-10-01",
        disposed_area_m2=str(too_much),
        override_reason="x",
    )
    assert refused.status_code == 422
    assert str(too_much) in refused.text and figures_of(case)["status"] == "implementing"
    before_identified = step(
        client, case, to="disposed", disposed_on="2022-02-01", disposed_area_m2="100", override_reason="x"
    )
    assert before_identified.status_code == 422
    assert "before the case was identified on 2022-03-01" in before_identified.text
    done = step(
        client, case, to="disposed", disposed_on="2022-10-01", disposed_area_m2="2500.50", override_reason="x"
    )
    assert done.status_code == 302
    after = figures_of(case)
    assert (after["status"], after["disposed_on"], after["disposed_area_m2"]) == (
        "disposed",
        date(2022, 10, 1),
        Decimal("2500.50"),
    )


def test_figures_are_refused_on_any_other_step(world):
    case = world["identified"]
    with pytest.raises(GuardFailed):
        case.transition_to("planning", by=world["people"][R.OFFICER], identified_on=date(2022, 3, 2))
    with pytest.raises(GuardFailed):
        case.transition_to(
            "investigating", by=world["people"][R.OFFICER], reason="补充调查", disposed_on=date(2022, 3, 2)
        )
    assert figures_of(case)["status"] == "identified"


def test_a_step_back_out_of_identified_clears_the_date_and_the_history_keeps_it(client, world):
    case = world["identified"]
    rate_before = rate(world["park"])
    sign_in(client, world["people"][R.OFFICER])
    response = step(client, case, to="investigating", reason="认定依据不足，补充调查")
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.identified_on) == ("investigating", None)
    assert case.history.all()[1].identified_on == date(2022, 3, 1)
    assert rate(world["park"])[0] == rate_before[0] - case.case_area_m2


def test_reopening_a_disposal_is_a_park_admins_and_clears_its_figures(client, world):
    case = world["disposed"]
    sign_in(client, world["people"][R.SUPERVISOR])
    assert step(client, case, to="implementing", reason="处置有误").status_code == 302
    assert figures_of(case)["status"] == "disposed"  # not offered to a supervisor
    sign_in(client, world["people"][R.PARK_ADMIN])
    assert step(client, case, to="implementing", reason="处置面积有误，重新核定").status_code == 302
    after = figures_of(case)
    assert (after["status"], after["disposed_on"], after["disposed_area_m2"]) == ("implementing", None, None)
    assert case.events.filter(kind="status_change", to_status="implementing").exists()


# The admin ------------------------------------------------------------------------------------


def admin_url(obj, action="change") -> str:
    meta = obj._meta
    if action == "change":
        return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{action}")


def admin_post_data(response) -> dict:
    """The admin change form as the browser would post it unchanged, inlines included."""
    data = {}
    form = response.context["adminform"].form
    data.update(form_data(form))
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(form_data(formset.management_form) | {})
        for name, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{name}"] = str(value)
        for subform in formset.forms:
            for name in subform.fields:
                value = subform[name].value()
                key = subform.add_prefix(name)
                if isinstance(value, bool):
                    if value:
                        data[key] = "on"
                    continue
                data[key] = (
                    "" if value is None else (value.isoformat() if hasattr(value, "isoformat") else value)
                )
    return {k: v for k, v in data.items() if k in response.text or "-" in k}


@pytest.mark.parametrize("role", [R.OFFICER, R.PARK_ADMIN])
def test_the_admin_case_form_has_no_way_to_the_rate_figures(client, world, role):
    case = world["identified"]
    sign_in(client, world["people"][role])
    response = client.get(admin_url(case))
    assert response.status_code == 200
    for name in (*RATE_FIELDS, "status"):
        assert f'name="{name}"' not in response.text
    before, rate_before = figures_of(case), rate(world["park"])
    data = admin_post_data(response) | {
        "identified_on": "2022-01-20",
        "disposed_on": "2022-12-01",
        "disposed_area_m2": "1.00",
        "status": "disposed",
        "summary": "管理后台改摘要",
    }
    saved = client.post(admin_url(case), data)
    assert saved.status_code == 302, saved.context["adminform"].form.errors if saved.context else saved
    after = figures_of(case)
    assert case.summary == "管理后台改摘要"
    assert after["version"] == before["version"] + 1
    assert {k: after[k] for k in (*RATE_FIELDS, "status")} == {k: before[k] for k in (*RATE_FIELDS, "status")}
    assert rate(world["park"]) == rate_before


def test_the_admin_saves_a_case_with_status_change_events(client, world):
    case = world["investigating"]
    case.transition_to("lead", by=world["people"][R.OFFICER], reason="线索待核")
    case.transition_to("investigating", by=world["people"][R.OFFICER])
    factories.make_event(case=case, title="现场勘查", occurred_on=date(2022, 2, 1))
    sign_in(client, world["people"][R.OFFICER])
    response = client.get(admin_url(case))
    assert "线索待核" in response.text  # the status changes are shown, read-only
    saved = client.post(admin_url(case), admin_post_data(response) | {"summary": "后台保存"})
    assert saved.status_code == 302
    case.refresh_from_db()
    assert case.summary == "后台保存"
    assert case.events.filter(kind="status_change").count() == 2


def test_a_closed_case_is_read_only_in_the_admin(client, world):
    case = world["disposed"]
    sign_in(client, world["people"][R.PARK_ADMIN])
    response = client.get(admin_url(case))
    assert response.status_code == 200
    assert 'name="_save"' not in response.text
    before = figures_of(case)
    refused = client.post(admin_url(case), {"summary": "改已结案件", "case_area_m2": "1.00"})
    assert refused.status_code == 403
    assert figures_of(case) == before


def test_an_admin_save_over_a_newer_staff_edit_is_refused(client, world):
    case = world["identified"]
    officer = world["people"][R.OFFICER]
    sign_in(client, officer)
    opened = client.get(admin_url(case))
    data = admin_post_data(opened) | {"summary": "后台的修改"}
    # Meanwhile the officer saves the case on the staff page.
    edit = CaseForm(instance=case, user=officer)
    assert (
        client.post(f"/cases/{case.number}/edit/", form_data(edit) | {"summary": "前台的修改"}).status_code
        == 302
    )
    refused = client.post(admin_url(case), data)
    assert refused.status_code == 200
    assert "Someone else saved case" in refused.text
    case.refresh_from_db()
    assert case.summary == "前台的修改"


def test_a_staff_edit_over_a_newer_admin_save_is_refused(client, world):
    case = world["identified"]
    officer = world["people"][R.OFFICER]
    sign_in(client, officer)
    stale = form_data(CaseForm(instance=case, user=officer)) | {"summary": "前台的修改"}
    opened = client.get(admin_url(case))
    assert (
        client.post(admin_url(case), admin_post_data(opened) | {"summary": "后台的修改"}).status_code == 302
    )
    refused = client.post(f"/cases/{case.number}/edit/", stale)
    assert refused.status_code == 409
    case.refresh_from_db()
    assert case.summary == "后台的修改"


def test_a_park_admin_cannot_set_the_all_parks_benchmark(client, world):
    sign_in(client, world["people"][R.PARK_ADMIN])
    page = client.get(admin_url(DisposalTarget, "add"))
    assert page.status_code == 200
    assert '<option value="" selected>---------</option>' not in page.text
    response = client.post(admin_url(DisposalTarget, "add"), {"park": "", "year": "2022", "rate_pct": "10.0"})
    assert response.status_code == 200
    assert not DisposalTarget.objects.filter(park__isnull=True, year=2022).exists()
    saved = client.post(
        admin_url(DisposalTarget, "add"), {"park": str(world["park"].pk), "year": "2022", "rate_pct": "60.0"}
    )
    assert saved.status_code == 302
    assert DisposalTarget.objects.get(park=world["park"], year=2022).rate_pct == Decimal("60.0")


def _admin_objects(world) -> dict:
    """One row of every model in the admin, in the world's park."""
    from cases import models as m

    park, case = world["park"], world["identified"]
    supervisor = world["people"][R.SUPERVISOR]
    document = factories.make_document(case=case, doc_type="site_inspection", uploaded_by=supervisor)
    document.record_custody("downloaded", by=supervisor, note="下载核对")
    partner = m.Partner.objects.create(park=park, name="珠海农商银行", kind="bank")
    return {
        m.Park: park,
        m.Membership: m.Membership.objects.filter(park=park).first(),
        m.LowEfficiencyThreshold: m.LowEfficiencyThreshold.objects.create(park=park, min_plot_ratio="1.00"),
        m.DisposalTarget: DisposalTarget.objects.create(park=park, year=2022, rate_pct="50.0"),
        m.Enterprise: factories.make_enterprise(park=park, name="珠海示例企业"),
        m.LandParcel: case.parcel,
        m.DisposalCase: case,
        m.CaseEvent: factories.make_event(case=case),
        m.EvidenceDocument: document,
        m.CustodyEvent: m.CustodyEvent.objects.filter(document=document).first(),
        m.RevitalisationMeasure: factories.make_measure(
            case=case, method="other", partner=partner, notes="园区协调引入合作方"
        ),
        m.Partner: partner,
        m.ProjectLead: m.ProjectLead.objects.create(
            park=park, name="新能源电池项目", investor="珠海新能源有限公司", area_needed_m2="5000"
        ),
        m.EvidenceRequirement: m.EvidenceRequirement.objects.first(),
        m.CaseNumberSequence: m.CaseNumberSequence.objects.filter(park=park).first(),
        m.MonthClose: close_month(park=park, year=2022, month=1, by=supervisor, today=date(2022, 2, 5)),
        m.LedgerImport: _ledger_import(park, world["people"][R.PARK_ADMIN]),
        # Every save of its case writes its deadlines anew: the row is looked up when its turn comes.
        m.ApiToken: m.ApiToken.objects.create_for(world["people"][R.OFFICER], name="一张图", days=30)[0],
        m.CaseDeadline: lambda: m.CaseDeadline.objects.filter(park=park).first(),
        m.DataVersion: lambda: m.DataVersion.objects.get(pk=1),
    }


def _ledger_import(park, user):
    from cases.models import LedgerImport

    record = LedgerImport.objects.create(
        file_name="台账.xlsx", sha256="0" * 64, size=1, rows=0, imported_by=user
    )
    record.parks.add(park)
    return record


# What each role may change in the admin (True), may only read (False), or may not see (None).
ADMIN_RIGHTS = {
    R.OFFICER: {
        "Park": False,
        "Membership": False,
        "LowEfficiencyThreshold": False,
        "DisposalTarget": False,
        "Enterprise": True,
        "LandParcel": True,
        "DisposalCase": True,
        "CaseEvent": True,
        "EvidenceDocument": False,
        "CustodyEvent": False,
        "RevitalisationMeasure": True,
        "Partner": True,
        "ProjectLead": True,
        "EvidenceRequirement": False,
        "CaseNumberSequence": None,
        "MonthClose": False,
        "LedgerImport": False,
        "CaseDeadline": False,
        "ApiToken": False,
        "DataVersion": None,
    },
}
ADMIN_RIGHTS[R.PARK_ADMIN] = ADMIN_RIGHTS[R.OFFICER] | {
    "Park": True,
    "Membership": True,
    "LowEfficiencyThreshold": True,
    "DisposalTarget": True,
}


@pytest.mark.parametrize("role", [R.OFFICER, R.PARK_ADMIN])
def test_every_admin_change_form_lets_each_role_change_what_it_may_and_nothing_else(client, world, role):
    objects = _admin_objects(world)
    sign_in(client, world["people"][role])
    rights = ADMIN_RIGHTS[role]
    seen = set()
    for model in admin.site._registry:
        if model._meta.app_label != "cases":
            continue
        name = model.__name__
        assert name in rights, f"{name} has no stated rights: add it to ADMIN_RIGHTS"
        obj = objects.get(model)
        obj = obj() if callable(obj) else obj
        assert obj is not None, name
        seen.add(name)
        page = client.get(admin_url(obj))
        if rights[name] is None:
            assert page.status_code in (403, 302, 404), name
            continue
        assert page.status_code == 200, (name, page.status_code)
        may_save = 'name="_save"' in page.text
        assert may_save is rights[name], (name, may_save)
        data = admin_post_data(page)
        response = client.post(admin_url(obj), data)
        if rights[name]:
            assert response.status_code == 302, (
                name,
                response.context and response.context["adminform"].form.errors,
            )
        else:
            assert response.status_code == 403, (name, response.status_code)
        if model is DisposalCase:
            for field in (*RATE_FIELDS, "status"):
                assert f'name="{field}"' not in page.text
    assert seen == set(rights)


# The migration that brought the rules in ---------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_clears_figures_set_outside_their_steps_and_says_why_in_the_history():
    before, after = (
        ("cases", "0013_identification_label_for_both_categories"),
        (
            "cases",
            "0014_rate_figures_only_from_their_steps",
        ),
    )
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    executor.migrate([before])
    try:
        old = executor.loader.project_state([before]).apps
        park = old.get_model("cases", "Park").objects.create(code="MG", name="迁移园", district="斗门区")
        parcel = old.get_model("cases", "LandParcel").objects.create(
            park=park, code="MG-1", location="迁移路1号", area_m2=Decimal("1000.00")
        )
        Case = old.get_model("cases", "DisposalCase")
        common = {
            "parcel": parcel,
            "category": "idle",
            "case_area_m2": Decimal("1000.00"),
            "opened_on": OPENED,
        }
        early = Case.objects.create(
            number="MG-2022-001", status="investigating", identified_on=date(2022, 2, 1), **common
        )
        Case.objects.filter(pk=early.pk).update(status="withdrawn", status_before_close="investigating")
        kept = Case.objects.create(
            number="MG-2022-002",
            status="withdrawn",
            status_before_close="identified",
            identified_on=date(2022, 2, 1),
            **common,
        )
        executor = MigrationExecutor(connection)
        executor.migrate([after])
        new = executor.loader.project_state([after]).apps
        Case = new.get_model("cases", "DisposalCase")
        assert Case.objects.get(pk=early.pk).identified_on is None
        assert Case.objects.get(pk=kept.pk).identified_on == date(2022, 2, 1)
        history = new.get_model("cases", "HistoricalDisposalCase").objects.filter(id=early.pk)
        assert next(h.history_change_reason for h in history).startswith("认定日期已清除")
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(leaves)


# A closed case is read-only everywhere until it is reopened --------------------------------------


def _row_counts() -> dict:
    from django.apps import apps

    return {m._meta.label: m._default_manager.count() for m in apps.get_app_config("cases").get_models()}


def test_nothing_is_added_to_a_closed_cases_file_on_the_staff_pages(client, world):
    case = world["disposed"]
    officer = world["people"][R.OFFICER]
    document = factories.make_document(case=case, doc_type="site_inspection", uploaded_by=officer)
    event = factories.make_event(case=case, due_on=date(2022, 3, 1))
    measure = factories.make_measure(case=case, method="other", notes="园区协调")
    sign_in(client, officer)
    before = _row_counts()
    attempts = [
        (
            f"/cases/{case.number}/events/new/",
            {"kind": "meeting", "occurred_on": "2022-10-01", "title": "协调会"},
        ),
        (f"/cases/{case.number}/measures/new/", {"method": "other", "notes": "新措施"}),
        (f"/cases/{case.number}/evidence/new/", {"doc_type": "other", "title": "补充材料"}),
        (f"/cases/{case.number}/events/{event.pk}/met/", {}),
        (f"/cases/{case.number}/measures/{measure.pk}/step/", {"to": "negotiating", "on": "2022-10-01"}),
        (f"/evidence/{document.pk}/withdraw/", {"reason": "误传"}),
    ]
    for url, data in attempts:
        response = client.post(url, data, follow=True)
        assert response.redirect_chain[-1][0] == case.get_absolute_url(), url
        assert "is closed and cannot be edited" in response.text, url
    assert _row_counts() == before
    page = client.get(case.get_absolute_url())
    for url in (f"/cases/{case.number}/events/new/", f"/cases/{case.number}/evidence/new/"):
        assert f'href="{url}"' not in page.text


def test_nothing_is_added_to_a_closed_case_in_the_admin(client, world):
    case = world["disposed"]
    sign_in(client, world["people"][R.OFFICER])
    before = _row_counts()
    response = client.post(
        reverse("admin:cases_caseevent_add"),
        {"case": case.pk, "kind": "meeting", "occurred_on": "2022-10-01", "title": "协调会"},
    )
    assert response.status_code == 200
    assert "is closed and cannot be edited" in response.text
    assert _row_counts() == before
    event = factories.make_event(case=case)
    assert 'name="_save"' not in client.get(admin_url(event)).text
