"""Steps that explain themselves: a step the user cannot take now is shown disabled with the reason,
who may withdraw a case is said, and a parcel with an open case leads to that case."""

import re
from datetime import date

import pytest
from django.urls import reverse

from cases.models import DisposalCase, EvidenceRequirement, Membership
from tests import factories
from tests.worlds.staff import add_document, build_world, case_url, new_case_data, sign_in

pytestmark = pytest.mark.django_db

R = Membership.Role
WHO_MAY_WITHDRAW = "A supervisor or a park administrator may withdraw an open case"


@pytest.fixture
def world():
    return build_world()


def set_case(case: DisposalCase, **fields) -> DisposalCase:
    DisposalCase.objects.filter(pk=case.pk).update(**fields)
    case.refresh_from_db()
    return case


def options(case, user) -> dict:
    return {o.transition.target: o for o in case.step_options(user)}


def blocked_targets(page: str) -> set[str]:
    return set(re.findall(r'data-blocked-target="(\w+)"', page))


def offered_targets(page: str) -> set[str]:
    return set(re.findall(r'data-target="(\w+)"', page))


def test_an_officer_sees_the_supervisors_steps_disabled_with_the_reason(client, world):
    case = set_case(world.case_a, status="investigating")
    sign_in(client, world.officer_a)
    page = client.get(case_url(case)).text
    assert offered_targets(page) == {"lead"}
    assert blocked_targets(page) == {"identified", "withdrawn"}
    assert "Moving this case to “identified” needs a supervisor." in page
    assert "Only a supervisor or a park administrator may withdraw a case." in page
    assert re.search(r'<button class="btn btn-sm [^"]*" type="button" disabled', page)
    assert WHO_MAY_WITHDRAW in page


def test_a_supervisor_may_take_them_and_override_missing_evidence(client, world):
    case = set_case(world.case_a, status="investigating")
    found = options(case, world.supervisor_a)
    assert found["identified"].allowed and found["identified"].override
    assert found["withdrawn"].allowed and not found["withdrawn"].override
    sign_in(client, world.supervisor_a)
    page = client.get(case_url(case)).text
    assert offered_targets(page) == {"lead", "identified", "withdrawn"} and blocked_targets(page) == set()


def test_missing_evidence_blocks_an_officers_step_and_names_each_document(world):
    case = set_case(
        world.case_a,
        status="planning",
        identified_on=date(2022, 2, 1),
        disposal_method="idle_fee",
        decision_on=date(2022, 3, 1),
    )
    missing = EvidenceRequirement.objects.missing_for(case, "implementing")
    assert missing
    step = options(case, world.officer_a)["implementing"]
    assert not step.allowed and not step.override
    assert [str(reason) for reason in step.blocked_by] == [f"Missing evidence: {r}." for r in missing]
    for requirement in missing:
        add_document(case=case, doc_type=requirement.doc_types[0], uploaded_by=world.officer_a)
    assert options(case, world.officer_a)["implementing"].allowed


def test_a_step_that_needs_dates_first_says_which(world):
    case = set_case(world.case_a, status="planning", identified_on=date(2022, 2, 1))
    step = options(case, world.supervisor_a)["implementing"]
    assert [str(reason) for reason in step.blocked_by] == [
        "Choose the disposal method before implementation starts.",
        "Enter the decision date before implementation starts.",
    ]


def test_a_withdrawn_case_cannot_reopen_while_its_parcel_has_another_open_case(client, world):
    closed = set_case(world.case_a, status="withdrawn", status_before_close="lead")
    other = factories.make_case(parcel=world.parcel_a, opened_on=date(2022, 5, 1))
    step = options(closed, world.admin_a)["lead"]
    assert not step.allowed and step.open_case == other
    sign_in(client, world.admin_a)
    page = client.get(case_url(closed)).text
    assert blocked_targets(page) == {"lead"} and f'href="{other.get_absolute_url()}"' in page
    assert f"Parcel A-01 has an open case, {other.number}" in page
    # Posted anyway: refused with the reason, nothing changes (the database would refuse it too).
    response = client.post(case_url(closed, "case-transition"), {"to": "lead", "reason": "误撤销"})
    assert response.status_code in (200, 302, 422)
    closed.refresh_from_db()
    assert (closed.status, closed.version) == ("withdrawn", 1)


def test_reopening_is_refused_by_the_workflow_itself_while_another_case_is_open(world):
    from cases.exceptions import GuardFailed

    closed = set_case(world.case_a, status="withdrawn", status_before_close="lead")
    factories.make_case(parcel=world.parcel_a, opened_on=date(2022, 5, 1))
    with pytest.raises(GuardFailed) as refused:
        closed.transition_to("lead", by=world.admin_a, reason="误撤销")
    assert "has an open case" in " ".join(map(str, refused.value.messages))
    closed.refresh_from_db()
    assert closed.status == "withdrawn"


def test_a_viewer_is_told_they_can_only_read(client, world):
    sign_in(client, world.viewer_a)
    page = client.get(case_url(world.case_a)).text
    assert blocked_targets(page) == set() and offered_targets(page) == set()
    assert "changing it needs the role of case officer" in page


def test_the_parcel_page_leads_to_its_open_case_instead_of_offering_a_new_one(client, world):
    sign_in(client, world.officer_a)
    page = client.get(reverse("parcel-detail", args=[world.parcel_a.pk])).text
    assert f"Go to the open case {world.case_a.number}" in page
    assert f"{reverse('case-create')}?parcel={world.parcel_a.pk}" not in page
    set_case(world.case_a, status="withdrawn", status_before_close="lead")
    page = client.get(reverse("parcel-detail", args=[world.parcel_a.pk])).text
    assert (
        f"{reverse('case-create')}?parcel={world.parcel_a.pk}" in page and "Go to the open case" not in page
    )


def test_a_new_case_on_a_parcel_with_an_open_case_names_it_with_a_link(client, world):
    sign_in(client, world.officer_a)
    before = DisposalCase.objects.count()
    response = client.post(reverse("case-create"), new_case_data(world.parcel_a, world.officer_a))
    assert response.status_code == 422
    link = f'<a href="{world.case_a.get_absolute_url()}">{world.case_a.number}</a>'
    assert "Parcel A-01 already has an open case:" in response.text and link in response.text
    assert DisposalCase.objects.count() == before


@pytest.mark.parametrize("status", ["lead", "investigating", "planning", "implementing", "withdrawn"])
def test_the_steps_and_their_reasons_cost_a_few_queries_whatever_the_status(
    world, status, django_assert_max_num_queries
):
    identified = date(2022, 2, 1) if status in ("planning", "implementing") else None
    before_close = "lead" if status == "withdrawn" else ""
    decided = (
        {"disposal_method": "idle_fee", "decision_on": date(2022, 3, 1)} if status == "implementing" else {}
    )
    case = set_case(
        world.case_a, status=status, status_before_close=before_close, identified_on=identified, **decided
    )
    case = DisposalCase.objects.select_related("parcel__park").get(pk=case.pk)
    with django_assert_max_num_queries(4):
        found = case.step_options(world.officer_a)
    assert found and all(option.transition.source == status for option in found)
