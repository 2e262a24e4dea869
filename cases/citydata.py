"""The word lists `manage.py generate_city` draws a city's ledger from.

Nine parks after Zhuhai's "4+4+1" grouping of its industrial parks, and the pieces of
Chinese company names, people's names and addresses, each with a weight that follows how often it
occurs in real company registers: a few characters (华, 鑫, 达, 源 …) stand in a large share of all
names, a long tail in few. The parks are real places; every enterprise, person and figure generated
from these lists is invented.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class CityPark:
    code: str  # distinct from the demo's XQ and DEMO2
    name: str
    district: str
    county: str  # administrative division code: starts credit codes and parcel codes
    cadastral_area: str  # cadastral district and sub-district of the park's parcel codes
    address: str  # the start of every location in the park
    road: str  # the name roads in the park are numbered after
    weight: int  # the park's share of the city's enterprises, parcels and cases


# "4+4+1": four large industrial parks, four specialised parks, one cross-border cooperation zone.
PARKS = (
    CityPark(
        "GLG", "珠海经济技术开发区（高栏港）", "金湾区", "440404", "106001", "珠海市金湾区高栏港", "港", 17
    ),
    CityPark("FSG", "富山工业园", "斗门区", "440403", "108002", "珠海市斗门区富山工业园", "富山", 15),
    CityPark("GXQ", "珠海高新技术产业开发区", "香洲区", "440402", "102004", "珠海市香洲区唐家湾", "科技", 14),
    CityPark("JWH", "金湾航空产业园", "金湾区", "440404", "103005", "珠海市金湾区三灶镇", "航空", 11),
    CityPark("XQK", "新青科技工业园", "斗门区", "440403", "106003", "珠海市斗门区新青科技工业园", "新青", 11),
    CityPark("LGQ", "金湾联港工业区", "金湾区", "440404", "101006", "珠海市金湾区红旗镇", "联港", 10),
    CityPark("DMZ", "斗门智能制造经济开发区", "斗门区", "440403", "104007", "珠海市斗门区白蕉镇", "智造", 9),
    CityPark("BSQ", "珠海保税区", "香洲区", "440402", "105008", "珠海市香洲区洪湾", "保税", 7),
    CityPark("HQZ", "横琴粤澳深度合作区产业园", "香洲区", "440402", "109009", "珠海市横琴新区", "琴海", 6),
)

# Company names: {place}{stem}{industry}{suffix}, e.g. 珠海市鑫华电子科技有限公司 -----------------------

# Where the name starts; "" takes the form 鑫华电子（珠海）有限公司.
PLACES = (
    ("珠海市", 46),
    ("珠海", 16),
    ("广东", 7),
    ("珠海市斗门区", 5),
    ("珠海市金湾区", 5),
    ("珠海市香洲区", 3),
    ("珠海横琴", 3),
    ("斗门", 2),
    ("金湾", 2),
    ("", 11),
)

# Characters of the trade name (字号) by rank in company registers; a character's weight is
# 1000 / rank^0.9, so 华 occurs about 14 times as often as the 20th and 60 times as often as the 100th.
STEM_CHARACTERS = (
    "华鑫达源泰宏盛恒信科兴德利通天海新丰嘉诚金安中明瑞博汇永佳荣成创腾昌力美鹏富建龙东祥顺正晟联航远"
    "精润辉凯星峰宇光和万伟长邦捷晶弘耀森智欣亿隆昊骏立广发锦亚洋鼎合国家益同康祺乐思铭晖志欧普捷程"
    "豪威雅金烨圣宝世立佳新铭晨卓扬展凌毅拓驰力皓灿翔宸煜赛锐优达维奥"
)
STEM_CHARACTERS = "".join(dict.fromkeys(STEM_CHARACTERS))  # each character once, at its first rank
STEM_WEIGHTS = tuple(round(1000 / (rank**0.9), 3) for rank in range(1, len(STEM_CHARACTERS) + 1))

# What the company does, by how often it stands in the names of industrial-park enterprises.
INDUSTRIES = (
    ("科技", 200),
    ("电子", 120),
    ("电子科技", 60),
    ("实业", 60),
    ("新材料", 60),
    ("精密机械", 40),
    ("智能科技", 40),
    ("新能源", 50),
    ("智能装备", 25),
    ("电气", 40),
    ("机械", 40),
    ("光电", 30),
    ("五金", 30),
    ("塑胶", 30),
    ("生物科技", 30),
    ("精密模具", 20),
    ("电路", 20),
    ("物流", 30),
    ("包装", 20),
    ("化工", 20),
    ("医药", 20),
    ("照明", 20),
    ("通信", 20),
    ("半导体", 15),
    ("储能科技", 15),
    ("医疗器械", 15),
    ("环保科技", 15),
    ("建材", 15),
    ("食品", 15),
    ("工贸", 15),
    ("汽车零部件", 10),
    ("印刷", 10),
    ("家具", 10),
    ("服饰", 8),
    ("仓储", 8),
    ("游艇", 5),
    ("航空科技", 5),
    ("软件", 5),
)

SUFFIXES = (
    ("有限公司", 80),
    ("股份有限公司", 12),
    ("有限责任公司", 4),
    ("集团有限公司", 2),
    ("制造有限公司", 2),
)

# People: surnames by their share of China's population, given-name characters by frequency -----

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蔡蒋余于杜叶程魏苏吕丁任卢姚沈钟"
    "姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛段雷龙黎史陶贺毛郝顾龚邵万覃武钱戴严欧莫孔向常汤康易乔赖文"
)
SURNAMES = "".join(dict.fromkeys(SURNAMES))
SURNAME_WEIGHTS = tuple(round(1000 / (rank**0.8), 3) for rank in range(1, len(SURNAMES) + 1))
GIVEN_CHARACTERS = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建文辉"
    "玲志红梅鹏飞宇浩婷晓东海波俊峰雪琳嘉欣思怡子涵雨轩佳慧"
)
GIVEN_CHARACTERS = "".join(dict.fromkeys(GIVEN_CHARACTERS))
GIVEN_WEIGHTS = tuple(round(1000 / (rank**0.7), 3) for rank in range(1, len(GIVEN_CHARACTERS) + 1))

# Roads: {park road}{number}路, {n}号 ---------------------------------------------------------------

ROAD_NUMBERS = "一二三四五六七八九十"
ROAD_KINDS = ("路", "大道", "街")

# Partners of revitalisation measures: names carry the park's road name to stay unique per park.
PARTNER_NAMES = {
    "bank": (
        "中国工商银行珠海{road}支行",
        "中国建设银行珠海{road}支行",
        "珠海华润银行{road}支行",
        "中国银行珠海{road}支行",
    ),
    "state_owned": (
        "珠海华发{road}产业投资有限公司",
        "珠海格力{road}实业有限公司",
        "珠海九洲{road}控股有限公司",
    ),
    "private_investor": ("珠海{road}创投合伙企业（有限合伙）", "广东{road}实业投资有限公司"),
    "fund": ("珠海{road}产业升级基金", "珠海市{road}科创股权投资基金"),
    "government_platform": ("珠海{road}园区开发建设有限公司", "珠海{road}城市更新发展有限公司"),
}

# Project leads: investors and projects looking for land.
LEAD_PROJECTS = (
    ("新能源电池模组产线", "新能源"),
    ("半导体封装测试基地", "半导体"),
    ("智能装备总装车间", "智能装备"),
    ("生物医药中试平台", "生物医药"),
    ("精密模具产业园", "精密制造"),
    ("冷链物流中心", "物流"),
    ("新型显示面板配套项目", "电子信息"),
    ("储能系统集成基地", "储能"),
    ("游艇制造基地", "海洋装备"),
    ("医疗器械研发生产基地", "医疗器械"),
)

# What a timeline entry says, by kind.
EVENT_TITLES = {
    "site_inspection": ("现场核查", "现场踏勘并拍照取证", "会同街道现场核查", "复核现场开发建设情况"),
    "notice_served": ("送达闲置土地调查通知书", "送达低效用地调查通知书", "送达限期整改通知书"),
    "enterprise_reply": ("企业书面陈述", "企业提交整改说明", "权利人回函"),
    "meeting": ("约谈企业负责人", "召开处置协调会", "部门联审会议", "专题研究会议"),
    "hearing_notice_served": ("送达听证告知书",),
    "hearing": ("举行听证会",),
    "decision_issued": ("送达处置决定书",),
    "payment": ("收到土地闲置费", "收到补偿款支付凭证", "收到违约金"),
    "land_recovered": ("完成土地收回交接",),
    "review_filed": ("企业申请行政复议",),
    "lawsuit_filed": ("企业提起行政诉讼",),
    "reminder_served": ("送达催告书",),
    "enforcement_applied": ("申请法院强制执行",),
    "other": ("补充调取出让档案", "函询不动产登记中心", "征求规划部门意见", "报送处置进展"),
}

PROBLEM_NOTES = {
    "low_willingness": (
        "企业以市场低迷为由暂缓投资。",
        "权利人对收回补偿标准有异议。",
        "企业主要负责人长期不在珠海，联系困难。",
    ),
    "evidence_difficulty": (
        "早年出让档案不全，交地确认书缺失。",
        "地价款缴纳凭证需向档案馆调取。",
        "历史用地手续不全。",
    ),
    "litigation_risk": (
        "企业表示将申请行政复议。",
        "涉及债权人查封，存在诉讼风险。",
        "员工安置问题需先行化解。",
    ),
    "funding_gap": ("收回补偿资金尚未落实。", "企业改造资金缺口较大。", "暂无意向项目承接。"),
}

SUMMARIES = (
    "",
    "",
    "",
    "企业已动工但投资强度不足，纳入低效用地处置。",
    "约定开工日期届满一年未动工。",
    "容积率及亩均税收低于园区标准。",
    "部分厂房闲置，拟引入新项目共同开发。",
)

ISSUERS = ("珠海市自然资源局", "园区管委会", "珠海市人民政府", "不动产登记中心")
