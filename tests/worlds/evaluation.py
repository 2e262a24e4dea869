"""The evaluation's test park: four enterprises on a parcel of 10 亩 each, their figures as the
import template writes them, and the figures imported through the page."""

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from cases.models import Membership
from tests import factories
from tests.worlds.staff import sign_in

R = Membership.Role
MU = Decimal(10000) / 15
HEADER = (
    "园区代码,年度,统一社会信用代码,企业名称,宗地编号,是否规上,税收(万元),工业增加值(万元),"
    "综合能耗(吨标准煤),主要污染物排放量(吨),研发经费(万元),主营业务收入(万元),年平均职工人数"
)


class World:
    def __init__(self):
        self.park = factories.make_park(code="HZ", name="海洲工业园")
        self.other = factories.make_park(code="QT", name="其他园区")
        self.admin = factories.make_user(username="hz-admin", park=self.park, role=R.PARK_ADMIN)
        self.supervisor = factories.make_user(username="hz-sup", park=self.park, role=R.SUPERVISOR)
        self.officer = factories.make_user(username="hz-officer", park=self.park, role=R.OFFICER)
        self.viewer = factories.make_user(username="hz-viewer", park=self.park, role=R.VIEWER)
        self.stranger = factories.make_user(username="qt-admin", park=self.other, role=R.PARK_ADMIN)
        self.firms = []
        for index in range(4):
            enterprise = factories.make_enterprise(
                park=self.park, name=f"海洲企业{index}", credit_code=factories.credit_code()
            )
            parcel = factories.make_parcel(
                park=self.park,
                code=f"HZ-{index:02d}",
                enterprise=enterprise,
                area_m2=str((MU * 10).quantize(Decimal("0.01"))),
            )
            self.firms.append((enterprise, parcel))

    def csv(self, year=2024, taxes=(300, 200, 150, 5)) -> bytes:
        lines = [HEADER]
        for (enterprise, parcel), tax in zip(self.firms, taxes, strict=True):
            value_added = tax * 5
            lines.append(
                f"HZ,{year},{enterprise.credit_code},{enterprise.name},{parcel.code},是,{tax},{value_added},500,2,100,4000,100"
            )
        return ("\n".join(lines) + "\n").encode("utf-8")


def client_for(user) -> Client:
    return sign_in(Client(), user)


def upload(client, data: bytes, name="海洲亩均数据.csv"):
    return client.post("/evaluation/figures/import/", {"file": SimpleUploadedFile(name, data), "park": ""})


def imported(world, year=2024, **kwargs):
    client = client_for(world.admin)
    upload(client, world.csv(year, **kwargs))
    client.post("/evaluation/figures/import/confirm/")
    return client
