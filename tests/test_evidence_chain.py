"""The case file as a chain (issue 4): versions, withdrawal, the checklist, gated steps, court checks.

A document is superseded or withdrawn with a reason and never deleted; a gated step waits for the
evidence EvidenceRequirement names, unless a supervisor writes why it may not.
"""

from datetime import date

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import get_resolver, reverse
from django.utils.html import escape

from cases.models import CaseEvent, CustodyEvent, DisposalCase, EvidenceDocument, EvidenceRequirement
from tests import factories
from tests.worlds.evidence import (
    EvidenceWorld,
    build_world,
    evidence_root,
    form_errors,
    pdf_bytes,
    png_bytes,
    stored_files,
    upload,
)
from tests.worlds.staff import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def w() -> EvidenceWorld:
    return build_world()


def add(case, doc_type: str, **fields) -> EvidenceDocument:
    return factories.make_document(case=case, doc_type=doc_type, content=pdf_bytes(), **fields)


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def move(client, case: DisposalCase, to: str, **data):
    return client.post(reverse("case-transition", args=[case.number]), {"to": to, **data})


def step_errors(response) -> list[str]:
    """What a refused step says inside its own form, on the case page shown again (422)."""
    assert response.status_code == 422
    [form] = [item["form"] for item in response.context["transitions"] if item["form"].is_bound]
    errors = [str(error) for error in form.non_field_errors()]
    for error in errors:
        assert escape(error) in response.text
    return errors


IDENTIFIED_ON = "2022-03-01"  # typed in the step into "identified"


def reload(case: DisposalCase) -> DisposalCase:
    return DisposalCase.objects.get(pk=case.pk)


def case_page(client, case: DisposalCase):
    response = client.get(reverse("case-detail", args=[case.number]))
    assert response.status_code == 200
    return response


IDENTIFIED_EVIDENCE = ["grant_contract", "investigation_notice", "service_receipt", "site_inspection"]


# 5. Versions -----------------------------------------------------------------------------------


def test_a_new_version_supersedes_the_old_and_both_are_kept(client, w):
    sign_in(client, w.officer)
    upload(client, w.case, [("v1.pdf", pdf_bytes())], doc_type="grant_contract", title="出让合同")
    old = EvidenceDocument.objects.get()
    form = client.get(reverse("evidence-upload", args=[w.case.number]) + f"?supersedes={old.pk}")
    assert form.context["form"].initial["doc_type"] == "grant_contract"

    response = upload(
        client,
        w.case,
        [("v2.pdf", pdf_bytes())],
        doc_type="grant_contract",
        title="出让合同（补充）",
        supersedes=old,
    )
    assert response.status_code == 302, form_errors(response)
    new = EvidenceDocument.objects.exclude(pk=old.pk).get()
    old.refresh_from_db()
    assert new.supersedes == old
    assert list(EvidenceDocument.objects.current()) == [new]
    assert not old.is_current and new.is_current
    assert len(stored_files()) == 2 and (evidence_root() / old.file.name).exists()
    superseded = CustodyEvent.objects.get(document=old, action="superseded")
    assert superseded.actor == w.officer

    page = client.get(reverse("evidence-detail", args=[old.pk]))
    assert [v.pk for v in page.context["versions"]] == [new.pk, old.pk]
    assert "superseded" in page.text


def test_a_new_version_is_one_file(client, w):
    old = add(w.case, "grant_contract")
    response = upload(
        sign_in(client, w.officer), w.case, [("a.pdf", pdf_bytes()), ("b.pdf", pdf_bytes())], supersedes=old
    )
    assert response.status_code == 422
    assert "A new version is one file." in form_errors(response)
    assert EvidenceDocument.objects.count() == 1


@pytest.mark.parametrize("state", ["withdrawn", "superseded", "other-case"])
def test_only_a_current_document_of_the_case_gets_a_new_version(client, w, state):
    old = add(w.other_case if state == "other-case" else w.case, "grant_contract")
    if state == "withdrawn":
        old.withdraw(by=w.officer, reason="错传")
    elif state == "superseded":
        add(w.case, "grant_contract", supersedes=old)
    before = EvidenceDocument.objects.count()
    response = upload(sign_in(client, w.officer), w.case, [("v.pdf", pdf_bytes())], supersedes=old)
    assert response.status_code == 404
    assert EvidenceDocument.objects.count() == before


def test_the_same_bytes_as_the_version_they_replace_are_refused(client, w):
    content = pdf_bytes()
    sign_in(client, w.officer)
    upload(client, w.case, [("v1.pdf", content)], title="出让合同")
    old = EvidenceDocument.objects.get()
    response = upload(client, w.case, [("v2.pdf", content)], supersedes=old)
    assert response.status_code == 422
    assert any("already in this case file as “出让合同”" in e for e in form_errors(response))


# 5. Withdrawal ---------------------------------------------------------------------------------


def withdraw(client, document: EvidenceDocument, reason: str, **extra):
    return client.post(reverse("evidence-withdraw", args=[document.pk]), {"reason": reason}, **extra)


@pytest.mark.parametrize("reason", ["", "   \n "])
def test_withdrawing_needs_a_reason(client, w, reason):
    document = add(w.case, "site_inspection")
    response = withdraw(sign_in(client, w.officer), document, reason)
    assert response.status_code == 302
    assert "Give the reason for withdrawing the document." in messages_of(response)
    document.refresh_from_db()
    assert document.withdrawn_at is None
    assert not CustodyEvent.objects.filter(action="withdrawn").exists()
    with pytest.raises(ValidationError):
        document.withdraw(by=w.officer, reason=reason)


def test_a_withdrawal_records_who_when_and_why_and_the_file_stays(client, w):
    document = add(w.case, "site_inspection")
    files = stored_files()
    response = withdraw(sign_in(client, w.officer), document, "拍摄的是相邻宗地", REMOTE_ADDR="203.0.113.5")
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.withdrawn_at is not None
    assert document.withdrawn_by == w.officer
    assert document.withdrawal_reason == "拍摄的是相邻宗地"
    event = CustodyEvent.objects.get(document=document, action="withdrawn")
    assert (event.actor, event.ip_address, event.note) == (w.officer, "203.0.113.5", "拍摄的是相邻宗地")
    assert stored_files() == files
    assert not EvidenceDocument.objects.current().exists()
    page = client.get(reverse("evidence-detail", args=[document.pk]))
    assert "拍摄的是相邻宗地" in page.text
    assert client.get(reverse("evidence-download", args=[document.pk])).status_code == 200


def test_a_document_is_withdrawn_once(client, w):
    document = add(w.case, "site_inspection")
    sign_in(client, w.officer)
    withdraw(client, document, "第一次")
    response = withdraw(client, document, "第二次")
    assert "This document was already withdrawn." in messages_of(response)
    document.refresh_from_db()
    assert document.withdrawal_reason == "第一次"


def test_a_viewer_cannot_withdraw_and_a_get_does_nothing(client, w):
    document = add(w.case, "site_inspection")
    assert withdraw(sign_in(client, w.viewer), document, "不要了").status_code == 403
    sign_in(client, w.officer)
    assert client.get(reverse("evidence-withdraw", args=[document.pk])).status_code == 405
    document.refresh_from_db()
    assert document.withdrawn_at is None


def test_no_page_deletes_a_document(client, w):
    document = add(w.case, "site_inspection")
    files = stored_files()
    assert not [p for p in get_resolver().reverse_dict if isinstance(p, str) and "delete" in p]
    sign_in(client, w.supervisor)
    for name in ("evidence-detail", "evidence-download"):
        client.delete(reverse(name, args=[document.pk]))
        client.post(reverse(name, args=[document.pk]), {"delete": "1"})
    assert EvidenceDocument.objects.filter(pk=document.pk).exists()
    assert stored_files() == files


def test_the_admin_cannot_delete_a_document(client, w):
    document = add(w.case, "site_inspection")
    files = stored_files()
    client.force_login(factories.make_user(is_staff=True, is_superuser=True))
    delete = reverse("admin:cases_evidencedocument_delete", args=[document.pk])
    assert client.get(delete).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    changelist = reverse("admin:cases_evidencedocument_changelist")
    page = client.get(changelist)
    assert page.status_code == 200
    assert "delete_selected" not in page.text
    client.post(changelist, {"action": "delete_selected", "_selected_action": [document.pk], "post": "yes"})
    assert EvidenceDocument.objects.filter(pk=document.pk).exists()
    assert stored_files() == files


# 7. Checklist and gating -----------------------------------------------------------------------


def checklist(response) -> dict[str, bool]:
    return {str(requirement): met for requirement, met in response.context["checklist"]}


def test_the_case_page_shows_the_checklist_of_the_next_gated_step(client, w):
    add(w.case, "site_inspection")
    response = case_page(sign_in(client, w.officer), w.case)
    assert response.context["next_step"].target == "identified"
    assert checklist(response) == {
        "land grant contract / supplementary agreement or allocation decision": False,
        "idle land investigation notice": False,
        "proof of service": False,
        "site inspection record / photos": True,
    }
    assert response.text.count('data-met="false"') == 3
    assert response.text.count('data-met="true"') == 1


def test_a_step_that_is_not_gated_shows_no_checklist(client, w):
    lead = factories.make_case(park=w.park, status="lead")
    assert case_page(sign_in(client, w.officer), lead).context["checklist"] == []


def test_uploading_the_missing_documents_turns_them_present_and_opens_the_step(client, w):
    sign_in(client, w.supervisor)
    response = move(client, w.case, "identified", identified_on=IDENTIFIED_ON)
    assert reload(w.case).status == "investigating"
    assert sum("Missing evidence" in m for m in step_errors(response)) == 4

    sign_in(client, w.officer)
    for doc_type in IDENTIFIED_EVIDENCE:
        assert (
            upload(client, w.case, [(f"{doc_type}.pdf", pdf_bytes())], doc_type=doc_type).status_code == 302
        )
    assert set(checklist(case_page(client, w.case)).values()) == {True}
    assert 'data-met="false"' not in case_page(client, w.case).text

    sign_in(client, w.supervisor)
    assert move(client, w.case, "identified", identified_on=IDENTIFIED_ON).status_code == 302
    case = reload(w.case)
    assert (case.status, case.identified_on) == ("identified", date(2022, 3, 1))
    event = case.events.get(kind=CaseEvent.Kind.STATUS_CHANGE)
    assert (event.from_status, event.to_status, event.override_reason) == ("investigating", "identified", "")


def test_the_step_is_refused_while_one_document_is_missing(client, w):
    for doc_type in IDENTIFIED_EVIDENCE[:-1]:
        add(w.case, doc_type)
    response = move(sign_in(client, w.supervisor), w.case, "identified", identified_on=IDENTIFIED_ON)
    assert (reload(w.case).status, reload(w.case).identified_on) == ("investigating", None)
    assert messages_of(response) == [
        f"Case {w.case.number} did not move to “identified”: see the step below."
    ]
    assert step_errors(response) == ["Missing evidence: site inspection record / photos."]
    assert not w.case.events.exists()


def test_withdrawn_and_superseded_documents_do_not_count(client, w):
    for doc_type in IDENTIFIED_EVIDENCE[:-1]:
        add(w.case, doc_type)
    withdrawn = add(w.case, "site_inspection")
    withdrawn.withdraw(by=w.officer, reason="不是本宗地")
    replaced = add(w.case, "site_inspection")
    add(w.case, "other", supersedes=replaced)  # re-filed as "other": the inspection is gone
    assert EvidenceRequirement.objects.missing_for(w.case, "identified")
    assert (
        checklist(case_page(sign_in(client, w.supervisor), w.case))["site inspection record / photos"]
        is False
    )
    response = move(client, w.case, "identified", identified_on=IDENTIFIED_ON)
    assert reload(w.case).status == "investigating"
    assert step_errors(response) == ["Missing evidence: site inspection record / photos."]


def test_a_current_new_version_still_counts(w):
    for doc_type in IDENTIFIED_EVIDENCE:
        add(w.case, doc_type)
    old = w.case.documents.get(doc_type="site_inspection")
    add(w.case, "site_inspection", supersedes=old)
    assert EvidenceRequirement.objects.missing_for(w.case, "identified") == []


def test_a_supervisor_override_with_a_reason_passes_and_stays_visible(client, w):
    reason = "现场勘查笔录原件在区局档案室，已函请调取"
    sign_in(client, w.supervisor)
    page = case_page(client, w.case)
    assert 'name="override_reason"' in page.text
    move(client, w.case, "identified", override_reason=reason, identified_on=IDENTIFIED_ON)
    case = reload(w.case)
    assert (case.status, case.identified_on) == ("identified", date(2022, 3, 1))
    event = case.events.get(kind=CaseEvent.Kind.STATUS_CHANGE)
    assert event.override_reason == reason
    assert event.actor == w.supervisor

    page = case_page(sign_in(client, w.viewer), case)
    assert [e.pk for e in page.context["overrides"]] == [event.pk]
    assert "This case moved on with evidence missing." in page.text
    assert reason in page.text
    dashboard = client.get(reverse("dashboard"))
    assert [e.pk for e in dashboard.context["overrides"]] == [event.pk]
    assert reason in dashboard.text and case.number in dashboard.text


def test_an_officer_cannot_override_missing_evidence(client, w):
    case = factories.make_case(
        park=w.park,
        status="planning",
        identified_on=date(2022, 3, 1),
        disposal_method="negotiated_recovery",
        decision_on=date(2022, 5, 1),
    )
    sign_in(client, w.officer)
    assert 'name="override_reason"' not in case_page(client, case).text
    response = move(client, case, "implementing", override_reason="领导同意")
    assert reload(case).status == "planning"
    assert "Only a supervisor may let a case move on with evidence missing." in step_errors(response)
    # Shown again to an officer, the step still offers no override.
    assert 'name="override_reason"' not in response.text


def test_free_take_back_waits_for_the_hearing_notice_and_government_approval(client, w):
    case = factories.make_case(
        park=w.park,
        status="planning",
        identified_on=date(2022, 3, 1),
        disposal_method="free_recovery",
        decision_on=date(2022, 6, 1),
    )
    for doc_type in ("identification", "decision", "hearing_notice"):
        add(case, doc_type)
    sign_in(client, w.officer)
    assert checklist(case_page(client, case)) == {
        "identification of idle or low-efficiency land": True,
        "disposal decision": True,
        "hearing notice": True,
        "government approval": False,
    }
    response = move(client, case, "implementing")
    assert step_errors(response) == ["Missing evidence: government approval."]
    assert reload(case).status == "planning"
    upload(client, case, [("批复.pdf", pdf_bytes())], doc_type="government_approval")
    move(client, case, "implementing")
    assert reload(case).status == "implementing"


def test_disposal_waits_for_a_completion_document(client, w):
    case = factories.make_case(
        park=w.park,
        status="implementing",
        identified_on=date(2022, 3, 1),
        disposal_method="idle_fee",
        decision_on=date(2022, 6, 1),
    )
    typed = {"disposed_on": "2022-09-01", "disposed_area_m2": "8000.00"}
    sign_in(client, w.supervisor)
    response = move(client, case, "disposed", **typed)
    [missing] = step_errors(response)
    assert missing.startswith("Missing evidence: payment voucher")
    assert (reload(case).status, reload(case).disposed_on) == ("implementing", None)
    # The refused step is shown again with the date and area as typed.
    assert 'value="2022-09-01"' in response.text and 'value="8000.00"' in response.text
    upload(client, case, [("缴款凭证.png", png_bytes())], doc_type="payment_voucher")
    move(client, case, "disposed", **typed)
    case = reload(case)
    assert (case.status, case.disposed_on, case.disposed_area_m2) == ("disposed", date(2022, 9, 1), 8000)


# 8. Evidence-chain warnings --------------------------------------------------------------------

NO_DELIVERY = (
    "No proof that the land was delivered (land delivery confirmation): "
    "the holder may argue a government cause."
)
NO_SERVICE = "A notice or decision is on file without a proof of service."
NO_HEARING = "No hearing notice before the fee or take-back decision."
NO_APPROVAL = "A take-back free of charge without the approving government's approval on file."
NO_INSPECTION = "No site inspection record or photos on file."


def warnings(client, case: DisposalCase) -> list[str]:
    response = case_page(client, case)
    found = [str(warning) for warning in response.context["warnings"]]
    for warning in found:
        assert warning.replace("'", "&#x27;") in response.text
    return found


def test_an_idle_case_without_a_delivery_record_is_warned(client, w):
    sign_in(client, w.viewer)
    assert NO_DELIVERY in warnings(client, w.case)
    add(w.case, "delivery_record")
    assert NO_DELIVERY not in warnings(client, w.case)
    low_efficiency = factories.make_case(park=w.park, category="inefficient", status="investigating")
    assert NO_DELIVERY not in warnings(client, low_efficiency)


@pytest.mark.parametrize("served", ["investigation_notice", "identification", "hearing_notice", "decision"])
def test_a_notice_without_proof_of_service_is_warned(client, w, served):
    sign_in(client, w.viewer)
    assert NO_SERVICE not in warnings(client, w.case)
    add(w.case, served)
    assert NO_SERVICE in warnings(client, w.case)
    receipt = add(w.case, "service_receipt")
    assert NO_SERVICE not in warnings(client, w.case)
    receipt.withdraw(by=w.officer, reason="回证签收人不是权利人")
    assert NO_SERVICE in warnings(client, w.case)


@pytest.mark.parametrize("method", ["idle_fee", "free_recovery"])
def test_a_fee_or_take_back_decision_needs_a_hearing_notice_before_it(client, w, method):
    case = factories.make_case(
        park=w.park, status="planning", identified_on=date(2022, 3, 1), disposal_method=method
    )
    sign_in(client, w.viewer)
    add(case, "decision", document_date=date(2022, 6, 1))
    assert NO_HEARING in warnings(client, case)
    late = add(case, "hearing_notice", document_date=date(2022, 6, 20))
    assert NO_HEARING in warnings(client, case), "a hearing notice dated after the decision"
    late.withdraw(by=w.officer, reason="日期错误")
    add(case, "hearing_notice", document_date=date(2022, 5, 10))
    assert NO_HEARING not in warnings(client, case)


def test_a_negotiated_decision_needs_no_hearing_notice(client, w):
    case = factories.make_case(
        park=w.park, status="planning", identified_on=date(2022, 3, 1), disposal_method="negotiated_recovery"
    )
    add(case, "decision", document_date=date(2022, 6, 1))
    assert NO_HEARING not in warnings(sign_in(client, w.viewer), case)


def test_a_free_take_back_without_government_approval_is_warned(client, w):
    case = factories.make_case(
        park=w.park, status="planning", identified_on=date(2022, 3, 1), disposal_method="free_recovery"
    )
    sign_in(client, w.viewer)
    assert NO_APPROVAL in warnings(client, case)
    add(case, "government_approval")
    assert NO_APPROVAL not in warnings(client, case)
    fee = factories.make_case(
        park=w.park, status="planning", identified_on=date(2022, 3, 1), disposal_method="idle_fee"
    )
    assert NO_APPROVAL not in warnings(client, fee)


def test_a_case_past_the_lead_without_a_site_inspection_is_warned(client, w):
    sign_in(client, w.viewer)
    assert NO_INSPECTION in warnings(client, w.case)
    add(w.case, "site_inspection")
    assert NO_INSPECTION not in warnings(client, w.case)
    lead = factories.make_case(park=w.park, status="lead")
    assert NO_INSPECTION not in warnings(client, lead)


def test_a_complete_file_shows_no_warning(client, w):
    case = factories.make_case(
        park=w.park, status="planning", identified_on=date(2022, 3, 1), disposal_method="free_recovery"
    )
    for doc_type, on in [
        ("delivery_record", date(2010, 5, 1)),
        ("investigation_notice", date(2022, 1, 20)),
        ("service_receipt", date(2022, 1, 22)),
        ("site_inspection", date(2022, 1, 25)),
        ("hearing_notice", date(2022, 5, 1)),
        ("government_approval", date(2022, 5, 20)),
        ("decision", date(2022, 6, 1)),
    ]:
        add(case, doc_type, document_date=on)
    response = case_page(sign_in(client, w.viewer), case)
    assert response.context["warnings"] == []
    assert "evidence-warnings" not in response.text
