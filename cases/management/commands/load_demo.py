"""Load the demo ledger: the Xinqing park (XQ), a small second park (DEMO2) and their demo users.

The data is in `cases.demo.data`, the building in `cases.demo.builder`; this command takes the
options, builds, and prints what it created and the logins.
"""

import unicodedata
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cases.demo.boundaries import load_demo_boundaries
from cases.demo.builder import Loader, Login, load_demo
from cases.demo.data import LEDGER_DATE, Role
from cases.models import (
    CaseEvent,
    DisposalCase,
    Enterprise,
    EvidenceDocument,
    LandParcel,
    LowEfficiencyThreshold,
    Membership,
    Park,
    Partner,
    ProjectLead,
    RevitalisationMeasure,
)
from evaluation.demo import load_demo_evaluation

__all__ = ["LEDGER_DATE", "Command"]

# The command -------------------------------------------------------------------------------------

ROLE_NAMES = {
    Role.PARK_ADMIN: "园区管理员 park admin",
    Role.SUPERVISOR: "审核人 supervisor",
    Role.OFFICER: "经办人 officer",
    Role.VIEWER: "查看 viewer",
}
SHOWN_MODELS = (
    Park,
    LowEfficiencyThreshold,
    Membership,
    Enterprise,
    LandParcel,
    DisposalCase,
    CaseEvent,
    EvidenceDocument,
    Partner,
    RevitalisationMeasure,
    ProjectLead,
)


class Command(BaseCommand):
    help = (
        "Load the Xinqing demo park (XQ), a small second park (DEMO2) and the demo users; "
        "idempotent. 载入演示数据。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--password",
            help="Password of the demo users (default: a random one, printed; existing users keep theirs).",
        )

    def handle(self, *args: Any, password: str | None = None, **options: Any) -> None:
        if password is not None and not password.strip():
            raise CommandError("--password cannot be empty. 密码不能为空。")
        loader, logins = load_demo(password)
        boundaries = load_demo_boundaries()
        if not boundaries.ok:
            raise CommandError(
                "界址导入失败 The demo boundaries were refused: "
                + "; ".join(boundaries.errors + [p.reason for row in boundaries.rows for p in row.problems])
            )
        self.report(loader, logins, password=password)
        self.stdout.write(
            f"XQ 界址 boundaries ({boundaries.file_name}): {boundaries.created} created, "
            f"{boundaries.updated} updated, {boundaries.unchanged} unchanged."
        )
        evaluation = load_demo_evaluation()
        self.stdout.write(
            f"XQ 亩均效益 per-mu evaluation: {evaluation['figures']} rows of yearly figures, "
            f"{evaluation['runs']} published runs, {evaluation['commitments']} grant commitments created."
        )

    def report(self, loader: Loader, logins: list[Login], *, password: str | None) -> None:
        write = self.stdout.write
        counts = [
            f"{loader.created[model]} {model._meta.verbose_name_plural}"
            for model in (get_user_model(), *SHOWN_MODELS)
            if loader.created[model]
        ]
        if counts:
            write(self.style.SUCCESS("演示数据已载入 Demo data loaded: ") + ", ".join(counts) + ".")
        else:
            write(
                self.style.SUCCESS(
                    "演示数据已存在，未新建记录 The demo data was already loaded: nothing created."
                )
            )
        figures = DisposalCase.objects.filter(parcel__park__code="XQ").rate_figures(
            year=2022, as_of=date(2022, 12, 31)
        )
        write(
            f"XQ 2022: {figures.disposed_count} cases disposed, {figures.disposed_area_m2:,} m² "
            f"of a register of {figures.register_area_m2:,} m², rate {figures.rate_pct} %."
        )

        write(self.style.MIGRATE_HEADING("\n登录账号 Logins (/accounts/login/):"))
        for login in logins:
            spec = login.spec
            role = "超级用户 superuser" if spec.superuser else f"{ROLE_NAMES[spec.role]} · {spec.park}"
            name = spec.last_name + spec.first_name
            shown = login.password or (f"{password}（未改 unchanged）" if password else "（未改 unchanged）")
            write(f"  {pad(spec.username, 16)} {pad(name, 6)} {pad(role, 30)} {shown}")
        if loader.generated_password:
            write(f"新账号的随机密码 Random password of the new logins: {loader.generated_password}")
        if password is None and any(login.state == "unchanged" for login in logins):
            write("已有账号密码未改 Existing users keep their passwords; run with --password P to set one.")


def pad(text: str, width: int) -> str:
    """`text` left-aligned in `width` terminal columns, a Chinese character taking two."""
    used = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(0, width - used)
