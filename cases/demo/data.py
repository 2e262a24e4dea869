"""The demo ledger as named data: the Xinqing park (XQ), a small second park (DEMO2), their people,
enterprises, parcels, cases, evidence, measures and project leads.

XQ reproduces the park's published 2022 result (docs/disposal-rate.md#worked-check-xinqing-2022):
7 cases disposed of, 303,200 m² against a register of 547,300 m², a disposal rate of 55.4 %.
Enterprises, partners and people are invented. `cases.demo.builder` turns these tables into rows.
"""

from dataclasses import dataclass, field
from datetime import date

from cases.models import (
    CaseEvent,
    Category,
    DisposalMethod,
    DocType,
    IdleCause,
    LandParcel,
    Litigation,
    Membership,
    RevitalisationMeasure,
    Status,
)
from cases.models.measures import PartnerKind

d = date.fromisoformat
# The day this ledger was drawn up: every event in it lies on or before this date.
LEDGER_DATE = d("2026-11-26")
CHANGE_REASON = "演示数据 load_demo"

Role = Membership.Role
Kind = CaseEvent.Kind
Method = DisposalMethod
Measure = RevitalisationMeasure.Method
Backer = PartnerKind
MeasureStatus = RevitalisationMeasure.MeasureStatus
IDLE, INEFFICIENT = Category.IDLE, Category.INEFFICIENT
LandUse = LandParcel.LandUse
IND, WAREHOUSE, M0 = LandUse.INDUSTRIAL, LandUse.WAREHOUSE, LandUse.NEW_INDUSTRIAL

# People and parks ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoUser:
    username: str
    last_name: str
    first_name: str
    park: str | None
    role: str | None
    superuser: bool = False


USERS = (
    DemoUser("demo-admin", "赵", "志远", None, None, superuser=True),
    DemoUser("demo-parkadmin", "钱", "雅琴", "XQ", Role.PARK_ADMIN),
    DemoUser("demo-supervisor", "孙", "海涛", "XQ", Role.SUPERVISOR),
    DemoUser("demo-officer", "李", "晓东", "XQ", Role.OFFICER),
    DemoUser("demo-viewer", "周", "文静", "XQ", Role.VIEWER),
    DemoUser("demo-other", "吴", "嘉怡", "DEMO2", Role.OFFICER),
)
# Who records a park's events: the case officer, and the supervisor who approves the gated steps.
STAFF = {"XQ": ("demo-officer", "demo-supervisor"), "DEMO2": ("demo-other", "demo-other")}


@dataclass(frozen=True)
class DemoPark:
    code: str
    name: str
    district: str
    county: str  # administrative division code: starts credit codes and parcel codes
    cadastral_area: str  # cadastral district and sub-district of the park's parcel codes
    address: str  # the start of every location in the park


PARKS = (
    DemoPark("XQ", "新青科技工业园", "斗门区", "440403", "106003", "珠海市斗门区新青科技工业园"),
    DemoPark("DEMO2", "演示二园", "金湾区", "440404", "102007", "珠海市金湾区演示二园"),
)

# The park's low-efficiency thresholds (docs/data-model.md#lowefficiencythreshold-低效用地认定标准):
# plot ratio, then investment, output and tax per 亩 in 万元.
THRESHOLDS = {"XQ": ("1.00", "250.00", "400.00", "20.00")}

# Enterprises (invented): key, name, 9 characters of the organisation code, contact, phone, road.
ENTERPRISES = {
    "XQ": (
        ("qingyu", "珠海市青屿微电子科技有限公司", "MAAY4CL12", "陈立峰", "0756-5712306", "新青一路8号"),
        ("shuolan", "珠海市朔岚新能源电池有限公司", "MATH3BJ1X", "黄晓敏", "0756-5713418", "新青一路16号"),
        ("lichuan", "珠海市栎川精密电路有限公司", "MAG612DD2", "李国栋", "0756-5715520", "新青一路28号"),
        ("weicheng", "珠海市蔚橙智能装备制造有限公司", "MA72HD1TJ", "张慧琳", "0756-5716632", "新青二路5号"),
        ("hongyi", "珠海市泓弈光电材料有限公司", "MA3Y7LLJY", "刘振宇", "0756-5718744", "新青二路17号"),
        ("yanhu", "珠海市砚湖电子元件有限公司", "MA1JJC171", "杨思远", "0756-5719856", "新青二路31号"),
        ("qitang", "珠海市启棠线路板有限公司", "MAHU49D4H", "何建平", "0756-5721068", "新青二路39号"),
        ("weitang", "珠海市苇塘仓储物流有限公司", "MA3J9HTM5", "郭美玲", "0756-5722170", "新青三路2号"),
        ("tanyue", "珠海市檀越新材料科技有限公司", "MA3JJL6B3", "林子豪", "0756-5723282", "新青三路12号"),
        ("anhe", "珠海市桉禾五金塑胶制品有限公司", "MAHN2J1K6", "罗文斌", "0756-5724394", "新青三路26号"),
        ("zhexi", "珠海市柘溪电气设备有限公司", "MAFMHDQAE", "梁嘉欣", "0756-5725406", "新青三路38号"),
        ("lanting", "珠海市岚汀储能技术有限公司", "MAJXEB97R", "宋志诚", "0756-5726518", "新青四路3号"),
        ("zhizhou", "珠海市芷舟生物科技有限公司", "MA5NQ72J9", "谢婉婷", "0756-5727620", "新青四路15号"),
        ("jingyu", "珠海市璟屿照明科技有限公司", "MAGFWAPE9", "韩俊杰", "0756-5728732", "新青四路27号"),
        ("muzheng", "珠海市沐铮汽车电子有限公司", "MAK23GD5Q", "唐雪梅", "0756-5729844", "新青四路41号"),
        ("luting", "珠海市鹭汀包装材料有限公司", "MAA4XFD1Y", "冯德明", "0756-5731056", "新青五路6号"),
        ("wusheng", "珠海市梧晟精密模具有限公司", "MAM2QHJRW", "邓佳怡", "0756-5732168", "新青五路18号"),
        ("tangxi", "珠海市棠溪电子科技有限公司", "MATAANBKF", "曹永康", "0756-5733270", "新青五路30号"),
        ("jifeng", "珠海市霁峰机械制造有限公司", "MAJRE2T2Y", "彭丽华", "0756-5734382", "新青五路44号"),
        ("cheyuan", "珠海市澈源新能源科技有限公司", "MA8FNM21P", "曾宪文", "0756-5735494", "新青六路9号"),
        ("junhong", "珠海市隽泓电路科技有限公司", "MAN9LJMTE", "萧雅雯", "0756-5736506", "新青六路21号"),
        ("qihe", "珠海市栖禾智能科技有限公司", "MA9NCWMB0", "田建军", "0756-5737618", "新青六路35号"),
        ("yaoyuan", "珠海市曜垣半导体材料有限公司", "MAYEB5K3F", "董晓燕", "0756-5738720", "新青七路4号"),
        ("mingshu", "珠海市茗澍纺织有限公司", "MA16Q94P7", "潘浩然", "0756-5739832", "新青七路18号"),
        ("kunlan", "珠海市琨澜电池材料有限公司", "MACCXUF25", "袁静怡", "0756-5741044", "新青七路30号"),
        ("yunzhi", "珠海市筠芷光学有限公司", "MAECH8W4T", "蒋志强", "0756-5742156", "新青七路42号"),
        ("jiansheng", "珠海市笺晟电子有限公司", "MADUH8NDB", "蔡淑芬", "0756-5743268", "新青八路7号"),
        ("xiaolin", "珠海市筱林精密五金有限公司", "MA8X3KD7Q", "余海波", "0756-5744370", "新青八路33号"),
        ("hengyue", "珠海市珩越科技有限公司", "MAR6N2W4C", "杜晓峰", "0756-5745482", "新青九路2号"),
    ),
    "DEMO2": (
        ("pengshi", "珠海市芃石电子有限公司", "MA547M70F", "叶嘉豪", "0756-7261590", "创业路11号"),
        ("lingdu", "珠海市翎渡新材料有限公司", "MATJ58904", "钟晓彤", "0756-7262602", "创业路3号"),
        ("yanchuan", "珠海市琰川物流有限公司", "MAMWCY742", "江伟明", "0756-7263714", "创新路6号"),
    ),
}

# Land parcels ------------------------------------------------------------------------------------

# Register: park's parcel number, sequence in the 宗地代码, holder, road, area m², land use, and the
# real-estate unit type (W bare land, F land with buildings, "" none recorded).
PARCELS = {
    "XQ": (
        ("XQ-A01", 101, "qingyu", "新青一路8号", "35862.40", IND, "F"),
        ("XQ-A02", 102, "shuolan", "新青一路16号", "42150.75", IND, "F"),
        ("XQ-A03", 103, "lichuan", "新青一路28号", "52613.47", IND, "W"),
        ("XQ-A04", 104, "weicheng", "新青二路5号", "28406.90", M0, "F"),
        ("XQ-A05", 105, "hongyi", "新青二路17号", "38402.18", IND, "F"),
        ("XQ-A06", 106, "yanhu", "新青二路31号", "24318.66", IND, "W"),
        ("XQ-A07", 107, "qitang", "新青二路39号", "41628.36", IND, ""),
        ("XQ-A08", 108, "weicheng", "新青二路45号", "15236.84", M0, "W"),
        ("XQ-B01", 201, "weitang", "新青三路2号", "31540.00", WAREHOUSE, "F"),
        ("XQ-B02", 202, "tanyue", "新青三路12号", "61795.60", IND, ""),
        ("XQ-B03", 203, "anhe", "新青三路26号", "22760.35", IND, "F"),
        ("XQ-B04", 204, "zhexi", "新青三路38号", "27486.95", IND, ""),
        ("XQ-B05", 205, "lanting", "新青四路3号", "19874.20", IND, "W"),
        ("XQ-B06", 206, "zhizhou", "新青四路15号", "31266.72", IND, "W"),
        ("XQ-C01", 301, "jingyu", "新青四路27号", "48650.35", IND, ""),
        ("XQ-C02", 302, "muzheng", "新青四路41号", "26930.48", IND, ""),
        ("XQ-C03", 303, "luting", "新青五路6号", "33912.30", IND, ""),
        ("XQ-C04", 304, "wusheng", "新青五路18号", "37208.15", IND, "W"),
        ("XQ-C05", 305, "tangxi", "新青五路30号", "36217.84", IND, "W"),
        ("XQ-D01", 401, "jifeng", "新青五路44号", "29452.60", WAREHOUSE, "F"),
        ("XQ-D02", 402, "cheyuan", "新青六路9号", "43689.50", IND, "W"),
        ("XQ-D03", 403, "junhong", "新青六路21号", "55693.12", IND, "F"),
        ("XQ-D04", 404, "qihe", "新青六路35号", "33508.27", IND, "F"),
        ("XQ-E01", 501, "yaoyuan", "新青七路4号", "48305.27", IND, "W"),
        ("XQ-E02", 502, "mingshu", "新青七路18号", "34120.66", IND, ""),
        ("XQ-E03", 503, "kunlan", "新青七路30号", "26844.93", IND, "F"),
        ("XQ-E04", 504, "yunzhi", "新青七路42号", "21637.08", IND, "W"),
        ("XQ-F01", 601, "jiansheng", "新青八路7号", "30226.44", IND, "F"),
        ("XQ-F02", 602, "shuolan", "新青八路19号", "23985.10", IND, "W"),
        ("XQ-F03", 603, "xiaolin", "新青八路33号", "18462.75", IND, "W"),
        ("XQ-F04", 604, "hengyue", "新青九路2号", "27319.58", IND, "W"),
        ("XQ-F05", 605, "qingyu", "新青九路14号", "16780.30", IND, "W"),
        ("XQ-F06", 606, "zhexi", "新青九路26号", "25104.77", IND, "F"),
        ("XQ-G01", 701, "yanhu", "新青九路38号", "20516.92", IND, "W"),
    ),
    "DEMO2": (
        ("D2-01", 11, "lingdu", "创业路3号", "18650.00", IND, ""),
        ("D2-02", 12, "pengshi", "创业路11号", "22304.18", IND, "F"),
        ("D2-03", 13, "yanchuan", "创新路6号", "15027.66", WAREHOUSE, "W"),
        ("D2-04", 14, "pengshi", "创新路18号", "26118.05", IND, "F"),
    ),
}

PARK_OF_PARCEL = {row[0]: park for park, rows in PARCELS.items() for row in rows}

# Grant and development: contract signed, agreed start, actual start, required and actual plot ratio,
# investment, annual output and annual tax per 亩, land price per 亩 (万元). The agreed completion is
# two years after the agreed start.
DEVELOPMENT: dict[str, tuple] = {
    "XQ-A01": ("2012-05-18", "2013-05-18", "2013-04-02", "1.20", "1.65", 420, 780, 46, 16),
    "XQ-A02": ("2013-08-09", "2014-08-09", "2014-06-20", "1.50", "1.82", 465, 910, 58, 17),
    "XQ-A03": ("2017-03-28", "2018-03-28", None, "1.20", "0", 8, 0, 0, 22),
    "XQ-A04": ("2019-11-12", "2020-05-12", "2020-04-30", "3.00", "3.40", 560, 1200, 85, 45),
    "XQ-A05": ("2009-06-15", "2010-06-15", "2010-05-10", "1.00", "1.35", 290, 470, 24, 11),
    # suspected idle: not started more than two full years after the agreed date
    "XQ-A06": ("2023-03-31", "2024-03-31", None, "1.20", "0", 6, 0, 0, 28),
    "XQ-A07": ("2008-04-22", "2009-04-22", "2009-03-15", "1.00", "0.52", 138, 186, "7.5", 10),
    # agreed start less than a year ago: not yet suspected
    "XQ-A08": ("2025-12-18", "2026-06-18", None, "3.00", "0", 0, 0, 0, 48),
    "XQ-B01": ("2011-03-22", "2012-03-22", "2012-02-14", "1.00", "1.30", 265, 430, 22, 13),
    "XQ-B02": ("2019-11-20", "2020-11-20", "2022-10-10", "1.20", "0.35", 95, 0, 0, 24),
    # suspected low-efficiency: below every threshold, no case yet
    "XQ-B03": ("2011-07-01", "2012-07-01", "2012-05-20", "1.00", "0.68", 176, 248, "9.8", 14),
    "XQ-B04": ("2010-10-08", "2011-10-08", "2011-09-01", "1.00", "0.85", 305, 410, 22, 12),
    # suspected idle: one to two years past the agreed start
    "XQ-B05": ("2024-06-28", "2025-06-30", None, "1.20", "0", 5, 0, 0, 30),
    "XQ-B06": ("2016-12-15", "2017-12-15", None, "1.50", "0", 15, 0, 0, 21),
    "XQ-C01": ("2019-04-25", "2020-04-25", "2023-02-15", "1.20", "1.05", 260, 380, 16, 24),
    "XQ-C02": ("2019-12-10", "2020-12-10", "2021-11-25", "1.30", "1.41", 330, 560, 31, 25),
    "XQ-C03": ("2006-08-30", "2007-08-30", "2007-06-18", "1.00", "0.46", 102, 95, "3.2", 8),
    "XQ-C04": ("2018-01-19", "2019-01-19", None, "1.20", "0", 10, 0, 0, 23),
    "XQ-C05": ("2017-07-07", "2018-07-07", None, "1.20", "0", 9, 0, 0, 22),
    "XQ-D01": ("2012-03-16", "2013-03-16", "2013-01-08", "1.00", "0.58", 150, 210, "6.8", 13),
    "XQ-D02": ("2016-05-20", "2017-05-20", None, "1.20", "0", 4, 0, 0, 20),
    "XQ-D03": ("2007-11-02", "2008-11-02", "2008-10-05", "1.00", "1.12", 268, 430, 21, 9),
    "XQ-D04": ("2011-02-25", "2012-02-25", "2012-01-10", "1.00", "1.28", 285, 455, 23, 12),
    "XQ-E01": ("2006-03-10", "2007-03-10", None, "1.00", "0", 12, 0, 0, 9),
    "XQ-E02": ("2005-09-12", "2006-09-12", "2006-08-01", "1.00", "0.41", 85, 60, "2.1", 8),
    "XQ-E03": ("2014-06-06", "2015-06-06", "2015-04-20", "1.00", "0.63", 168, 265, "11.2", 15),
    "XQ-E04": ("2021-09-15", "2022-09-15", None, "1.20", "0", 7, 0, 0, 27),
    "XQ-F01": ("2010-12-01", "2011-12-01", "2011-10-15", "1.00", "1.45", 310, 520, 27, 12),
    "XQ-F02": ("2020-07-20", "2021-07-20", None, "1.20", "0", 6, 0, 0, 26),
    "XQ-F03": ("2024-02-08", "2025-08-08", None, "1.20", "0", 3, 0, 0, 29),
    "XQ-F04": ("2023-10-20", "2024-10-20", None, "1.20", "0", 5, 0, 0, 29),
    # suspected idle: one to two years past the agreed start
    "XQ-F05": ("2024-03-15", "2025-09-15", None, "1.20", "0", 4, 0, 0, 30),
    "XQ-F06": ("2020-03-02", "2021-03-02", "2021-02-26", "1.20", "1.35", 300, 480, 25, 25),
    "XQ-G01": ("2023-05-26", "2024-05-26", None, "1.20", "0", 6, 0, 0, 28),
    "D2-01": ("2018-06-12", "2019-06-12", "2022-11-08", "1.20", "0.80", 210, 0, 0, 20),
    "D2-02": ("2010-09-20", "2011-09-20", "2011-08-02", "1.00", "0.55", 140, 180, 6, 11),
    "D2-03": ("2023-08-30", "2024-08-30", None, "1.00", "0", 3, 0, 0, 18),
    "D2-04": ("2014-04-11", "2015-04-11", "2015-03-09", "1.20", "1.60", 380, 640, 35, 15),
}

# Cases -------------------------------------------------------------------------------------------

# kind, date, title, details, days to respond, date the response came
Extra = tuple[str, date, str, str, int | None, date | None]


@dataclass(frozen=True, kw_only=True)
class DemoCase:
    parcel: str
    category: str
    status: str
    opened: date
    identified: date | None = None
    method: str = ""
    decision: date | None = None
    target: date | None = None
    disposed: date | None = None
    area: str | None = None  # the area under disposal, when less than the parcel's
    cause: str = IdleCause.UNKNOWN
    officer: str = "demo-officer"
    litigation: str = Litigation.NONE
    flags: dict[str, str] = field(default_factory=dict)
    summary: str = ""
    closed: date | None = None  # when a withdrawn case was closed
    before_close: str = ""
    reason: str = ""
    extra: tuple[Extra, ...] = ()


# A table, one case to a block: kept as written rather than one argument to a line.
# fmt: off
CASES = (
    # XQ, disposed of in 2022: 7 cases, 303,200.00 m² -------------------------------------------
    DemoCase(
        parcel="XQ-A03", category=IDLE, status=Status.DISPOSED, opened=d("2021-09-06"),
        identified=d("2021-12-10"), method=Method.NEGOTIATED_RECOVERY, decision=d("2022-01-18"),
        target=d("2022-03-31"), disposed=d("2022-03-25"), cause=IdleCause.GOVERNMENT,
        summary="园区控制性详细规划调整，地块东侧规划为市政道路，属政府原因未能动工；经协商有偿收回并纳入储备。",
    ),
    DemoCase(
        parcel="XQ-A05", category=INEFFICIENT, status=Status.DISPOSED, opened=d("2021-11-15"),
        identified=d("2022-01-20"), method=Method.SELF_REDEVELOPMENT, decision=d("2022-03-08"),
        target=d("2022-06-30"), disposed=d("2022-05-27"),
        flags={"low_willingness": "企业初期以订单下滑为由拒绝增资，经三次约谈后同意扩建。"},
        summary="原厂房容积率0.62，企业增资扩产新建三层厂房，容积率提升至1.35。",
    ),
    DemoCase(
        parcel="XQ-B02", category=IDLE, status=Status.DISPOSED, opened=d("2022-01-10"),
        identified=d("2022-02-24"), method=Method.IDLE_FEE, decision=d("2022-04-12"),
        target=d("2022-05-31"), disposed=d("2022-06-20"), cause=IdleCause.ENTERPRISE,
        officer="demo-supervisor",
        summary="超过约定动工日期满一年未动工，企业原因；按土地出让价款20%征缴土地闲置费，企业已于2022年10月动工。",
    ),
    DemoCase(
        parcel="XQ-B04", category=INEFFICIENT, status=Status.DISPOSED, opened=d("2022-02-21"),
        identified=d("2022-04-08"), method=Method.TRANSFER, decision=d("2022-05-30"),
        target=d("2022-08-31"), disposed=d("2022-08-16"),
        flags={"funding_gap": "原权利人经营困难，无力追加投资。"},
        summary="原权利人长期半停产，土地使用权连同厂房转让予柘溪电气，受让方承诺两年内达产。",
    ),
    DemoCase(
        parcel="XQ-C01", category=IDLE, status=Status.DISPOSED, opened=d("2022-03-14"),
        identified=d("2022-05-19"), method=Method.EXTEND_DEADLINE, decision=d("2022-06-28"),
        target=d("2022-09-30"), disposed=d("2022-09-23"), area="45300.00", cause=IdleCause.GOVERNMENT,
        flags={"evidence_difficulty": "交地确认书缺失，向供电部门调取110kV线路迁改验收记录佐证交地时间。"},
        summary="高压线迁改滞后导致交地延迟，属政府原因；签订补充协议延长动工期限一年（北侧线路走廊3,350.35平方米不计入）。",
    ),
    DemoCase(
        parcel="XQ-C03", category=INEFFICIENT, status=Status.DISPOSED, opened=d("2022-04-11"),
        identified=d("2022-06-15"), method=Method.GOVERNMENT_PURCHASE, decision=d("2022-08-24"),
        target=d("2022-11-30"), disposed=d("2022-11-18"),
        flags={"litigation_risk": "企业拖欠工人工资，收购款优先清偿欠薪，防范群体性事件。"},
        summary="企业长期停产，亩均税收不足4万元；政府按评估价收购，纳入土地储备。",
    ),
    DemoCase(
        parcel="XQ-D02", category=IDLE, status=Status.DISPOSED, opened=d("2022-05-09"),
        identified=d("2022-07-21"), method=Method.FREE_RECOVERY, decision=d("2022-09-13"),
        target=d("2022-12-31"), disposed=d("2022-12-16"), cause=IdleCause.ENTERPRISE,
        officer="demo-supervisor", litigation=Litigation.RECONSIDERATION,
        flags={"litigation_risk": "权利人对收回决定申请行政复议，复议机关维持原决定。"},
        summary="超过约定动工日期满两年未动工，企业原因；经区政府批准无偿收回国有建设用地使用权。",
        extra=(
            (Kind.OTHER, d("2022-10-08"), "权利人申请行政复议",
             "权利人不服《收回国有建设用地使用权决定书》，向区人民政府申请行政复议。", 60,
             d("2022-11-25")),
            (Kind.OTHER, d("2022-11-25"), "行政复议决定维持原处置决定", "", None, None),
        ),
    ),
    # XQ, in the 2022 register but not disposed of in 2022: 6 cases, 244,100.00 m² ---------------
    DemoCase(
        parcel="XQ-D03", category=INEFFICIENT, status=Status.DISPOSED, opened=d("2021-08-16"),
        identified=d("2021-11-05"), method=Method.TRANSFER, decision=d("2022-10-20"),
        target=d("2023-12-31"), disposed=d("2024-06-14"),
        flags={
            "low_willingness": "企业转让要价高于评估价约40%，谈判历时一年半。",
            "funding_gap": "意向受让方融资未落实，首轮股权收购谈判终止。",
        },
        summary="亩均产值不足120万元；通过股权收购引入新投资方后完成土地使用权转让。",
    ),
    DemoCase(
        parcel="XQ-A07", category=INEFFICIENT, status=Status.IMPLEMENTING, opened=d("2022-01-17"),
        identified=d("2022-04-22"), method=Method.SELF_REDEVELOPMENT, decision=d("2023-05-18"),
        target=d("2027-06-30"),
        flags={
            "funding_gap": "技改扩建资金缺口约8,000万元，正洽谈项目贷款与合作开发。",
            "low_willingness": "企业主营收缩，对新增投资持观望态度。",
        },
        summary="容积率0.52，亩均税收7.5万元；企业自主改造新建高标准厂房，分两期实施。",
        extra=(
            (Kind.MEETING, d("2024-03-15"), "政企合作开发洽谈会",
             "园区、国企平台与企业三方洽谈合作建设厂房。", None, None),
        ),
    ),
    DemoCase(
        parcel="XQ-C05", category=IDLE, status=Status.DISPOSED, opened=d("2022-04-25"),
        identified=d("2022-07-08"), method=Method.LAND_SWAP, decision=d("2022-11-10"),
        target=d("2023-03-31"), disposed=d("2023-03-24"), cause=IdleCause.GOVERNMENT,
        summary="地块纳入文物保护建设控制地带，无法按原规划建设，属政府原因；置换至园区北区同等面积地块。",
    ),
    DemoCase(
        parcel="XQ-B06", category=IDLE, status=Status.PLANNING, opened=d("2022-06-06"),
        identified=d("2022-08-30"), area="29800.00", cause=IdleCause.ENTERPRISE, officer="demo-supervisor",
        litigation=Litigation.LAWSUIT,
        flags={
            "litigation_risk": "权利人对认定书提起行政诉讼，一审驳回诉讼请求，权利人已上诉。",
            "low_willingness": "权利人坚持待价而沽，拒绝协商收回。",
        },
        summary="超过约定动工日期满两年未动工（南侧已征收道路用地1,466.72平方米不计入）；处置方案待诉讼终结后报批。",
        extra=(
            (Kind.OTHER, d("2022-11-15"), "权利人提起行政诉讼",
             "权利人不服《闲置土地认定书》，向区人民法院提起行政诉讼。", None, None),
            (Kind.OTHER, d("2023-08-22"), "一审判决驳回诉讼请求", "", None, None),
            (Kind.OTHER, d("2023-09-05"), "权利人提起上诉", "二审审理中，处置方案暂缓报批。", None, None),
        ),
    ),
    DemoCase(
        parcel="XQ-E01", category=IDLE, status=Status.IDENTIFIED, opened=d("2022-07-11"),
        identified=d("2022-10-14"), cause=IdleCause.ENTERPRISE, litigation=Litigation.RECONSIDERATION,
        flags={
            "evidence_difficulty": "2006年出让档案不全，交地确认书及地价款缴纳凭证缺失，正向市档案馆调档。",
            "litigation_risk": "权利人对认定书申请行政复议，主张交地延迟属政府原因。",
        },
        summary="2007年约定动工，至今未动工；交地时间证据不足，处置方式待档案调取后确定。",
        extra=(
            (Kind.OTHER, d("2022-12-02"), "权利人申请行政复议",
             "权利人对《闲置土地认定书》申请行政复议。", 60, d("2023-01-30")),
            (Kind.OTHER, d("2023-01-30"), "行政复议决定维持认定", "", None, None),
            (Kind.MEETING, d("2024-05-14"), "档案调取协调会",
             "与市档案馆、不动产登记中心协调调取2006年出让档案。", None, None),
        ),
    ),
    DemoCase(
        parcel="XQ-E02", category=INEFFICIENT, status=Status.DISPOSED, opened=d("2022-09-05"),
        identified=d("2022-12-08"), method=Method.GOVERNMENT_PURCHASE, decision=d("2024-11-12"),
        target=d("2025-06-30"), disposed=d("2025-04-18"), area="32455.41",
        flags={"funding_gap": "收购资金分两年纳入区财政预算。"},
        summary="纺织企业长期停产；政府收购纳入储备（北侧保留宿舍用地1,665.25平方米不计入）。",
    ),
    # XQ, withdrawn --------------------------------------------------------------------------------
    DemoCase(
        parcel="XQ-C02", category=IDLE, status=Status.WITHDRAWN, opened=d("2022-08-15"),
        closed=d("2022-10-09"), before_close=Status.INVESTIGATING,
        reason="权利人提供施工许可证及监理日志，证明地块已于2021年11月动工，不构成闲置土地。",
        summary="动态巡查数据未更新导致误报，不予认定。",
    ),
    DemoCase(
        parcel="XQ-F06", category=IDLE, status=Status.WITHDRAWN, opened=d("2023-03-06"),
        closed=d("2023-05-19"), before_close=Status.LEAD,
        reason="经核实，地块已于2021年2月动工并建成投产，线索不实，不予立案。",
    ),
    # XQ, opened in 2023 and later -----------------------------------------------------------------
    DemoCase(
        parcel="XQ-D01", category=INEFFICIENT, status=Status.PLANNING, opened=d("2023-01-09"),
        identified=d("2023-03-02"),
        flags={"funding_gap": "意向合作方产业基金尚未完成投资决策。"},
        summary="仓储用地容积率0.58，亩均税收6.8万元；拟引入产业基金股权合作改造。",
    ),
    DemoCase(
        parcel="XQ-C04", category=IDLE, status=Status.IMPLEMENTING, opened=d("2023-02-13"),
        identified=d("2023-03-28"), method=Method.NEGOTIATED_RECOVERY, decision=d("2023-07-20"),
        target=d("2026-12-31"), cause=IdleCause.GOVERNMENT,
        flags={
            "litigation_risk": "补偿标准存在分歧，权利人多次信访。",
            "funding_gap": "收回补偿资金需纳入区财政年度预算。",
        },
        summary="规划调整为道路及绿地，属政府原因；协议有偿收回，补偿金额待评估复核。",
        extra=(
            (Kind.MEETING, d("2025-04-10"), "补偿标准协调会",
             "权利人要求按市场价补偿，与评估价差距较大。", None, None),
        ),
    ),
    DemoCase(
        parcel="XQ-D04", category=INEFFICIENT, status=Status.DISPOSED, opened=d("2024-04-15"),
        identified=d("2024-07-18"), method=Method.SELF_REDEVELOPMENT, decision=d("2024-09-26"),
        target=d("2025-09-30"), disposed=d("2025-09-12"),
        summary="企业获技改贷款后加建厂房，容积率由0.71提升至1.28。",
    ),
    DemoCase(
        parcel="XQ-E03", category=INEFFICIENT, status=Status.IMPLEMENTING, opened=d("2025-03-17"),
        identified=d("2025-06-20"), method=Method.SELF_REDEVELOPMENT, decision=d("2025-10-28"),
        target=d("2026-12-20"),
        summary="电池材料企业增资扩产，新建智能化车间，计划年底竣工。",
    ),
    DemoCase(
        parcel="XQ-E04", category=IDLE, status=Status.INVESTIGATING, opened=d("2025-09-08"),
        flags={"low_willingness": "权利人拒绝签收调查通知书，已留置送达；约谈未到场。"},
        extra=((Kind.OTHER, d("2025-10-20"), "约谈权利人，权利人未到场", "", None, None),),
    ),
    DemoCase(
        parcel="XQ-F01", category=INEFFICIENT, status=Status.DISPOSED, opened=d("2026-02-09"),
        identified=d("2026-04-16"), method=Method.SELF_REDEVELOPMENT, decision=d("2026-06-10"),
        target=d("2026-09-30"), disposed=d("2026-09-25"),
        summary="工改工：与国企平台合作建设高标准厂房，容积率提升至1.45。",
    ),
    DemoCase(
        parcel="XQ-F04", category=IDLE, status=Status.IMPLEMENTING, opened=d("2026-03-09"),
        identified=d("2026-06-12"), method=Method.IDLE_FEE, decision=d("2026-11-03"),
        target=d("2026-12-18"), cause=IdleCause.ENTERPRISE, officer="demo-supervisor",
        summary="超过约定动工日期满一年未满两年，企业原因；征缴土地闲置费。",
    ),
    DemoCase(
        parcel="XQ-F02", category=IDLE, status=Status.PLANNING, opened=d("2026-05-11"),
        identified=d("2026-07-23"), cause=IdleCause.GOVERNMENT,
        summary="片区规划修编导致无法动工，属政府原因；拟调整规划条件后恢复建设。",
    ),
    DemoCase(parcel="XQ-F03", category=IDLE, status=Status.LEAD, opened=d("2026-10-20")),
    DemoCase(parcel="XQ-G01", category=IDLE, status=Status.INVESTIGATING, opened=d("2026-10-28")),
    # DEMO2 ----------------------------------------------------------------------------------------
    DemoCase(
        parcel="D2-01", category=IDLE, status=Status.DISPOSED, opened=d("2022-02-14"),
        identified=d("2022-04-20"), method=Method.EXTEND_DEADLINE, decision=d("2022-06-15"),
        target=d("2022-09-30"), disposed=d("2022-08-30"), cause=IdleCause.GOVERNMENT, officer="demo-other",
    ),
    DemoCase(
        parcel="D2-02", category=INEFFICIENT, status=Status.PLANNING, opened=d("2025-04-07"),
        identified=d("2025-07-15"), officer="demo-other",
        flags={"funding_gap": "企业改造资金尚未落实。"},
    ),
    DemoCase(parcel="D2-03", category=IDLE, status=Status.LEAD, opened=d("2026-09-21"), officer="demo-other"),
)
# fmt: on

# Revitalisation measures (partners invented): case's parcel, method, partner, kind, amount 万元,
# equity share %, status, started, concluded, notes.
MEASURES = (
    ("XQ-A07", Measure.LOAN, "珠江湾商业银行斗门支行", Backer.BANK, "3500.00", None,
     MeasureStatus.NEGOTIATING, "2023-07-03", None, "技改项目贷款，以在建厂房抵押。"),
    ("XQ-A07", Measure.JOINT_DEVELOPMENT, "珠海市青禾产业投资有限公司", Backer.STATE_OWNED, "12000.00", None,
     MeasureStatus.PROPOSED, "2024-03-15", None, "政府供地、国企出资，合作建设标准厂房。"),
    ("XQ-C03", Measure.OTHER, "珠海市翠屏城建发展有限公司", Backer.GOVERNMENT_PLATFORM, "4860.00", None,
     MeasureStatus.COMPLETED, "2022-08-24", "2022-11-18", "收购资金由区城建平台垫付。"),
    ("XQ-D03", Measure.EQUITY_ACQUISITION, "粤澳鸿图产业基金（有限合伙）", Backer.FUND, "5200.00", "35.00",
     MeasureStatus.ABANDONED, "2022-11-01", "2023-04-28", "估值分歧，谈判终止。"),
    ("XQ-D03", Measure.EQUITY_ACQUISITION, "深圳市拓岚实业有限公司", Backer.PRIVATE_INVESTOR, "6200.00",
     "51.00", MeasureStatus.COMPLETED, "2023-06-12", "2024-06-10", "收购原权利人51%股权后完成转让。"),
    ("XQ-D01", Measure.EQUITY_ACQUISITION, "粤澳鸿图产业基金（有限合伙）", Backer.FUND, "3800.00", "40.00",
     MeasureStatus.NEGOTIATING, "2023-05-10", None, ""),
    ("XQ-D04", Measure.LOAN, "珠江湾商业银行斗门支行", Backer.BANK, "2600.00", None,
     MeasureStatus.COMPLETED, "2024-10-08", "2025-08-29", "增资扩产贷款已全额发放。"),
    ("XQ-E03", Measure.LOAN, "南粤丰汇银行珠海分行", Backer.BANK, "2800.00", None,
     MeasureStatus.AGREED, "2025-11-10", None, ""),
    ("XQ-F01", Measure.JOINT_DEVELOPMENT, "珠海市青禾产业投资有限公司", Backer.STATE_OWNED, "9500.00", None,
     MeasureStatus.COMPLETED, "2026-03-02", "2026-09-01", "工改工合作开发，建设高标准厂房。"),
    ("XQ-B06", Measure.OTHER, "珠海市翠屏城建发展有限公司", Backer.GOVERNMENT_PLATFORM, None, None,
     MeasureStatus.PROPOSED, "2023-10-16", None, "诉讼终结后协商收回，补偿资金由平台公司筹措。"),
    ("D2-02", Measure.LOAN, "南粤丰汇银行珠海分行", Backer.BANK, "1500.00", None,
     MeasureStatus.PROPOSED, "2025-09-01", None, ""),
)  # fmt: skip
# Projects looking for land (意向项目), for matching against the open cases.
LEADS = (
    ("新能源电池模组扩产项目", "珠海市朔岚新能源电池有限公司", "新能源电池", "30000.00", "industrial", "1.5",
     "28000.00"),
    ("半导体封测基地", "横琴芯桥半导体有限公司", "集成电路", "45000.00", "new_industrial", "2.0", "65000.00"),
    ("跨境电商智能仓", "珠海港湾供应链管理有限公司", "现代物流", "20000.00", "warehouse", "", "9000.00"),
)  # fmt: skip

PROJECT_NAMES = {"XQ-A07": "新青标准厂房合作建设项目", "XQ-F01": "新青八路工改工高标准厂房项目"}

# Evidence: real (tiny) files on three cases: doc type, title, original file name, document date,
# issuer. XQ-E01 lacks its land delivery record, as its evidence-difficulty note says.
NR_BUREAU = "珠海市自然资源局斗门分局"
PARK_OFFICE = "新青科技工业园管理委员会"
BANK = "珠江湾商业银行斗门支行"
EVIDENCE = {
    "XQ-B02": (
        (DocType.GRANT_CONTRACT, "国有建设用地使用权出让合同", "出让合同.pdf", "2019-11-20", NR_BUREAU),
        (DocType.DELIVERY_RECORD, "交地确认书", "交地确认书.pdf", "2019-12-26", NR_BUREAU),
        (DocType.SITE_INSPECTION, "现场勘查照片", "现场勘查照片.png", "2022-01-10", PARK_OFFICE),
        (DocType.INVESTIGATION_NOTICE, "闲置土地调查通知书", "调查通知书.pdf", "2022-01-17", NR_BUREAU),
        (DocType.SERVICE_RECEIPT, "调查通知书送达回证", "送达回证.pdf", "2022-01-17", NR_BUREAU),
        (DocType.IDENTIFICATION, "闲置土地认定书", "闲置土地认定书.pdf", "2022-02-24", NR_BUREAU),
        (DocType.HEARING_NOTICE, "听证告知书", "听证告知书.pdf", "2022-03-24", NR_BUREAU),
        (DocType.DECISION, "征缴土地闲置费决定书", "征缴土地闲置费决定书.pdf", "2022-04-12", NR_BUREAU),
        (DocType.PAYMENT_VOUCHER, "土地闲置费缴款凭证", "缴款凭证.pdf", "2022-06-17", BANK),
    ),
    "XQ-E01": (
        (DocType.GRANT_CONTRACT, "国有土地使用权出让合同", "出让合同扫描件.pdf", "2006-03-10", NR_BUREAU),
        (DocType.SITE_INSPECTION, "现场勘查照片", "现场照片.png", "2022-07-11", PARK_OFFICE),
        (DocType.INVESTIGATION_NOTICE, "闲置土地调查通知书", "调查通知书.pdf", "2022-07-18", NR_BUREAU),
        (DocType.SERVICE_RECEIPT, "调查通知书送达回证", "送达回证.pdf", "2022-07-18", NR_BUREAU),
    ),
    "XQ-A07": (
        (DocType.SITE_INSPECTION, "厂房利用现状照片", "厂房现状.png", "2022-01-17", PARK_OFFICE),
        (DocType.IDENTIFICATION, "低效用地认定书", "低效用地认定书.pdf", "2022-04-22", PARK_OFFICE),
        (DocType.DECISION, "低效用地处置决定书（企业自主改造）", "处置决定书.pdf", "2023-05-18", PARK_OFFICE),
        (DocType.SERVICE_RECEIPT, "处置决定书送达回证", "送达回证.pdf", "2023-05-19", PARK_OFFICE),
    ),
}

# Every other case has the file its steps produced: the right and the delivery of the land, the
# site inspection, each notice or decision with its proof of service, the identification, the
# hearing notice before a fee or take-back, and what completed the disposal.
COMPLETION_FILES = {
    Method.EXTEND_DEADLINE: ((DocType.AGREEMENT, "延长动工开发期限补充协议"),),
    Method.ADJUST_USE: ((DocType.AGREEMENT, "调整规划条件补充协议"),),
    Method.TEMPORARY_USE: ((DocType.AGREEMENT, "临时使用协议"),),
    Method.NEGOTIATED_RECOVERY: (
        (DocType.PAYMENT_VOUCHER, "协议收回补偿款支付凭证"),
        (DocType.HANDOVER_RECORD, "土地交接及入库确认书"),
    ),
    Method.LAND_SWAP: ((DocType.AGREEMENT, "土地置换协议"), (DocType.HANDOVER_RECORD, "原地块交接确认书")),
    Method.IDLE_FEE: ((DocType.PAYMENT_VOUCHER, "土地闲置费缴款凭证"),),
    Method.FREE_RECOVERY: (
        (DocType.DEREGISTRATION, "不动产登记注销公告"),
        (DocType.HANDOVER_RECORD, "土地交接及入库确认书"),
    ),
    Method.SELF_REDEVELOPMENT: ((DocType.AGREEMENT, "增资扩产监管协议及竣工验收备案"),),
    Method.TRANSFER: (
        (DocType.PAYMENT_VOUCHER, "转让价款缴清凭证"),
        (DocType.DEREGISTRATION, "不动产转移登记公告"),
    ),
    Method.GOVERNMENT_PURCHASE: (
        (DocType.PAYMENT_VOUCHER, "收购补偿款支付凭证"),
        (DocType.HANDOVER_RECORD, "土地移交储备中心确认书"),
    ),
}


# The timeline ------------------------------------------------------------------------------------

STATUS_NAMES = {
    Status.LEAD: "线索",
    Status.INVESTIGATING: "调查取证",
    Status.IDENTIFIED: "已认定",
    Status.PLANNING: "方案制定",
    Status.IMPLEMENTING: "处置实施",
    Status.DISPOSED: "已处置",
    Status.WITHDRAWN: "不予认定/撤销",
}
FORWARD = (
    Status.LEAD,
    Status.INVESTIGATING,
    Status.IDENTIFIED,
    Status.PLANNING,
    Status.IMPLEMENTING,
    Status.DISPOSED,
)
DECISION_TITLES = {
    Method.EXTEND_DEADLINE: "签订延长动工开发期限补充协议",
    Method.NEGOTIATED_RECOVERY: "签订协议收回国有建设用地使用权合同",
    Method.LAND_SWAP: "签订土地置换协议",
    Method.IDLE_FEE: "送达《征缴土地闲置费决定书》",
    Method.FREE_RECOVERY: "送达《收回国有建设用地使用权决定书》",
    Method.SELF_REDEVELOPMENT: "送达《低效用地处置决定书》（企业自主改造）",
    Method.TRANSFER: "送达《低效用地处置决定书》（转让）",
    Method.GOVERNMENT_PURCHASE: "送达《低效用地处置决定书》（政府收购储备）",
}
COMPLETIONS = {
    Method.EXTEND_DEADLINE: ((Kind.OTHER, "补充协议备案，新动工期限登记"),),
    Method.NEGOTIATED_RECOVERY: (
        (Kind.PAYMENT, "支付协议收回补偿款"),
        (Kind.LAND_RECOVERED, "土地交回，纳入储备"),
    ),
    Method.LAND_SWAP: ((Kind.LAND_RECOVERED, "原地块交回，置换地块完成交付"),),
    Method.IDLE_FEE: ((Kind.PAYMENT, "权利人缴清土地闲置费"),),
    Method.FREE_RECOVERY: ((Kind.LAND_RECOVERED, "无偿收回土地，注销不动产登记"),),
    Method.SELF_REDEVELOPMENT: ((Kind.OTHER, "改造项目竣工验收"),),
    Method.TRANSFER: ((Kind.PAYMENT, "转让价款缴清，完成不动产转移登记"),),
    Method.GOVERNMENT_PURCHASE: ((Kind.PAYMENT, "支付收购补偿款"), (Kind.LAND_RECOVERED, "土地移交储备中心")),
}
HEARD_METHODS = (Method.IDLE_FEE, Method.FREE_RECOVERY)
SITE_FINDINGS = {
    IDLE: ("现场勘查", "地块现状为空地，未见施工迹象，已拍照留存。"),
    INEFFICIENT: ("现场核查", "厂房部分闲置，生产线开工不足，已拍照留存。"),
}
NOTICES = {
    IDLE: ("送达《闲置土地调查通知书》", "权利人应于30日内提交说明材料。"),
    INEFFICIENT: ("送达《低效用地核查通知书》", "权利人应于30日内提交说明材料。"),
}
# Which document an event of each kind points at, when the case has one.
EVENT_EVIDENCE = {
    Kind.SITE_INSPECTION: DocType.SITE_INSPECTION,
    Kind.HEARING_NOTICE_SERVED: DocType.HEARING_NOTICE,
    Kind.NOTICE_SERVED: DocType.INVESTIGATION_NOTICE,
    Kind.HEARING: DocType.HEARING_NOTICE,
    Kind.DECISION_ISSUED: DocType.DECISION,
    Kind.PAYMENT: DocType.PAYMENT_VOUCHER,
}
RESPONSE_DAYS = 30  # reply to a notice, comply with a decision (docs/workflow.md#statutory-deadlines)


@dataclass(frozen=True)
class DemoEvent:
    kind: str
    on: date
    title: str
    details: str = ""
    due_days: int | None = None
    met_on: date | None = None  # when the deadline it opens was met
    by_supervisor: bool = False
    from_status: str = ""
    to_status: str = ""
