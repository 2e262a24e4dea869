"""Text the system writes (step titles, step figures, measure steps, history reasons) is shown in the
reader's language, whatever the language of the person who acted."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import translation

from cases.history import history_of
from cases.models import CaseEvent, DisposalCase
from cases.models.wording import SystemText, in_words, reason_in_words, reason_with_code
from tests import factories
from tests.worlds.staff import build_world, case_url, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def history_reasons(client, case) -> str:
    return client.get(case_url(case)).text


def test_an_english_speaking_officers_step_reads_in_chinese_to_a_chinese_reader(client, world):
    case = world.case_a
    with translation.override("en"):
        case.transition_to("investigating", by=world.officer_a, reason="")
        case.transition_to("lead", by=world.officer_a, reason="wrong parcel")
    with translation.override("en"):
        reasons = [entry.reason for entry in history_of(case)]
    with translation.override("zh-hans"):
        chinese = [entry.reason for entry in history_of(case)]
    assert reasons[:2] == ["investigating → lead wrong parcel", "lead → investigating"]
    assert chinese[:2] == ["调查取证 → 线索 wrong parcel", "线索 → 调查取证"]
    sign_in(client, world.supervisor_a, language="zh-hans")
    page = client.get(case_url(case)).text
    assert "调查取证 → 线索 wrong parcel" in page and "investigating → lead" not in page


def test_a_chinese_speaking_supervisors_identification_reads_in_english_to_an_english_reader(client, world):
    case = world.case_a
    DisposalCase.objects.filter(pk=case.pk).update(status="investigating")
    case.refresh_from_db()
    with translation.override("zh-hans"):
        event = case.transition_to(
            "identified", by=world.supervisor_a, override_reason="补正中", identified_on=date(2022, 3, 1)
        )
    assert event.title_code == SystemText.STATUS_CHANGE
    assert event.details.startswith("2022-03-01 认定。")  # stored in the working language
    with translation.override("en"):
        assert event.display_details == "Identified on 2022-03-01."
        assert event.display_title == "investigating → identified"
    sign_in(client, world.officer_a, language="en")
    page = client.get(case_url(case)).text
    assert "Identified on 2022-03-01." in page and "认定。" not in page


def test_a_measure_step_by_an_english_speaker_reads_in_chinese_and_the_other_way_round(world):
    measure = factories.make_measure(
        case=world.case_a, method="loan", partner=world.partner_a, amount_wan=Decimal("500"), term_months=36
    )
    with translation.override("en"):
        english_step = measure.advance("negotiating", by=world.officer_a, on=date(2022, 2, 1))
    with translation.override("zh-hans"):
        chinese_step = measure.advance("agreed", by=world.officer_a, on=date(2022, 2, 2))
    english_step.refresh_from_db()
    chinese_step.refresh_from_db()
    with translation.override("zh-hans"):
        assert english_step.display_title == "融资贷款 珠海农商银行：拟实施 → 洽谈中"
        assert (
            english_step.title == "financing loan 珠海农商银行: proposed → negotiating"
        )  # as it was written
    with translation.override("en"):
        assert chinese_step.display_title == "financing loan 珠海农商银行: negotiating → agreed"


def test_a_title_a_person_typed_is_shown_as_typed(world):
    event = factories.make_event(case=world.case_a, title="Site visit with the land user")
    with translation.override("zh-hans"):
        assert event.display_title == "Site visit with the land user"
        assert event.display_details == ""


def test_the_database_refuses_an_unknown_title_code(world):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        CaseEvent.objects.filter(pk=factories.make_event(case=world.case_a).pk).update(title_code="made_up")


@pytest.mark.parametrize(
    "stored",
    [
        "",
        "a reason a person wrote",
        "⟦made_up {}⟧ words",
        "⟦status_change {not json}⟧ x",
        "⟦status_change {}⟧",
    ],
)
def test_a_reason_without_a_known_code_is_shown_as_stored(stored):
    assert reason_in_words(stored) == stored


def test_a_code_with_a_missing_parameter_falls_back_rather_than_failing():
    assert in_words(SystemText.STATUS_CHANGE, {"from": "lead"}) == ""
    with translation.override("en"):
        assert reason_in_words(reason_with_code("status_change", {"from": "lead", "to": "disposed"})) == (
            "lead → disposed"
        )


@pytest.mark.django_db(transaction=True)
def test_existing_chinese_texts_are_mapped_back_to_their_codes(world):
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    before = [("cases", "0022_system_text_codes_on_events")]
    case = world.case_a
    try:
        executor.migrate(before)
        old = executor.loader.project_state(before).apps
        Event = old.get_model("cases", "CaseEvent")
        Event.objects.create(
            case_id=case.pk,
            kind="status_change",
            occurred_on=date(2022, 3, 1),
            title="调查取证 → 已认定",
            details="2022-03-01 认定。\n材料齐全",
            from_status="investigating",
            to_status="identified",
        )
        Event.objects.create(
            case_id=case.pk,
            kind="measure",
            occurred_on=date(2022, 3, 2),
            title="融资贷款 珠海农商银行: 拟实施 → 洽谈中",
        )
        History = old.get_model("cases", "HistoricalDisposalCase")
        record = History.objects.filter(id=case.pk).first()
        record.history_change_reason = "线索 → 调查取证 补充材料"
        record.save()
        executor = MigrationExecutor(connection)
        executor.migrate(leaves)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(leaves)
    step = CaseEvent.objects.get(case=case, kind="status_change")
    measure_step = CaseEvent.objects.get(case=case, kind="measure")
    assert (step.title_code, step.title_params) == (
        "status_change",
        {"from": "investigating", "to": "identified", "identified_on": "2022-03-01"},
    )
    assert measure_step.title_params == {
        "method": "loan",
        "partner": "珠海农商银行",
        "measure_from": "proposed",
        "measure_to": "negotiating",
    }
    with translation.override("en"):
        assert step.display_details == "Identified on 2022-03-01.\n材料齐全"
        reasons = [entry.reason for entry in history_of(DisposalCase.objects.get(pk=case.pk))]
    assert "lead → investigating 补充材料" in reasons


def test_the_admins_history_page_shows_a_steps_reason_in_the_readers_language(client, world):
    case = world.case_a
    with translation.override("en"):
        case.transition_to("investigating", by=world.officer_a, reason="site visit booked")
    admin = factories.make_user(username="root-history", is_superuser=True, is_staff=True)
    client.force_login(admin)
    client.cookies["django_language"] = "zh-hans"
    page = client.get(f"/admin/cases/disposalcase/{case.pk}/history/", HTTP_ACCEPT_LANGUAGE="zh-hans").text
    assert "线索 → 调查取证 site visit booked" in page
    assert "⟦" not in page
