"""The parcel, enterprise and case pages, and moving a case through POST /cases/<number>/transition/."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from cases.models import CaseEvent, DisposalCase, EvidenceRequirement, Membership
from tests import factories
from tests.worlds.staff import (
    add_document,
    build_world,
    case_data,
    case_url,
    messages_of,
    refused_step,
    sign_in,
    step_errors,
)

pytestmark = pytest.mark.django_db

R = Membership.Role


@pytest.fixture
def world():
    return build_world()


def set_case(case: DisposalCase, **fields) -> DisposalCase:
    """Put a case straight into a state, past the workflow (the workflow is tested on its own)."""
    DisposalCase.objects.filter(pk=case.pk).update(**fields)
    case.refresh_from_db()
    return case


def file_evidence(case: DisposalCase, status: str, *, by) -> None:
    for requirement in EvidenceRequirement.objects.applying_to(case, status):
        add_document(case=case, doc_type=requirement.doc_types[0], uploaded_by=by)


def transition(client, case: DisposalCase, **data):
    return client.post(case_url(case, "case-transition"), data, follow=True)


# The seeded requirements ----------------------------------------------------------------------


def test_the_seeded_requirements_gate_identification_of_idle_land_with_four_documents():
    rows = EvidenceRequirement.objects.filter(to_status="identified", category="idle")
    assert sorted(r.doc_types[0] for r in rows) == [
        "grant_contract",
        "investigation_notice",
        "service_receipt",
        "site_inspection",
    ]
    assert EvidenceRequirement.objects.filter(to_status="disposed", category="inefficient").count() == 1


# Parcel page ----------------------------------------------------------------------------------


@pytest.fixture
def measured_parcel(world):
    """30 亩 exactly, with figures chosen so every per-亩 figure is a round number."""
    return factories.make_parcel(
        park=world.park_a,
        code="A-30",
        area_m2="20000.00",
        enterprise=world.enterprise_a,
        required_plot_ratio=Decimal("1.50"),
        actual_plot_ratio=Decimal("0.80"),
        building_area_m2=Decimal("16000.00"),
        invested_wan=Decimal("9000.00"),
        annual_output_wan=Decimal("15000.00"),
        annual_tax_wan=Decimal("600.00"),
    )


def test_the_parcel_page_shows_mu_beside_square_metres_and_the_per_mu_figures(client, world, measured_parcel):
    sign_in(client, world.viewer_a)
    page = client.get(measured_parcel.get_absolute_url()).text
    assert "20,000.00 m²" in page
    assert "30.00 mu" in page
    assert "1.50 / 0.80" in page  # plot ratio, required / actual
    assert "300.00" in page  # investment intensity: 9000 万元 / 30 亩
    assert "500.00" in page  # output per 亩: 15000 / 30
    assert "20.00" in page  # tax per 亩: 600 / 30
    facts = re.sub(r"\s+", " ", page)
    assert re.search(r"Investment intensity \(10k yuan/mu\)</dt><dd>300\.00 ", facts)
    assert re.search(r"Output per mu \(10k yuan/mu\)</dt><dd>500\.00 ", facts)
    assert re.search(r"Tax per mu \(10k yuan/mu\)</dt><dd>20\.00 ", facts)


def test_the_parcel_page_shows_mu_in_chinese(client, world, measured_parcel):
    sign_in(client, world.viewer_a, language="zh-hans")
    page = client.get(measured_parcel.get_absolute_url()).text
    assert "20,000.00 m²" in page
    assert "30.00 亩" in page


def test_the_parcel_page_shows_a_dash_for_figures_not_known(client, world):
    sign_in(client, world.viewer_a)
    response = client.get(world.parcel_a.get_absolute_url())
    assert response.status_code == 200
    assert "None" not in response.text


def test_the_parcel_page_lists_its_cases_and_its_history(client, world):
    closed = factories.make_case(parcel=world.parcel_a, status="withdrawn", status_before_close="lead")
    sign_in(client, world.viewer_a)
    page = client.get(world.parcel_a.get_absolute_url()).text
    assert world.case_a.number in page
    assert closed.number in page
    assert "甲园企业" in page


# Enterprise page ------------------------------------------------------------------------------


def test_the_enterprise_page_lists_its_parcels_and_cases(client, world):
    second = factories.make_parcel(park=world.park_a, code="A-02", enterprise=world.enterprise_a)
    case = factories.make_case(parcel=second, opened_on=date(2022, 5, 1))
    other = factories.make_parcel(park=world.park_a, code="A-03")
    factories.make_case(parcel=other)
    sign_in(client, world.viewer_a)
    response = client.get(world.enterprise_a.get_absolute_url())
    assert response.status_code == 200
    assert [p.code for p in response.context["parcels"]] == ["A-01", "A-02"]
    assert {c.number for c in response.context["cases"]} == {world.case_a.number, case.number}
    assert "A-03" not in response.text
    assert world.enterprise_a.credit_code in response.text


# Case page ------------------------------------------------------------------------------------


def test_the_case_page_header_shows_status_category_areas_officer_and_flags(client, world):
    case = set_case(
        world.case_a,
        case_area_m2=Decimal("6000.00"),
        litigation_risk=True,
        litigation_risk_note="企业已申请行政复议",
        litigation="reconsideration",
    )
    sign_in(client, world.viewer_a)
    page = client.get(case_url(case)).text
    assert case.number in page
    assert "status-lead" in page
    assert ">lead<" in page
    assert ">idle<" in page
    assert "6,000.00 m²" in page
    assert "9.00 mu" in page
    assert "officer-a" in page
    assert "stability and litigation risk" in page
    assert "企业已申请行政复议" in page
    assert "administrative reconsideration" in page
    assert "A-01" in page
    assert "甲园企业" in page


def test_the_case_page_shows_the_timeline_newest_first(client, world):
    case = world.case_a
    factories.make_event(case=case, title="第一次现场勘查", occurred_on=date(2022, 2, 1))
    factories.make_event(
        case=case, kind="notice_served", title="送达调查通知书", occurred_on=date(2022, 3, 1)
    )
    sign_in(client, world.officer_a)
    transition(client, case, to="investigating")
    page = client.get(case_url(case)).text
    timeline = page[page.index('class="timeline') :]
    assert timeline.index("lead → investigating") < timeline.index("送达调查通知书")
    assert timeline.index("送达调查通知书") < timeline.index("第一次现场勘查")


def test_the_case_page_lists_evidence_and_the_checklist_of_the_next_gated_step(client, world):
    case = set_case(world.case_a, status="investigating")
    add_document(case=case, doc_type="site_inspection", title="现场照片")
    withdrawn = add_document(
        case=case,
        doc_type="service_receipt",
        title="送达回证",
        withdrawn_at=timezone.now(),
        withdrawn_by=world.officer_a,
        withdrawal_reason="扫描件不清",
    )
    sign_in(client, world.officer_a)
    response = client.get(case_url(case))
    page = response.text
    assert "现场照片" in page
    assert withdrawn.title in page
    assert "Evidence needed for “identified”" in page
    checklist = {str(requirement): met for requirement, met in response.context["checklist"]}
    assert checklist == {
        "land grant contract / supplementary agreement or allocation decision": False,
        "idle land investigation notice": False,
        "proof of service": False,  # withdrawn: does not count
        "site inspection record / photos": True,
    }
    assert page.count('data-met="true"') == 1
    assert page.count('data-met="false"') == 3


def test_the_checklist_for_implementation_follows_the_disposal_method(client, world):
    case = set_case(
        world.case_a,
        status="planning",
        identified_on=date(2022, 3, 1),
        disposal_method="free_recovery",
        decision_on=date(2022, 6, 1),
    )
    add_document(case=case, doc_type="identification")
    sign_in(client, world.officer_a)
    checklist = client.get(case_url(case)).context["checklist"]
    assert {str(r): met for r, met in checklist} == {
        "identification of idle or low-efficiency land": True,
        "disposal decision": False,
        "hearing notice": False,
        "government approval": False,
    }


def test_the_case_page_shows_measures_and_open_deadlines(client, world):
    case = world.case_a
    today = timezone.localdate()
    factories.make_measure(case=case, partner=world.partner_a, amount_wan=Decimal("1200"), term_months=36)
    factories.make_event(
        case=case, title="逾期未复", occurred_on=today - timedelta(40), due_on=today - timedelta(10)
    )
    factories.make_event(
        case=case, title="待复", occurred_on=today - timedelta(5), due_on=today + timedelta(3)
    )
    factories.make_event(
        case=case,
        title="已复",
        occurred_on=today - timedelta(40),
        due_on=today - timedelta(20),
        due_met_on=today - timedelta(25),
    )
    sign_in(client, world.officer_a)
    response = client.get(case_url(case))
    assert "珠海农商银行" in response.text
    assert "1,200.00" in response.text
    recorded = [d for d in response.context["deadlines"] if d.rule == "recorded"]
    assert [(d.title, d.state) for d in recorded] == [
        ("逾期未复", "overdue"),
        ("待复", "open"),
        ("已复", "met"),
    ]
    assert "10 days overdue" in response.text
    assert "3 days left" in response.text


def test_a_case_edit_appears_in_the_history_with_old_and_new_values(client, world):
    case = world.case_a
    sign_in(client, world.officer_a)
    response = client.post(
        case_url(case, "case-edit"), case_data(case, case_area_m2="9000.00", summary="已核")
    )
    assert response.status_code == 302
    page = client.get(case_url(case)).text
    history = page[page.index("What changed") :]
    assert "<del>10000.00</del> → 9000.00" in history
    assert "已核" in history
    assert "officer-a" in history
    entries = client.get(case_url(case)).context["history"]
    assert [e.kind for e in entries] == ["changed", "created"]
    assert {c.label for c in entries[0].changes} == {"area under disposal (m²)", "summary"}


# Transitions ----------------------------------------------------------------------------------


def test_a_transition_must_be_posted(client, world):
    sign_in(client, world.officer_a)
    assert client.get(case_url(world.case_a, "case-transition")).status_code == 405


def test_a_forward_step_writes_the_timeline_and_the_history(client, world):
    case = world.case_a
    sign_in(client, world.officer_a)
    history_before = case.history.count()
    response = transition(client, case, to="investigating")
    assert response.status_code == 200
    assert f"Case {case.number} moved to “investigating”." in messages_of(response)
    case.refresh_from_db()
    assert (case.status, case.version, case.updated_by) == ("investigating", 2, world.officer_a)
    event = case.events.get(kind="status_change")
    assert (event.from_status, event.to_status, event.actor) == ("lead", "investigating", world.officer_a)
    assert case.history.count() == history_before + 1
    latest = case.history.order_by("-history_date", "-history_id").first()
    assert (latest.status, latest.history_user) == ("investigating", world.officer_a)


REASON_REQUIRED = "This field is required."


def test_a_back_step_needs_a_reason(client, world):
    case = set_case(world.case_a, status="investigating")
    sign_in(client, world.officer_a)
    response = transition(client, case, to="lead", reason="   ")
    form = refused_step(response, case, "lead")
    assert form.errors == {"reason": [REASON_REQUIRED]}
    case.refresh_from_db()
    assert case.status == "investigating"
    assert not case.events.exists()
    response = transition(client, case, to="lead", reason="线索有误，退回核实")
    case.refresh_from_db()
    assert case.status == "lead"
    assert case.events.get().details == "线索有误，退回核实"
    assert "线索有误，退回核实" in response.text


def test_a_supervisor_withdraws_a_case_only_with_a_reason(client, world):
    case = world.case_a
    sign_in(client, world.supervisor_a)
    response = transition(client, case, to="withdrawn")
    assert refused_step(response, case, "withdrawn").errors == {"reason": [REASON_REQUIRED]}
    case.refresh_from_db()
    assert case.status == "lead"
    transition(client, case, to="withdrawn", reason="不构成闲置")
    case.refresh_from_db()
    assert (case.status, case.status_before_close) == ("withdrawn", "lead")


def test_an_officer_cannot_withdraw_a_case(client, world):
    sign_in(client, world.officer_a)
    response = transition(client, world.case_a, to="withdrawn", reason="不构成闲置")
    assert any("cannot move to “withdrawn”" in m for m in messages_of(response))
    world.case_a.refresh_from_db()
    assert world.case_a.status == "lead"


def test_a_reopening_needs_a_reason(client, world):
    case = set_case(world.case_a, status="withdrawn", status_before_close="lead")
    sign_in(client, world.admin_a)
    response = transition(client, case, to="lead")
    assert refused_step(response, case, "lead").errors == {"reason": [REASON_REQUIRED]}
    case.refresh_from_db()
    assert case.status == "withdrawn"


def test_a_reason_too_long_is_refused_and_kept(client, world):
    case = set_case(world.case_a, status="investigating")
    sign_in(client, world.officer_a)
    response = transition(client, case, to="lead", reason="长" * 2001)
    form = refused_step(response, case, "lead")
    assert list(form.errors) == ["reason"]
    assert "长" * 2001 in response.text
    case.refresh_from_db()
    assert (case.status, case.version) == ("investigating", 1)


def step_input(page: str, target: str, name: str) -> str:
    """The <input> of field `name` in the step into `target` on the case page."""
    return re.search(rf'<input[^>]*id="step-{target}-{name}"[^>]*>', page).group(0)


def test_the_identification_step_offers_its_date_prefilled_with_today(client, world):
    # The old "enter the identification date first" guard is gone: the step carries the date.
    case = set_case(world.case_a, status="investigating")
    sign_in(client, world.supervisor_a)
    field = step_input(client.get(case_url(case)).text, "identified", "identified_on")
    today = timezone.localdate().isoformat()
    assert 'name="identified_on"' in field
    assert f'value="{today}"' in field and f'max="{today}"' in field
    assert f'min="{case.opened_on.isoformat()}"' in field


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        (lambda: timezone.localdate() + timedelta(days=1), "is in the future."),
        (lambda: date(2022, 1, 9), "is before the case was opened on 2022-01-10."),
    ],
    ids=["in the future", "before the case was opened"],
)
def test_an_identification_date_in_the_future_or_before_the_opening_is_refused_and_kept(
    client, world, typed, error
):
    case = set_case(world.case_a, status="investigating")
    file_evidence(case, "identified", by=world.officer_a)
    sign_in(client, world.supervisor_a)
    typed = typed().isoformat()
    response = transition(client, case, to="identified", identified_on=typed)
    form = refused_step(response, case, "identified")
    assert [e for e in step_errors(form) if f"The identification date {typed} {error}" == e]
    assert f'value="{typed}"' in step_input(response.text, "identified", "identified_on")
    case.refresh_from_db()
    assert (case.status, case.identified_on, case.version) == ("investigating", None, 1)
    assert not case.events.exists()


def test_identification_on_the_date_typed_in_the_step(client, world):
    case = set_case(world.case_a, status="investigating")
    file_evidence(case, "identified", by=world.officer_a)
    sign_in(client, world.supervisor_a)
    response = transition(client, case, to="identified", identified_on="2022-03-01")
    assert response.redirect_chain == [(case_url(case), 302)]
    case.refresh_from_db()
    assert (case.status, case.identified_on) == ("identified", date(2022, 3, 1))
    event = case.events.get()
    assert event.occurred_on == date(2022, 3, 1)
    assert "2022-03-01" in event.details.split("\n")[0]


def test_identification_without_its_evidence_names_every_missing_document(client, world):
    case = set_case(world.case_a, status="investigating")
    add_document(case=case, doc_type="site_inspection")
    sign_in(client, world.supervisor_a)
    response = transition(client, case, to="identified", identified_on="2022-03-01")
    assert set(step_errors(refused_step(response, case, "identified"))) == {
        "Missing evidence: land grant contract / supplementary agreement or allocation decision.",
        "Missing evidence: idle land investigation notice.",
        "Missing evidence: proof of service.",
    }
    case.refresh_from_db()
    assert case.status == "investigating"
    assert not case.events.exists()


def test_identification_with_its_evidence_needs_no_override(client, world):
    case = set_case(world.case_a, status="investigating")
    file_evidence(case, "identified", by=world.officer_a)
    sign_in(client, world.supervisor_a)
    transition(client, case, to="identified", identified_on="2022-03-01", override_reason="不需要")
    case.refresh_from_db()
    assert case.status == "identified"
    assert case.events.get().override_reason == ""
    assert "This case moved on with evidence missing." not in client.get(case_url(case)).text


def test_implementation_without_method_and_decision_names_both(client, world):
    case = set_case(world.case_a, status="planning", identified_on=date(2022, 3, 1))
    sign_in(client, world.officer_a)
    response = transition(client, case, to="implementing")
    assert {
        "Choose the disposal method before implementation starts.",
        "Enter the decision date before implementation starts.",
    } <= set(step_errors(refused_step(response, case, "implementing")))
    case.refresh_from_db()
    assert case.status == "planning"


def implementing(world) -> DisposalCase:
    case = set_case(
        world.case_a,
        status="implementing",
        case_area_m2=Decimal("8000.00"),
        identified_on=date(2022, 3, 1),
        disposal_method="negotiated_recovery",
        decision_on=date(2022, 4, 1),
    )
    file_evidence(case, "disposed", by=world.officer_a)
    return case


def test_the_disposal_step_offers_today_and_the_case_area_prefilled(client, world):
    # The old "enter the disposal date first" guard is gone: the step carries date and area.
    case = implementing(world)
    sign_in(client, world.supervisor_a)
    page = client.get(case_url(case)).text
    today = timezone.localdate().isoformat()
    assert f'value="{today}"' in step_input(page, "disposed", "disposed_on")
    assert f'max="{today}"' in step_input(page, "disposed", "disposed_on")
    area = step_input(page, "disposed", "disposed_area_m2")
    assert 'value="8000.00"' in area and 'max="8000.00"' in area


@pytest.mark.parametrize(
    ("typed", "field", "error"),
    [
        ({"disposed_on": "2999-01-01"}, None, "The disposal date 2999-01-01 is in the future."),
        (
            {"disposed_on": "2022-02-28"},
            None,
            "The disposal date 2022-02-28 is before the case was identified on 2022-03-01.",
        ),
        ({"disposed_area_m2": "8000.01"}, "disposed_area_m2", None),
        ({"disposed_area_m2": "0"}, "disposed_area_m2", None),
        ({"disposed_on": ""}, "disposed_on", "This field is required."),
    ],
    ids=["in the future", "before identification", "above the case area", "zero", "no date"],
)
def test_a_disposal_the_rules_refuse_is_shown_again_as_typed(client, world, typed, field, error):
    case = implementing(world)
    sign_in(client, world.supervisor_a)
    data = {"disposed_on": "2022-09-01", "disposed_area_m2": "6000.00", **typed}
    response = transition(client, case, to="disposed", **data)
    form = refused_step(response, case, "disposed")
    if field:
        assert list(form.errors) == [field]
    if error:
        assert error in step_errors(form)
    for name, value in data.items():
        if value:
            assert f'value="{value}"' in step_input(response.text, "disposed", name)
    case.refresh_from_db()
    assert (case.status, case.disposed_on, case.disposed_area_m2, case.version) == (
        "implementing",
        None,
        None,
        1,
    )


def test_a_supervisor_disposes_of_a_case_with_the_date_and_area_of_the_step(client, world):
    case = implementing(world)
    sign_in(client, world.supervisor_a)
    transition(client, case, to="disposed", disposed_on="2022-09-01", disposed_area_m2="8000.00")
    case.refresh_from_db()
    assert (case.status, case.disposed_on, case.disposed_area_m2) == (
        "disposed",
        date(2022, 9, 1),
        case.case_area_m2,
    )
    event = case.events.get()
    assert event.occurred_on == date(2022, 9, 1)
    assert "2022-09-01" in event.details and "8,000.00" in event.details


def test_a_supervisor_disposes_of_part_of_the_case_area(client, world):
    case = implementing(world)
    sign_in(client, world.supervisor_a)
    transition(client, case, to="disposed", disposed_on="2022-09-01", disposed_area_m2="6500.50")
    case.refresh_from_db()
    assert (case.status, case.disposed_area_m2) == ("disposed", Decimal("6500.50"))


@pytest.mark.parametrize(
    "data",
    [
        {"to": "bogus"},
        {"to": ""},
        {},
        {"to": "disposed"},
        {"to": "<script>alert(1)</script>"},
        {"to": ["investigating", "identified"]},
    ],
)
def test_a_malformed_transition_is_refused_with_a_message(client, world, data):
    case = world.case_a
    sign_in(client, world.officer_a)
    response = transition(client, case, **data)
    assert response.status_code == 200
    assert messages_of(response)
    assert "<script>alert(1)</script>" not in response.text
    case.refresh_from_db()
    assert (case.status, case.version) == ("lead", 1)


def test_the_page_offers_only_the_steps_this_user_may_take_now(client, world):
    case = set_case(world.case_a, status="investigating")
    sign_in(client, world.officer_a)
    page = client.get(case_url(case)).text
    assert set(re.findall(r'data-target="(\w+)"', page)) == {"lead"}
    assert "needs a supervisor" in page  # the forward step is not on offer, and the page says why
    sign_in(client, world.supervisor_a)
    page = client.get(case_url(case)).text
    assert set(re.findall(r'data-target="(\w+)"', page)) == {"lead", "identified", "withdrawn"}
    assert 'name="override_reason"' in page  # evidence is missing, so the supervisor may override
    assert page.count('name="identified_on"') == 1  # only the step into "identified" takes its date
    assert 'name="disposed_on"' not in page


def test_a_closed_case_offers_reopening_to_the_park_admin_only(client, world):
    case = set_case(world.case_a, status="withdrawn", status_before_close="investigating")
    sign_in(client, world.supervisor_a)
    assert 'data-target="' not in client.get(case_url(case)).text
    sign_in(client, world.admin_a)
    assert set(re.findall(r'data-target="(\w+)"', client.get(case_url(case)).text)) == {"investigating"}


def test_every_successful_step_of_a_full_run_leaves_one_event_and_one_history_record(client, world):
    case = world.case_a
    steps = [
        ("officer_a", "investigating", {}),
        ("supervisor_a", "identified", {"identified_on": "2022-03-01", "override_reason": "档案移交中"}),
        ("officer_a", "planning", {}),
        ("officer_a", "implementing", {}),
        ("supervisor_a", "disposed", {"disposed_on": "2022-09-01", "disposed_area_m2": "10000.00"}),
    ]
    for who, target, extra in steps:
        if target == "implementing":
            set_case(case, disposal_method="negotiated_recovery", decision_on=date(2022, 4, 1))
            file_evidence(case, "implementing", by=world.officer_a)
        if target == "disposed":
            file_evidence(case, "disposed", by=world.officer_a)
        sign_in(client, getattr(world, who))
        before = (case.events.count(), case.history.count())
        response = transition(client, case, to=target, **extra)
        case.refresh_from_db()
        assert case.status == target, messages_of(response)
        assert (case.events.count(), case.history.count()) == (before[0] + 1, before[1] + 1)
    assert list(case.events.order_by("pk").values_list("to_status", flat=True)) == [t for _w, t, _e in steps]
    assert CaseEvent.objects.filter(case=case).exclude(override_reason="").count() == 1
    assert (case.identified_on, case.disposed_on, case.disposed_area_m2) == (
        date(2022, 3, 1),
        date(2022, 9, 1),
        Decimal("10000.00"),
    )
