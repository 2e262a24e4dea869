"""What a demo case has behind it at its status: its file of documents and its timeline of events,
dated from its opening and milestone dates."""

from datetime import date, timedelta

from cases.demo.data import (
    COMPLETION_FILES,
    COMPLETIONS,
    DECISION_TITLES,
    FORWARD,
    HEARD_METHODS,
    IDLE,
    LEDGER_DATE,
    NOTICES,
    NR_BUREAU,
    PARK_OFFICE,
    RESPONSE_DAYS,
    SITE_FINDINGS,
    STATUS_NAMES,
    DemoCase,
    DemoEvent,
    Kind,
    Method,
)
from cases.models import DocType, LandParcel, Status


def _reached(case: DemoCase) -> int:
    """How far forward the case went: its status, or the one it was withdrawn from."""
    return FORWARD.index(case.before_close if case.status == Status.WITHDRAWN else case.status)


def case_file(case: DemoCase, parcel: LandParcel) -> tuple[tuple, ...]:
    """The documents a case at its status has on file, dated from its own milestones."""
    reached = _reached(case)
    authority = NR_BUREAU if case.category == IDLE else PARK_OFFICE

    def got_to(status: str) -> bool:
        return reached >= FORWARD.index(status)

    def day(on: date) -> str:
        return on.isoformat()

    files = [(DocType.SITE_INSPECTION, "现场勘查照片", "现场勘查照片.png", day(case.opened), PARK_OFFICE)]
    if got_to(Status.INVESTIGATING):
        served = day(case.opened + timedelta(days=7))
        notice = "闲置土地调查通知书" if case.category == IDLE else "低效用地核查通知书"
        files += [
            (DocType.INVESTIGATION_NOTICE, notice, f"{notice}.pdf", served, authority),
            (DocType.SERVICE_RECEIPT, f"{notice}送达回证", "送达回证.pdf", served, authority),
        ]
        # The right to the land and its delivery are collected while investigating.
        signed = parcel.contract_signed_on or case.opened
        files.append(
            (DocType.GRANT_CONTRACT, "国有建设用地使用权出让合同", "出让合同.pdf", day(signed), NR_BUREAU)
        )
        if case.category == IDLE:
            delivered = day(signed + timedelta(days=30))
            files.append((DocType.DELIVERY_RECORD, "交地确认书", "交地确认书.pdf", delivered, NR_BUREAU))
    if got_to(Status.IDENTIFIED):
        finding = "闲置土地认定书" if case.category == IDLE else "低效用地认定书"
        files.append((DocType.IDENTIFICATION, finding, f"{finding}.pdf", day(case.identified), authority))
    if got_to(Status.IMPLEMENTING):
        if case.method in HEARD_METHODS:
            notified = day(case.decision - timedelta(days=26))
            files.append((DocType.HEARING_NOTICE, "听证告知书", "听证告知书.pdf", notified, NR_BUREAU))
        if case.method == Method.FREE_RECOVERY:
            approved = day(case.decision - timedelta(days=5))
            files.append(
                (DocType.GOVERNMENT_APPROVAL, "无偿收回批复", "政府批复.pdf", approved, "珠海市人民政府")
            )
        decided = day(case.decision)
        title = DECISION_TITLES[case.method].removeprefix("送达").strip("《》")
        files += [
            (DocType.DECISION, title, "处置决定书.pdf", decided, authority),
            (DocType.SERVICE_RECEIPT, "处置决定书送达回证", "决定书送达回证.pdf", decided, authority),
        ]
    if case.status == Status.DISPOSED:
        completed = day(case.disposed - timedelta(days=3))
        for doc_type, title in COMPLETION_FILES[case.method]:
            files.append((doc_type, title, f"{title}.pdf", completed, authority))
    return tuple(files)


class _Timeline:
    """The events of one case, added in the order they happened."""

    def __init__(self, case: DemoCase) -> None:
        self.case = case
        self.reached = _reached(case)
        self.events: list[DemoEvent] = []

    def got_to(self, status: str) -> bool:
        return self.reached >= FORWARD.index(status)

    def add(
        self,
        kind: str,
        on: date,
        title: str,
        details: str = "",
        due: int | None = None,
        met: date | None = None,
    ) -> None:
        self.events.append(DemoEvent(kind, on, title, details, due, met))

    def step(self, on: date, old: str, new: str, details: str = "") -> None:
        title = f"{STATUS_NAMES[old]} → {STATUS_NAMES[new]}"
        supervisor = new in (Status.IDENTIFIED, Status.DISPOSED, Status.WITHDRAWN)
        self.events.append(
            DemoEvent(Kind.STATUS_CHANGE, on, title, details, None, None, supervisor, old, new)
        )

    def investigation(self) -> None:
        case = self.case
        self.step(case.opened + timedelta(days=3), Status.LEAD, Status.INVESTIGATING)
        replied = self.got_to(Status.IDENTIFIED) or case.status == Status.WITHDRAWN
        reply_on = case.opened + timedelta(days=24)
        notice_on = case.opened + timedelta(days=7)
        self.add(
            Kind.NOTICE_SERVED,
            notice_on,
            *NOTICES[case.category],
            RESPONSE_DAYS,
            reply_on if replied else None,
        )
        if replied:
            self.add(Kind.ENTERPRISE_REPLY, reply_on, "收到权利人说明材料")

    def planning(self) -> None:
        planning_on = self.case.identified + timedelta(days=10)
        self.step(planning_on, Status.IDENTIFIED, Status.PLANNING)
        self.add(
            Kind.MEETING,
            planning_on + timedelta(days=7),
            "处置方案协调会",
            "园区、分局与权利人研究处置方案。",
        )

    def implementation(self) -> None:
        case = self.case
        if case.method in HEARD_METHODS:
            self.add(
                Kind.HEARING_NOTICE_SERVED,
                case.decision - timedelta(days=26),
                "送达《听证告知书》",
                "权利人可于送达之日起5个工作日内申请听证。",
            )
            self.add(Kind.HEARING, case.decision - timedelta(days=12), "举行听证会", "权利人到场陈述申辩。")
        if self.got_to(Status.DISPOSED):
            complied = case.disposed - timedelta(days=3)
        elif case.decision + timedelta(days=RESPONSE_DAYS) < LEDGER_DATE:
            complied = case.decision + timedelta(days=20)
        else:
            complied = None
        self.add(
            Kind.DECISION_ISSUED, case.decision, DECISION_TITLES[case.method], "", RESPONSE_DAYS, complied
        )
        self.step(case.decision, Status.PLANNING, Status.IMPLEMENTING)

    def completion(self) -> None:
        case = self.case
        for kind, title in COMPLETIONS[case.method]:
            self.add(kind, case.disposed - timedelta(days=3), title)
        self.step(case.disposed, Status.IMPLEMENTING, Status.DISPOSED)


def timeline(case: DemoCase) -> list[DemoEvent]:
    """The events a case at its status has behind it, dated from its opening and milestone dates.

    A notice is answered by the holder's reply; a decision is complied with by the completion, or
    during implementation once its period has run. A deadline still running, or ignored, stays open.
    """
    events = _Timeline(case)
    events.add(Kind.SITE_INSPECTION, case.opened, *SITE_FINDINGS[case.category])
    if events.got_to(Status.INVESTIGATING):
        events.investigation()
    if events.got_to(Status.IDENTIFIED):
        events.step(case.identified, Status.INVESTIGATING, Status.IDENTIFIED)
    if events.got_to(Status.PLANNING):
        events.planning()
    if events.got_to(Status.IMPLEMENTING):
        events.implementation()
    if events.got_to(Status.DISPOSED):
        events.completion()
    if case.status == Status.WITHDRAWN:
        events.step(case.closed, case.before_close, Status.WITHDRAWN, case.reason)
    for extra in case.extra:
        events.add(*extra)
    return events.events
