"""A mixed load on the city data set: officers browse, search, edit, step cases on, upload evidence and
read reports; supervisors approve the steps into identified and disposed. Not run in CI.

    make load            # gunicorn on the bench database, 16 users for 5 minutes, then the checks

or by hand, against a server started on the bench database (`make bench` creates it):

    PYTHONPATH=scripts:. DJANGO_SETTINGS_MODULE=bench_settings .venv/bin/gunicorn parkland.wsgi \
        --bind 127.0.0.1:8765 --workers 4 &
    .venv/bin/locust -f scripts/locustfile.py --host http://127.0.0.1:8765 --headless -u 16 -r 4 -t 5m

Each user signs in as its own account (the password `make bench` wrote to var/bench/password) and
writes only to cases no other user writes to: an officer to the open cases it is the officer of, in
lead, identified or planning; a supervisor to its park's cases in investigating or implementing.
Every edit and document carries this run's marker (summary, title), and every step leaves its
status-change event: when the run ends, the database is asked for each write the server confirmed,
and any missing is a lost write. Error rate and p95 are printed per action; the exit code is 1 on
any failed request or lost write. The run changes the
bench data, so it drops the bench's marker: the next `make bench` generates the city again.
"""

import os
import random
import re
import threading
import time
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path

import psycopg
from locust import HttpUser, between, events, task

ROOT = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/parkland_bench")
PASSWORD = os.environ.get("BENCH_PASSWORD") or (ROOT / "var" / "bench" / "password").read_text().strip()
RUN = f"LT{int(time.time())}"
STARTED = time.time()
SEARCHES = ("鑫华", "宏达", "科技", "新材料", "GLG-2023", "FSG-00", "泰", "电子")
TODAY = date.today()

_lock = threading.Lock()
_accounts: dict[str, list[str]] = {"officer": [], "supervisor": []}
_written: list[tuple[str, str, str]] = []  # (kind, case number, marker) of every confirmed write


def _load_accounts() -> None:
    with psycopg.connect(DATABASE_URL) as conn:
        rows = conn.execute(
            "SELECT username FROM auth_user WHERE username ~ '-officer[0-9]$' ORDER BY username"
        ).fetchall()
        _accounts["officer"] = [r[0] for r in rows]
        rows = conn.execute(
            "SELECT username FROM auth_user WHERE username ~ '-supervisor$' ORDER BY username"
        ).fetchall()
        _accounts["supervisor"] = [r[0] for r in rows]


def _take(kind: str) -> str:
    with _lock:
        if not _accounts["officer"] and not _accounts["supervisor"]:
            _load_accounts()
        if not _accounts[kind]:
            raise RuntimeError(f"more {kind} users than {kind} accounts")
        return _accounts[kind].pop(0)


def _record(kind: str, number: str, marker: str) -> None:
    with _lock:
        _written.append((kind, number, marker))


class FormParser(HTMLParser):
    """The fields of the form on a page that posts to `action` (or the first POST form)."""

    def __init__(self, action: str | None = None):
        super().__init__()
        self.action = action
        self.fields: dict[str, str] = {}
        self._in_form = False
        self._done = False
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        posting = tag == "form" and not self._done and a.get("method", "").lower() == "post"
        if posting and (self.action is None or a.get("action", "") == self.action or "action" not in a):
            self._in_form = True
        if not self._in_form:
            return
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio"):
                if "checked" in a:
                    self.fields[name] = a.get("value", "on")
            else:
                self.fields[name] = a.get("value", "")
        elif tag == "select" and name:
            self._select = name
            self.fields.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in a:
            self.fields[self._select] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields[name] = ""

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form" and self._in_form:
            self._in_form = False
            self._done = True


def form_of(html: str, action: str | None = None) -> dict[str, str]:
    parser = FormParser(action)
    parser.feed(html)
    return parser.fields


def tiny_pdf(text: str) -> bytes:
    stream = f"BT /F1 12 Tf 72 770 Td ({text}) Tj ET".encode()
    return (
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
        b"2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n"
        b"3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>\nendobj\n"
        + b"4 0 obj\n<< /Length %d >>\nstream\n%s\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%%%EOF\n"
        % (len(stream), stream)
    )


class Staff(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    kind = ""

    def on_start(self):
        self.username = _take(self.kind)
        self.counter = 0
        self.gated: set[str] = set()  # cases whose step the evidence gate refused
        page = self.client.get("/accounts/login/", name="sign in form")
        token = form_of(page.text, "/accounts/login/").get("csrfmiddlewaretoken", "")
        response = self.client.post(
            "/accounts/login/",
            {"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": token},
            name="sign in",
            allow_redirects=False,
        )
        if response.status_code != 302:
            raise RuntimeError(f"{self.username} could not sign in ({response.status_code})")
        self.cases = self.load_cases()

    def marker(self) -> str:
        self.counter += 1
        return f"[{RUN}-{self.username}-{self.counter}]"

    def csrf(self) -> str:
        return self.client.cookies.get("csrftoken", "")

    def step(self, number: str, target: str, **fields) -> bool:
        data = {"to": target, "csrfmiddlewaretoken": self.csrf(), **fields}
        with self.client.post(
            f"/cases/{number}/transition/",
            data,
            name=f"step into {target}",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code == 302:
                _record("step", number, target)
                response.success()
                return True
            if response.status_code == 422 and "缺少证据材料" in response.text:
                # The evidence gate at work: this case's file lacks what the step asks for, and only a
                # supervisor may override. A right answer, not a failure; the case is not tried again.
                self.gated.add(number)
                response.success()
                return False
            response.failure(f"step {number} → {target}: HTTP {response.status_code}")
            return False

    @task(3)
    def read_report(self):
        year = random.choice((2021, 2022, 2023, 2024))
        if random.random() < 0.5:
            self.client.get(f"/reports/monthly/?year={year}", name="report page")
        else:
            self.client.get(f"/reports/monthly.json?year={year}", name="report json")


class Officer(Staff):
    weight = 4
    kind = "officer"

    def load_cases(self) -> dict[str, str]:
        """The open cases this officer is the officer of, in the statuses only officers write to."""
        with psycopg.connect(DATABASE_URL) as conn:
            rows = conn.execute(
                "SELECT c.number, c.status, c.disposal_method <> '' AND c.decision_on IS NOT NULL "
                "FROM cases_disposalcase c JOIN auth_user u ON u.id = c.officer_id "
                "WHERE u.username = %s AND c.status IN ('lead', 'identified', 'planning') ORDER BY c.number",
                [self.username],
            ).fetchall()
        self.ready = {number for number, _status, ready in rows if ready}
        return {number: status for number, status, _ready in rows}

    @task(8)
    def browse(self):
        path = random.choice(("/cases/", "/parcels/", "/enterprises/", "/measures/", "/"))
        first = self.client.get(path, name=f"browse {path}")
        pages = [int(n) for n in re.findall(r"[?&;]page=(\d+)", first.text)]
        if path != "/" and pages and max(pages) > 1:
            page = random.randint(2, min(max(pages), 20))
            self.client.get(f"{path}?page={page}", name=f"browse {path} page n")

    @task(4)
    def search(self):
        self.client.get("/cases/", params={"q": random.choice(SEARCHES)}, name="search cases")

    @task(4)
    def view_case(self):
        if self.cases:
            number = random.choice(sorted(self.cases))
            self.client.get(f"/cases/{number}/", name="case page")

    @task(3)
    def edit_case(self):
        editable = sorted(self.cases)
        if not editable:
            return
        number = random.choice(editable)
        page = self.client.get(f"/cases/{number}/edit/", name="edit form")
        fields = form_of(page.text, f"/cases/{number}/edit/")
        if "version" not in fields:
            return
        marker = self.marker()
        fields["summary"] = (fields.get("summary", "").split(" [LT")[0] + f" {marker}").strip()
        fields["csrfmiddlewaretoken"] = self.csrf()
        with self.client.post(
            f"/cases/{number}/edit/", fields, name="edit case", allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code == 302:
                _record("edit", number, marker)
                response.success()
            else:
                response.failure(f"edit {number}: HTTP {response.status_code}")

    @task(2)
    def step_case(self):
        for number, status in sorted(self.cases.items()):
            if status == "lead" and self.step(number, "investigating"):
                del self.cases[number]  # a supervisor's case now
                return
            if status == "identified" and self.step(number, "planning"):
                self.cases[number] = "planning"
                return
            if number in self.gated:
                continue
            if status == "planning" and number in self.ready and self.step(number, "implementing"):
                del self.cases[number]
                return

    @task(2)
    def upload_evidence(self):
        if not self.cases:
            return
        number = random.choice(sorted(self.cases))
        page = self.client.get(f"/cases/{number}/evidence/new/", name="evidence form")
        fields = form_of(page.text, f"/cases/{number}/evidence/new/")
        marker = self.marker()
        fields.update(
            doc_type="other",
            title=f"负载测试材料 {marker}",
            csrfmiddlewaretoken=self.csrf(),
            document_date=TODAY.isoformat(),
            obtained_on=TODAY.isoformat(),
        )
        files = {"files": (f"{marker}.pdf", tiny_pdf(marker), "application/pdf")}
        with self.client.post(
            f"/cases/{number}/evidence/new/",
            data=fields,
            files=files,
            name="upload evidence",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code == 302:
                _record("document", number, marker)
                response.success()
            else:
                response.failure(f"upload {number}: HTTP {response.status_code}")


class Supervisor(Staff):
    weight = 1
    kind = "supervisor"

    def load_cases(self) -> dict[str, tuple]:
        """The park's cases in investigating or implementing, which only supervisors write to here."""
        park = self.username.split("-")[0].upper()
        with psycopg.connect(DATABASE_URL) as conn:
            rows = conn.execute(
                "SELECT c.number, c.status, c.opened_on, COALESCE(c.decision_on, c.identified_on), "
                "c.case_area_m2 FROM cases_disposalcase c "
                "JOIN cases_landparcel p ON p.id = c.parcel_id JOIN cases_park k ON k.id = p.park_id "
                "WHERE k.code = %s AND c.status IN ('investigating', 'implementing') ORDER BY c.number",
                [park],
            ).fetchall()
        return {number: (status, opened, decided, area) for number, status, opened, decided, area in rows}

    @task(4)
    def approve(self):
        if not self.cases:
            return
        number = random.choice(sorted(self.cases))
        status, opened, decided, area = self.cases.pop(number)
        override = {"override_reason": f"负载测试，材料后补 {RUN}"}
        if status == "investigating":
            day = min(TODAY, opened + timedelta(days=random.randint(0, 60)))
            self.step(number, "identified", identified_on=day.isoformat(), **override)
        else:
            day = min(TODAY, decided + timedelta(days=random.randint(30, 400)))
            self.step(number, "disposed", disposed_on=day.isoformat(), disposed_area_m2=str(area), **override)

    @task(2)
    def deadlines(self):
        self.client.get("/deadlines/", name="deadlines")


@events.quitting.add_listener
def check_writes(environment, **_kwargs):
    """Every write the server confirmed is in the database; no request failed."""
    # Each step and document must be there; of a case's edits, the last (each replaces the one before).
    last_edit = {number: marker for kind, number, marker in _written if kind == "edit"}
    expected = {
        "edit": list(last_edit.values()),
        "step": [(n, target) for kind, n, target in _written if kind == "step"],
        "document": [m for kind, _n, m in _written if kind == "document"],
    }
    like = f"%[{RUN}-%"
    with psycopg.connect(DATABASE_URL) as conn:
        stored = {
            "edit": [
                r[0]
                for r in conn.execute("SELECT summary FROM cases_disposalcase WHERE summary LIKE %s", [like])
            ],
            "document": [
                r[0]
                for r in conn.execute("SELECT title FROM cases_evidencedocument WHERE title LIKE %s", [like])
            ],
        }
        # A step is there when its case has the status change into its target, recorded in this run.
        steps = {
            (number, target)
            for number, target in conn.execute(
                "SELECT c.number, e.to_status FROM cases_caseevent e "
                "JOIN cases_disposalcase c ON c.id = e.case_id "
                "WHERE e.kind = 'status_change' AND e.created_at >= to_timestamp(%s)",
                [STARTED - 1],
            )
        }
    found = {"step": sum(1 for step in expected["step"] if step in steps)}
    lost = len(expected["step"]) - found["step"]
    for kind in ("edit", "document"):
        text = "\n".join(stored[kind])
        found[kind] = sum(1 for m in expected[kind] if m in text)
        lost += len(expected[kind]) - found[kind]
    stats = environment.stats
    print(f"\nLoad test {RUN}: per action (requests, failures, error rate, p95 ms)")
    for entry in sorted(stats.entries.values(), key=lambda e: e.name):
        rate = entry.num_failures / entry.num_requests if entry.num_requests else 0
        print(
            f"  {entry.name:<24} {entry.num_requests:>6} {entry.num_failures:>4} {rate:6.2%} "
            f"{entry.get_response_time_percentile(0.95):>8.0f}"
        )
    total = stats.total
    print(
        f"  {'all':<24} {total.num_requests:>6} {total.num_failures:>4} "
        f"{(total.num_failures / total.num_requests if total.num_requests else 0):6.2%} "
        f"{total.get_response_time_percentile(0.95):>8.0f}"
    )
    edits = sum(1 for kind, _n, _m in _written if kind == "edit")
    print(
        f"Writes confirmed: {edits} edits of {len(expected['edit'])} cases "
        f"(last edit found: {found['edit']}), "
        f"{len(expected['step'])} steps ({found['step']} found), "
        f"{len(expected['document'])} documents ({found['document']} found); lost writes: {lost}"
    )
    if total.num_failures or lost:
        environment.process_exit_code = 1
    # The city has changed: the next `make bench` generates it anew rather than measure edited data.
    with psycopg.connect(DATABASE_URL) as conn:
        conn.execute("DROP TABLE IF EXISTS parkland_bench_marker")
