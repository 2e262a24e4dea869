"""The yearly figures file (docs/evaluation.md#the-figures-file): its columns, in the ledger's column
form so that the ledger's reader, header check, template sheet and report serve it too."""

from django.utils.translation import gettext_lazy as _

from cases.ledger.columns import BOOL, CHOICE, DATE, DECIMAL, TEXT, LedgerColumn

from .indicators import FIGURES, Source

CHINESE = {
    "tax_wan": ("税收(万元)", "税收"),
    "value_added_wan": ("工业增加值(万元)", "工业增加值"),
    "output_wan": ("工业总产值(万元)", "工业总产值"),
    "energy_tce": ("综合能耗(吨标准煤)", "综合能耗"),
    "emissions_t": ("主要污染物排放量(吨)", "排放量"),
    "rd_wan": ("研发经费(万元)", "研发经费"),
    "revenue_wan": ("主营业务收入(万元)", "主营业务收入"),
    "employees": ("年平均职工人数", "职工人数"),
}


def _figure_columns():
    for figure in FIGURES:
        header, short = CHINESE[figure.field]
        yield LedgerColumn(
            figure.field,
            header,
            "figures",
            figure.field,
            DECIMAL,
            help=_("%(figure)s, in %(unit)s; empty: not known.")
            % {"figure": figure.label, "unit": figure.unit},
        )
        yield LedgerColumn(
            f"{figure.field}_source",
            f"{short}来源",
            "figures",
            f"{figure.field}_source",
            CHOICE,
            choices=Source,
            help=_("Where the figure came from; empty: %(source)s.")
            % {"source": Source(figure.source).label},
        )
        yield LedgerColumn(
            f"{figure.field}_on",
            f"{short}报送日期",
            "figures",
            f"{figure.field}_on",
            DATE,
            help=_("When the figure came; empty: the day of the import."),
        )


FIGURE_COLUMNS: tuple[LedgerColumn, ...] = (
    LedgerColumn("park", "园区代码", "park", "code", required=True, help=_("The park's code, e.g. XQ.")),
    LedgerColumn(
        "year",
        "年度",
        "figures",
        "year",
        DECIMAL,
        required=True,
        help=_("The year of the figures, e.g. 2024."),
    ),
    LedgerColumn(
        "credit_code",
        "统一社会信用代码",
        "enterprise",
        "credit_code",
        help=_("Finds the enterprise in the park; empty: found by its name."),
    ),
    LedgerColumn(
        "enterprise", "企业名称", "enterprise", "name", help=_("The enterprise, as registered in the park.")
    ),
    LedgerColumn("parcel_code", "宗地编号", "parcel", "code", required=True, help=_("The parcel it uses.")),
    LedgerColumn("tenant", "是否租赁", "figures", "is_tenant", BOOL, help=_("是: it rents on the parcel.")),
    LedgerColumn(
        "above_scale", "是否规上", "figures", "above_scale", BOOL, help=_("是: above designated size (规上).")
    ),
    LedgerColumn(
        "industry_code", "行业代码", "figures", "industry_code", TEXT, help=_("GB/T 4754, e.g. C3311.")
    ),
    LedgerColumn(
        "land_m2",
        "用地面积(平方米)",
        "figures",
        "land_m2",
        DECIMAL,
        help=_("Its share of the parcel; empty: shared equally with the other enterprises on it."),
    ),
    *_figure_columns(),
)
EXAMPLE = {
    "park": "XQ",
    "year": "2024",
    "credit_code": "91440400MA4UJ5KX3B",
    "enterprise": "珠海新青精密制造有限公司",
    "parcel_code": "XQ-2016-05",
    "tenant": "否",
    "above_scale": "是",
    "industry_code": "C3311",
    "land_m2": "",
    "tax_wan": "386.50",
    "value_added_wan": "2,150.00",
    "output_wan": "9,820.00",
    "energy_tce": "1,240.5",
    "emissions_t": "3.2",
    "rd_wan": "310.00",
    "revenue_wan": "9,650.00",
    "employees": "186",
}
