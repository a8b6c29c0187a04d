"""The shape of the synthetic population: its columns, the district's sectors and towns, and the
word pools its names and addresses are drawn from.

The Chinese word pools below are synthetic-data vocabulary: names, roads and 字号 characters
that make records look like the register's, not translatable interface text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from jinqi.registry.enums import RegistrationStatus

YEARS = (2023, 2024, 2025)
REFERENCE_DATE = dt.date(2025, 12, 31)  # "today" of the population, fixed for determinism
BLOCK_ROWS = 200_000  # fixed: changing it changes every file generated for a seed

# fmt: off
# The yearly figures, in the order of the columns; each becomes `<key>_<year>`.
YEARLY_KEYS = (
    "employees", "revenue", "total_income", "total_assets", "taxable_income", "rd_expense",
    "tech_staff", "high_tech_revenue", "export_revenue", "tax_paid", "insured_employees",
    "layoff_rate_last_year",
)
STATUS_KEYS = (
    "tax_credit_level", "is_high_tech", "high_tech_certificate_number",
    "high_tech_certificate_until", "is_specialised_sme", "specialised_sme_until",
    "in_abnormal_list", "in_serious_dishonesty_list", "social_insurance_arrears",
    "industry_restricted",
    "core_ip_count", "innovation_score", "in_supported_tech_field", "major_incident_last_year",
    "ui_contribution_months", "rd_expense_domestic_3y",
)
REGISTRATION_COLUMNS = (
    "uscc", "name", "status", "established_on", "registered_capital", "enterprise_type",
    "industry_code", "town", "registered_address", "legal_representative", "contact_person",
    "contact_phone",
)
# fmt: on
MAX_EMPLOYEES = 20_000
INTEGER_KEYS = frozenset({"employees", "tech_staff", "insured_employees"})


@dataclass(frozen=True)
class Sector:
    """A slice of the district's economy and how its enterprises look."""

    divisions: tuple[str, ...]  # e.g. ("C26",): section letter and two-digit division
    weight: float  # share of enterprises (normalised over all sectors)
    classes: tuple[str, ...]  # typical GB/T 4754-2017 class codes of the slice
    words: tuple[str, ...]  # 行业词 for the names
    employees: float  # median employees
    productivity: float  # median revenue per employee, 万元 a year
    assets: float  # median total assets / revenue
    margin: float  # mean taxable income / revenue
    rd: float  # share doing R&D
    high_tech: float  # share holding a high-tech certificate
    export: float  # share exporting
    towns: str  # key of TOWN_WEIGHTS


# fmt: off
SECTORS: tuple[Sector, ...] = (
    Sector(("C26",), 9,
           ("C2614", "C2619", "C2631", "C2641", "C2642", "C2643", "C2651", "C2652", "C2661",
            "C2662", "C2669", "C2681", "C2684"),
           ("化工", "化学", "新材料", "精细化工", "化工科技", "涂料", "助剂", "高分子材料"),
           30, 130, 1.1, 0.07, 0.45, 0.1, 0.25, "chemical"),
    Sector(("C29",), 6,
           ("C2913", "C2919", "C2921", "C2922", "C2924", "C2926", "C2927", "C2929"),
           ("塑料制品", "塑胶", "橡塑", "塑业", "橡胶制品", "包装材料"),
           25, 60, 0.9, 0.05, 0.3, 0.06, 0.2, "industrial"),
    Sector(("C34",), 5,
           ("C3441", "C3442", "C3443", "C3444", "C3453", "C3462", "C3463", "C3484", "C3489"),
           ("机械", "机电", "通用设备", "阀门", "泵业", "精密机械"),
           28, 45, 1, 0.05, 0.4, 0.08, 0.18, "industrial"),
    Sector(("C35",), 4,
           ("C3511", "C3521", "C3523", "C3531", "C3544", "C3581", "C3591"),
           ("机械设备", "环保设备", "智能装备", "自动化设备", "医疗器械"),
           30, 50, 1.1, 0.06, 0.5, 0.12, 0.15, "industrial"),
    Sector(("C36",), 3,
           ("C3670", "C3660", "C3630"),
           ("汽车零部件", "汽车配件", "汽车部件", "车业"),
           45, 65, 0.9, 0.05, 0.4, 0.08, 0.2, "industrial"),
    Sector(("C30",), 2.5,
           ("C3021", "C3022", "C3031", "C3061", "C3062", "C3089", "C3091"),
           ("建材", "新型建材", "玻璃制品", "混凝土", "耐火材料"),
           25, 55, 1.2, 0.05, 0.2, 0.04, 0.05, "industrial"),
    Sector(("C33",), 4,
           ("C3311", "C3312", "C3331", "C3332", "C3340", "C3360", "C3399"),
           ("金属制品", "五金", "钢结构", "金属科技"),
           20, 40, 0.9, 0.04, 0.2, 0.04, 0.12, "industrial"),
    Sector(("C27",), 1,
           ("C2710", "C2720", "C2761"),
           ("医药", "药业", "生物医药"),
           40, 75, 1.4, 0.1, 0.7, 0.25, 0.15, "chemical"),
    Sector(("C38",), 2,
           ("C3812", "C3831", "C3841", "C3899"),
           ("电气", "电器", "电缆", "新能源科技"),
           30, 55, 1, 0.06, 0.45, 0.12, 0.15, "industrial"),
    Sector(("C39",), 1,
           ("C3971", "C3982", "C3989"),
           ("电子", "电子科技", "微电子"),
           35, 50, 1, 0.06, 0.6, 0.2, 0.3, "industrial"),
    Sector(("C25",), 0.3,
           ("C", "2", "5", "1", "1"),
           ("石油化工", "能源"),
           60, 300, 1.3, 0.06, 0.3, 0.08, 0.1, "chemical"),
    Sector(("C28",), 0.5,
           ("C2821", "C2822", "C2829"),
           ("化纤", "纤维"),
           40, 100, 1.1, 0.04, 0.3, 0.06, 0.15, "chemical"),
    Sector(("C13", "C14"), 1.5,
           ("C1391", "C1392", "C1431", "C1439", "C1469"),
           ("食品", "农产品加工", "食品科技"),
           20, 45, 0.9, 0.05, 0.15, 0.03, 0.05, "rural"),
    Sector(("C17",), 1,
           ("C1713", "C1752", "C1762"),
           ("纺织", "织造", "纺织品"),
           25, 30, 0.9, 0.04, 0.1, 0.02, 0.15, "industrial"),
    Sector(("C22",), 0.7,
           ("C2231", "C2239"),
           ("纸业", "包装制品"),
           20, 45, 0.9, 0.04, 0.1, 0.02, 0.05, "industrial"),
    Sector(("F51", "F52"), 17,
           ("F5162", "F5165", "F5169", "F5174", "F5211", "F5212", "F5263"),
           ("贸易", "商贸", "实业", "化工贸易", "国际贸易", "建材贸易", "五金交电"),
           4, 75, 0.5, 0.03, 0.02, 0.002, 0.08, "urban"),
    Sector(("G54", "G55", "G58", "G59"), 7,
           ("G5431", "G5435", "G5437", "G5522", "G5821", "G5920", "G5942"),
           ("物流", "运输", "货运代理", "仓储", "供应链管理", "危险品运输"),
           10, 30, 0.8, 0.03, 0.03, 0.003, 0.05, "chemical"),
    Sector(("E47", "E48", "E49", "E50"), 6,
           ("E4710", "E4790", "E4813", "E4910", "E4920", "E4999", "E5011", "E5012"),
           ("建设工程", "建筑工程", "装饰工程", "市政工程", "建筑安装"),
           12, 35, 0.7, 0.04, 0.05, 0.01, 0, "urban"),
    Sector(("I65",), 5,
           ("I6511", "I6513", "I6519", "I6520", "I6531", "I6532", "I6540", "I6560"),
           ("信息科技", "软件", "网络科技", "数字科技", "智能科技"),
           8, 20, 0.6, 0.08, 0.55, 0.1, 0.03, "urban"),
    Sector(("L71", "L72"), 10,
           ("L7111", "L7212", "L7221", "L7224", "L7241", "L7243", "L7259", "L7263", "L7292"),
           ("企业管理", "商务咨询", "投资管理", "人力资源", "广告", "会展服务"),
           4, 20, 1, 0.06, 0.02, 0.001, 0.01, "urban"),
    Sector(("M73", "M74", "M75"), 6,
           ("M7320", "M7452", "M7461", "M7484", "M7491", "M7513", "M7514", "M7519"),
           ("科技", "检测技术", "环境科技", "工程设计", "技术服务", "生物科技"),
           7, 22, 0.8, 0.07, 0.45, 0.07, 0.02, "urban"),
    Sector(("A01", "A03", "A04", "A05"), 3,
           ("A0111", "A0141", "A0151", "A0152", "A0313", "A0412", "A0511"),
           ("农业", "果蔬专业", "生态农业", "农业科技", "种植"),
           6, 12, 1.5, 0.03, 0.05, 0.005, 0, "rural"),
    Sector(("H61", "H62"), 3,
           ("H6110", "H6210", "H6220", "H6242"),
           ("餐饮", "餐饮管理", "酒店管理"),
           8, 10, 0.5, 0.03, 0, 0, 0, "urban"),
    Sector(("K70",), 1,
           ("K7010", "K7020"),
           ("房地产开发", "置业", "物业管理"),
           10, 60, 3, 0.08, 0, 0, 0, "urban"),
    Sector(("O80", "O81"), 1,
           ("O8010", "O8111"),
           ("汽车维修", "家政服务"),
           5, 12, 0.5, 0.04, 0, 0, 0, "urban"),
)

# Weights of the nine towns, Shihua street and the three parks, by kind of enterprise.
TOWN_CODES = (
    "town-zhujing", "town-fengjing", "town-zhangyan", "town-tinglin", "town-lvxiang",
    "town-langxia", "town-jinshanwei", "town-caojing", "town-shanyang", "street-shihua",
    "park-jinshan-industrial", "park-bay-hitech", "park-carbon-valley",
)
TOWN_NAMES = (
    "朱泾镇", "枫泾镇", "张堰镇", "亭林镇", "吕巷镇", "廊下镇", "金山卫镇", "漕泾镇", "山阳镇",
    "石化街道", "金山工业区", "湾区高新区", "碳谷绿湾产业园",
)
TOWN_WEIGHTS: dict[str, tuple[float, ...]] = {
    "industrial": (6, 8, 4, 7, 3, 2, 6, 5, 5, 3, 25, 16, 10),
    "chemical": (3, 3, 2, 4, 1, 1, 5, 18, 4, 14, 12, 5, 28),
    "urban": (20, 12, 6, 10, 4, 3, 7, 5, 14, 12, 3, 3, 1),
    "rural": (8, 10, 12, 9, 16, 20, 6, 5, 5, 2, 3, 2, 2),
}
ROADS = (
    "亭卫公路", "金山大道", "卫零路", "龙胜路", "沪杭公路", "松金公路", "朱枫公路", "漕廊公路",
    "金张公路", "朱吕公路", "亭枫公路", "板桥西路", "卫清西路", "蒙山路", "龙航路", "海金路",
    "月工路", "林慧路", "浦卫公路", "新农路", "亭林路", "枫阳路", "张堰路", "吕青公路", "廊华路",
    "漕泾路", "学府路", "杭州湾大道", "金百路", "秋实路", "山阳路", "卫昌路",
)
ZIHAO_FIRST = (
    "华", "金", "宏", "盛", "鑫", "瑞", "恒", "丰", "泰", "兴", "达", "源", "通", "利", "嘉", "信",
    "德", "宇", "新", "和", "创", "晟", "昌", "正", "博", "佳", "永", "伟", "联", "海", "明", "安",
    "欣", "辉", "祥", "荣", "凯", "旭", "中", "东", "天", "诚", "远", "富", "康", "益", "鼎", "沪",
    "申", "浦", "江", "亭", "枫", "卫", "山", "宝", "万", "汇", "合", "森", "科", "银", "泓", "润",
    "骏", "卓", "尚", "誉", "弘", "铭", "振", "星", "灵", "鸿", "晨", "磊", "皓", "聚", "优", "圣",
    "亿", "帝", "爱", "美", "捷", "顺", "福", "长", "立", "启",
)
ZIHAO_SECOND = (
    "华", "泰", "丰", "达", "源", "通", "利", "鑫", "盛", "昌", "兴", "宇", "晟", "德", "诚", "辉",
    "祥", "瑞", "恒", "嘉", "力", "峰", "洋", "川", "港", "湾", "林", "锦", "成", "凯", "汇", "隆",
    "邦", "越", "腾", "飞", "迪", "科", "创", "茂", "元", "亚", "欧", "美", "特", "伦", "宁", "安",
    "平", "正", "信", "联", "杉", "星", "光", "明", "扬", "航", "能", "豪", "旺", "福", "合", "润",
    "泽", "晨", "驰", "弘", "铭", "尚", "翔", "璞", "琪", "捷", "睿",
)
SURNAMES = (
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "沈", "陆",
    "顾", "钱", "金", "蒋", "蔡", "姚", "潘", "戴", "范", "汪", "叶", "程", "施",
)
SURNAME_WEIGHTS = (
    9, 8, 8, 6, 6, 4, 3, 3, 3, 4, 5, 2, 1, 4, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 5, 4,
    4, 3, 2, 2, 2, 2, 2, 1, 1, 1, 2, 1, 2,
)
GIVEN = (
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
    "超", "秀", "霞", "平", "刚", "桂", "英", "华", "文", "斌", "建", "国", "俊", "峰", "红", "玲",
    "晨", "浩", "宇", "婷", "雪", "慧", "佳", "琳", "鹏", "辉", "海", "燕", "莉", "志", "宏", "春",
    "亮", "德", "荣", "林", "梅", "晓", "欣", "怡", "凯", "瑞", "彬", "健",
)
ENTERPRISE_TYPES = (
    "有限责任公司（自然人投资或控股）", "有限责任公司（自然人独资）",
    "有限责任公司（非自然人投资或控股的法人独资）", "有限责任公司（国有独资）",
    "有限责任公司（外国法人独资）", "有限责任公司（台港澳法人独资）", "有限责任公司（中外合资）",
    "股份有限公司（非上市、自然人投资或控股）", "股份有限公司（上市、自然人投资或控股）",
)
ENTERPRISE_TYPE_WEIGHTS = (58, 14, 12, 1.5, 3, 2, 1.5, 7.5, 0.5)
JOINT_STOCK_TYPES = (7, 8)  # indices of ENTERPRISE_TYPES whose names end 股份有限公司
MOBILE_PREFIXES = (
    130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 150, 151, 152, 153, 155, 156, 157, 158, 159,
    166, 173, 177, 180, 181, 182, 183, 185, 186, 187, 188, 189, 191, 198, 199,
)
# fmt: on
STATUSES = (
    RegistrationStatus.ACTIVE,
    RegistrationStatus.CANCELLED,
    RegistrationStatus.REVOKED,
    RegistrationStatus.MOVED_OUT,
)
STATUS_WEIGHTS = (0.86, 0.08, 0.04, 0.02)
TAX_LEVELS = ("A", "B", "M", "C", "D")
OLD_CODE_BEFORE = dt.date(2015, 10, 1)  # codes issued since then carry new organisation codes
