"""The default scheme (docs/evaluation.md#the-default-scheme): the structure Huangyan district
(黄岩区, Taizhou, Zhejiang) publishes for its 亩均论英雄 evaluation of industrial enterprises."""

from decimal import Decimal

from django.db import transaction

from cases.models import Park

from .indicators import Code
from .models import BenchmarkKind, EvaluationScheme, SchemeIndicator

BASIS = (
    "黄岩区深化“亩均论英雄”改革工作领导小组办公室《工业企业综合评价得分计算说明》(2022年度评价，2023年9月公示)："
    "规上企业得分 = 亩均税收÷平均值×30 + 亩均增加值÷平均值×20 + 单位能耗增加值÷平均值×20 "
    "+ 单位排放增加值÷平均值×10 + 全员劳动生产率÷平均值×10 + R&D经费占主营业务收入比重÷平均值×10；"
    "规上无排放数据的，单位排放增加值按规上平均得分赋分。"
    "规下企业按亩均税收单项评价（黄岩另计单位电耗税收，Parkland 不采集用电量）。"
    "A/B/C/D 分档线、亩均税收增速的预警/优秀线为 Parkland 的默认值，可按本地方案修改。"
)
# (indicator, weight, alert below, excellent from): the six weighted indicators as Huangyan publishes them,
# and the growth of tax per 亩 with the bands the issue names (alert at 0 %, excellent at 10 %), unweighted.
INDICATORS = (
    (Code.TAX_PER_MU, 30, None, None),
    (Code.VALUE_ADDED_PER_MU, 20, None, None),
    (Code.VALUE_ADDED_PER_ENERGY, 20, None, None),
    (Code.VALUE_ADDED_PER_EMISSION, 10, None, None),
    (Code.LABOUR_PRODUCTIVITY, 10, None, None),
    (Code.RD_SHARE, 10, None, None),
    (Code.TAX_GROWTH, 0, 0, 10),
)


@transaction.atomic
def create_default_scheme(park: Park, year: int) -> EvaluationScheme:
    scheme = EvaluationScheme.objects.create(
        park=park,
        year=year,
        name="亩均效益综合评价（黄岩区方案结构）",
        basis=BASIS,
        a_min=Decimal(120),
        b_min=Decimal(80),
        c_min=Decimal(50),
        small_tax_only=True,
        small_land_split_mu=Decimal(3),
        average_years=1,
    )
    SchemeIndicator.objects.bulk_create(
        SchemeIndicator(
            scheme=scheme,
            code=code,
            weight=Decimal(weight),
            benchmark_kind=BenchmarkKind.PARK_AVERAGE,
            alert_below=None if alert is None else Decimal(alert),
            excellent_from=None if excellent is None else Decimal(excellent),
            position=position,
        )
        for position, (code, weight, alert, excellent) in enumerate(INDICATORS)
    )
    return scheme


def scheme_for(park: Park, year: int) -> tuple[EvaluationScheme, str]:
    """The park's scheme for `year`: its own, else a copy of its latest earlier one, else the default.
    The second value says which ("own", "copied", "default")."""
    scheme = EvaluationScheme.objects.filter(park=park, year=year).first()
    if scheme is not None:
        return scheme, "own"
    earlier = EvaluationScheme.objects.filter(park=park, year__lt=year).order_by("-year").first()
    if earlier is not None:
        return earlier.copy_to(year), "copied"
    return create_default_scheme(park, year), "default"
