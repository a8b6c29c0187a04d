"""A synthetic population of Jinshan enterprises, for the demo and for benchmarks.

Vectorised with numpy and pyarrow so that millions of rows take seconds. The same count and seed
always give the same file: rows are generated in fixed blocks, each from a generator seeded by
(seed, block), and the unique codes and names are bijections of the row's position.

The figures are skewed the way a real register is (log-normal and Pareto sizes) and consistent
with one another: taxable income, R&D, high-tech and export revenue and tax stay below revenue,
technical and insured staff below employees, no figures before the year of establishment.

The Chinese word pools below are synthetic-data vocabulary: names, roads and 字号 characters
that make records look like the register's, not translatable interface text.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from jinqi.registry.enums import RegistrationStatus
from jinqi.registry.uscc import ALPHABET, JINSHAN_REGION, ORG_ALPHABET, ORG_WEIGHTS, WEIGHTS

YEARS = (2023, 2024, 2025)
REFERENCE_DATE = dt.date(2025, 12, 31)  # "today" of the population, fixed for determinism
BLOCK_ROWS = 200_000  # fixed: changing it changes every file generated for a seed
INDUSTRY_TABLE = Path(__file__).resolve().parent / "data" / "gbt4754-2017.csv"

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


def columns() -> list[str]:
    """The columns of a synthetic file, in order."""
    yearly = [f"{key}_{year}" for year in YEARS for key in YEARLY_KEYS]
    return [*REGISTRATION_COLUMNS, *yearly, *STATUS_KEYS]


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

Progress = Callable[[int, int], None]


def synth_write(path: Path, *, count: int, seed: int, on_progress: Progress | None = None) -> int:
    """Write `count` synthetic enterprises to a Parquet file; returns the number written.

    The file appears only when complete (written beside it first, then renamed)."""
    if count < 0:
        raise ValueError("count must not be negative")
    generator = _Generator(seed)
    partial = path.with_name(path.name + ".partial")
    writer: pq.ParquetWriter | None = None
    done = 0
    try:
        for block, start in enumerate(range(0, max(count, 1), BLOCK_ROWS)):
            size = min(BLOCK_ROWS, count - start)
            table = generator.block(block, size)
            if writer is None:
                writer = pq.ParquetWriter(str(partial), table.schema, compression="zstd")
            writer.write_table(table)
            done += size
            if on_progress is not None:
                on_progress(done, count)
        if writer is not None:
            writer.close()
            writer = None
        partial.replace(path)
    finally:
        if writer is not None:
            writer.close()
        partial.unlink(missing_ok=True)
    return done


def synth_table(*, count: int, seed: int) -> pa.Table:
    """The same rows as `synth_write`, in memory (for tests and small demos)."""
    generator = _Generator(seed)
    blocks = [
        generator.block(block, min(BLOCK_ROWS, count - start))
        for block, start in enumerate(range(0, max(count, 1), BLOCK_ROWS))
    ]
    return pa.concat_tables(blocks)


@dataclass(frozen=True)
class _Classes:
    codes: tuple[str, ...]
    weights: tuple[float, ...]


def sector_classes(table: Path = INDUSTRY_TABLE) -> list[_Classes]:
    """Each sector's class codes: from the shipped GB/T 4754-2017 table when there is one (the
    sector's typical classes weighted up), else the built-in typical classes."""
    known = _table_classes(table)
    result = []
    for sector in SECTORS:
        if not known:
            result.append(_Classes(sector.classes, tuple(1.0 for _ in sector.classes)))
            continue
        codes = sorted(c for c in known if c[:3] in sector.divisions)
        typical = set(sector.classes)
        if not codes:
            codes = list(sector.classes)
        result.append(_Classes(tuple(codes), tuple(8.0 if c in typical else 1.0 for c in codes)))
    return result


def _table_classes(table: Path) -> set[str]:
    """The class codes (letter and four digits) of the industry table, if it is shipped."""
    if not table.is_file():
        return set()
    with table.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        codes = {(row.get("code") or "").strip() for row in reader}
    return {c for c in codes if len(c) == 5 and c[0].isalpha() and c[1:].isdigit()}


class _Generator:
    """Generates blocks in order; remembers the names used so far so they stay unique."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        setup = np.random.default_rng([seed, 0x5EED])
        self.old_codes = _Permutation(10**8, setup)
        self.new_codes = _Permutation(31**5, setup)
        self.old_used = 0
        self.new_used = 0
        self.used_names = np.empty(0, dtype=np.int64)
        classes = sector_classes()
        self.class_pool = [pa.array(c.codes) for c in classes]
        self.class_weights = [np.array(c.weights) / sum(c.weights) for c in classes]
        words: list[str] = []
        self.word_ranges: list[tuple[int, int]] = []
        for sector in SECTORS:
            self.word_ranges.append((len(words), len(sector.words)))
            words.extend(sector.words)
        self.words = pa.array(words)

    def block(self, index: int, size: int) -> pa.Table:
        rng = np.random.default_rng([self.seed, index])
        n = size
        sector_weights = np.array([s.weight for s in SECTORS])
        sector = rng.choice(len(SECTORS), size=n, p=sector_weights / sector_weights.sum())
        age_days = np.minimum(rng.exponential(8.5 * 365.25, n), 45 * 365.25).astype(np.int64)
        established = np.datetime64(REFERENCE_DATE.isoformat()) - age_days.astype("timedelta64[D]")
        established_year = established.astype("datetime64[Y]").astype(np.int64) + 1970
        status = rng.choice(len(STATUSES), size=n, p=STATUS_WEIGHTS)
        kind = rng.choice(len(ENTERPRISE_TYPES), size=n, p=_normalised(ENTERPRISE_TYPE_WEIGHTS))

        columns: dict[str, pa.Array] = {}
        columns["uscc"] = self._codes(established, rng)
        columns["name"] = self._names(sector, kind, rng)
        columns["status"] = pa.array([str(s) for s in STATUSES]).take(pa.array(status))
        columns["established_on"] = pa.array(established.astype("datetime64[D]"), pa.date32())
        columns["registered_capital"] = pa.array(_capital(rng, n))
        columns["enterprise_type"] = pa.array(ENTERPRISE_TYPES).take(pa.array(kind))
        columns["industry_code"] = self._industries(sector, rng)
        town = self._towns(sector, rng)
        columns["town"] = pa.array(TOWN_CODES).take(pa.array(town))
        columns["registered_address"] = _addresses(town, rng)
        columns["legal_representative"] = _person_names(rng, n)
        columns["contact_person"] = _person_names(rng, n)
        columns["contact_phone"] = _phones(rng, n)
        figures = _Figures(rng, sector, established_year, age_days, status)
        for year in YEARS:
            for key in YEARLY_KEYS:
                values, missing = figures.yearly[key][year]
                arrow_type = pa.int64() if key in INTEGER_KEYS else pa.float64()
                columns[f"{key}_{year}"] = pa.array(values, arrow_type, mask=missing)
        for key in STATUS_KEYS:
            columns[key] = figures.status[key]
        return pa.table(columns)

    def _codes(self, established: np.ndarray, rng: np.random.Generator) -> pa.Array:
        """Unique valid codes: positions 9–16 a bijection of the row's place in its family."""
        n = len(established)
        old = established < np.datetime64(OLD_CODE_BEFORE.isoformat())
        body = np.empty((n, 8), dtype=np.uint8)
        count_old = int(old.sum())
        old_numbers = self.old_codes(np.arange(self.old_used, self.old_used + count_old))
        self.old_used += count_old
        body[old] = _digits(old_numbers, 8, np.frombuffer(b"0123456789", np.uint8))
        new_numbers = self.new_codes(np.arange(self.new_used, self.new_used + n - count_old))
        self.new_used += n - count_old
        new_body = np.empty((n - count_old, 8), dtype=np.uint8)
        new_body[:, :3] = np.frombuffer(b"MA1", np.uint8)
        new_body[:, 3:] = _digits(new_numbers, 5, np.frombuffer(ALPHABET.encode(), np.uint8))
        body[~old] = new_body
        org_values = _ORG_VALUE[body]
        org_total = org_values @ np.array(ORG_WEIGHTS)
        org_check = 11 - org_total % 11
        org_char = np.where(
            org_check == 10, ord("X"), np.where(org_check == 11, ord("0"), org_check + ord("0"))
        ).astype(np.uint8)
        code = np.empty((n, 18), dtype=np.uint8)
        code[:, :8] = np.frombuffer(("91" + JINSHAN_REGION).encode(), np.uint8)
        code[:, 8:16] = body
        code[:, 16] = org_char
        total = _USCC_VALUE[code[:, :17]] @ np.array(WEIGHTS)
        code[:, 17] = np.frombuffer(ALPHABET.encode(), np.uint8)[(31 - total % 31) % 31]
        return pc.cast(pa.array(code.reshape(-1).view("S18")), pa.string())

    def _names(self, sector: np.ndarray, kind: np.ndarray, rng: np.random.Generator) -> pa.Array:
        """上海 + 字号 + 行业词 + 有限公司, unique over the whole file."""
        n = len(sector)
        offset = np.array([r[0] for r in self.word_ranges])[sector]
        length = np.array([r[1] for r in self.word_ranges])[sector]
        word = offset + (rng.random(n) * length).astype(np.int64)
        p1, p2, nwords = len(ZIHAO_FIRST), len(ZIHAO_SECOND), len(self.words)
        first = rng.integers(0, p1, n)
        second = rng.integers(0, p2, n)
        third = np.full(n, -1, dtype=np.int64)  # a third 字号 character when needed
        keys = (first * p2 + second) * nwords + word
        base3 = p1 * p2 * nwords
        # Rows whose name is taken draw a new three-character 字号 until none clashes.
        taken = [self.used_names]
        pending = np.arange(n)
        for _round in range(100):
            candidate = keys[pending]
            clash = _repeated(candidate)
            for sorted_keys in taken:
                clash |= _in_sorted(candidate, sorted_keys)
            taken.append(np.sort(candidate[~clash]))
            pending = pending[clash]
            if not len(pending):
                break
            size = len(pending)
            first[pending] = rng.integers(0, p1, size)
            second[pending] = rng.integers(0, p2, size)
            third[pending] = rng.integers(0, p2, size)
            keys[pending] = (
                base3
                + ((first[pending] * p2 + second[pending]) * p2 + third[pending]) * nwords
                + word[pending]
            )
        else:  # pragma: no cover -- 100 rounds of clashes would need billions of rows
            raise RuntimeError("could not find unique names")
        self.used_names = np.sort(np.concatenate(taken))
        third_chars = pa.array(("", *ZIHAO_SECOND)).take(pa.array(third + 1))
        suffix = pa.array(("有限公司", "股份有限公司")).take(
            pa.array(np.isin(kind, JOINT_STOCK_TYPES).astype(np.int64))
        )
        return pc.binary_join_element_wise(
            pa.array(["上海"] * n),
            pa.array(ZIHAO_FIRST).take(pa.array(first)),
            pa.array(ZIHAO_SECOND).take(pa.array(second)),
            third_chars,
            self.words.take(pa.array(word)),
            suffix,
            "",
        )

    def _industries(self, sector: np.ndarray, rng: np.random.Generator) -> pa.Array:
        codes = np.empty(len(sector), dtype=object)
        for index in range(len(SECTORS)):
            rows = np.flatnonzero(sector == index)
            if not len(rows):
                continue
            pool = self.class_pool[index]
            picked = rng.choice(len(pool), size=len(rows), p=self.class_weights[index])
            codes[rows] = pool.take(pa.array(picked)).to_numpy(zero_copy_only=False)
        return pa.array(codes, pa.string())

    def _towns(self, sector: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        town = np.empty(len(sector), dtype=np.int64)
        kinds = np.array([s.towns for s in SECTORS])[sector]
        for kind, weights in TOWN_WEIGHTS.items():
            rows = np.flatnonzero(kinds == kind)
            town[rows] = rng.choice(len(TOWN_CODES), size=len(rows), p=_normalised(weights))
        return town


class _Permutation:
    """x ↦ (a·x + b) mod m with a coprime to m: a bijection of [0, m) that looks random."""

    def __init__(self, modulus: int, rng: np.random.Generator) -> None:
        self.modulus = modulus
        a = int(rng.integers(modulus // 3, modulus - 1))
        while math.gcd(a, modulus) != 1:
            a += 1
        self.a = a
        self.b = int(rng.integers(0, modulus))

    def __call__(self, x: np.ndarray) -> np.ndarray:
        if len(x) and int(x[-1]) >= self.modulus:
            raise ValueError("more synthetic codes than the code space holds")
        return (x.astype(np.int64) * self.a + self.b) % self.modulus


def _value_table(alphabet: str) -> np.ndarray:
    table = np.zeros(256, dtype=np.int64)
    for index, char in enumerate(alphabet):
        table[ord(char)] = index
    return table


_ORG_VALUE = _value_table(ORG_ALPHABET)
_USCC_VALUE = _value_table(ALPHABET)


def _digits(numbers: np.ndarray, width: int, symbols: np.ndarray) -> np.ndarray:
    """`numbers` written in base len(symbols) with `width` characters (as bytes)."""
    base = len(symbols)
    out = np.empty((len(numbers), width), dtype=np.uint8)
    rest = numbers.copy()
    for position in range(width - 1, -1, -1):
        out[:, position] = symbols[rest % base]
        rest //= base
    return out


def _repeated(keys: np.ndarray) -> np.ndarray:
    """Which keys repeat an earlier key of the same array (the first one stays)."""
    _, first = np.unique(keys, return_index=True)
    repeated = np.ones(len(keys), dtype=bool)
    repeated[first] = False
    return repeated


def _in_sorted(keys: np.ndarray, sorted_keys: np.ndarray) -> np.ndarray:
    if not len(sorted_keys):
        return np.zeros(len(keys), dtype=bool)
    position = np.minimum(np.searchsorted(sorted_keys, keys), len(sorted_keys) - 1)
    return sorted_keys[position] == keys


def _normalised(weights: Sequence[float]) -> np.ndarray:
    array = np.asarray(weights, dtype=np.float64)
    return array / array.sum()


def _capital(rng: np.random.Generator, n: int) -> np.ndarray:
    """Registered capital in 万元: log-normal, written the round way people register it."""
    raw = np.exp(rng.normal(math.log(100), 1.3, n))
    raw = np.clip(raw, 1, 5_000_000)
    magnitude = 10 ** np.floor(np.log10(raw))
    rounder = np.where(rng.random(n) < 0.6, magnitude, magnitude / 10)
    return np.maximum(np.round(raw / rounder) * rounder, 1).round(2)


def _addresses(town: np.ndarray, rng: np.random.Generator) -> pa.Array:
    n = len(town)
    road = rng.integers(0, len(ROADS), n)
    number = rng.integers(1, 9000, n)
    with_room = rng.random(n) < 0.35
    building = rng.integers(1, 20, n)
    room = rng.integers(1, 12, n) * 100 + rng.integers(1, 20, n)
    room_text = pc.if_else(
        pa.array(with_room),
        pc.binary_join_element_wise(
            pc.cast(pa.array(building), pa.string()),
            "幢",
            pc.cast(pa.array(room), pa.string()),
            "室",
            "",
        ),
        pa.array([""] * n),
    )
    return pc.binary_join_element_wise(
        pa.array(["上海市金山区"] * n),
        pa.array(TOWN_NAMES).take(pa.array(town)),
        pa.array(ROADS).take(pa.array(road)),
        pc.cast(pa.array(number), pa.string()),
        pa.array(["号"] * n),
        room_text,
        "",
    )


def _person_names(rng: np.random.Generator, n: int) -> pa.Array:
    surname = rng.choice(len(SURNAMES), size=n, p=_normalised(SURNAME_WEIGHTS))
    given = pa.array(GIVEN)
    first = rng.integers(0, len(GIVEN), n)
    second = rng.integers(0, len(GIVEN) + 1, n)  # the extra index: a one-character given name
    second = np.where(rng.random(n) < 0.3, len(GIVEN), second)
    return pc.binary_join_element_wise(
        pa.array(SURNAMES).take(pa.array(surname)),
        given.take(pa.array(first)),
        pa.array((*GIVEN, "")).take(pa.array(second)),
        "",
    )


def _phones(rng: np.random.Generator, n: int) -> pa.Array:
    prefix = np.array(MOBILE_PREFIXES, dtype=np.int64)[rng.integers(0, len(MOBILE_PREFIXES), n)]
    number = prefix * 100_000_000 + rng.integers(0, 100_000_000, n)
    return pc.cast(pa.array(number), pa.string())


class _Figures:
    """The yearly figures and status facts of a block, consistent with one another."""

    def __init__(
        self,
        rng: np.random.Generator,
        sector: np.ndarray,
        established_year: np.ndarray,
        age_days: np.ndarray,
        status: np.ndarray,
    ) -> None:
        n = len(sector)

        def per_sector(attribute: str) -> np.ndarray:
            return np.array([getattr(s, attribute) for s in SECTORS], dtype=np.float64)[sector]

        age_years = age_days / 365.25
        # Size: log-normal around the sector's median, a Pareto tail of large enterprises,
        # and shells with nobody employed.
        employees = np.exp(rng.normal(np.log(per_sector("employees")), 1.1, n))
        tail = rng.random(n) < 0.01
        employees[tail] *= 5 * (rng.pareto(1.6, int(tail.sum())) + 1)
        employees = np.clip(np.round(employees), 0, MAX_EMPLOYEES)
        employees[rng.random(n) < 0.03] = 0
        productivity = np.exp(rng.normal(np.log(per_sector("productivity")), 0.6, n))
        productivity = np.minimum(productivity, 5_000)
        revenue = np.maximum(employees, 0.5) * productivity * np.exp(rng.normal(0, 0.3, n))
        assets_ratio = np.exp(rng.normal(np.log(per_sector("assets")), 0.5, n))
        margin = np.clip(rng.normal(per_sector("margin"), 0.06, n), -0.3, 0.5)

        # The certificate needs a year since establishment (and some staff to speak of).
        high_tech = (rng.random(n) < per_sector("high_tech")) & (age_years >= 1) & (employees >= 5)
        does_rd = high_tech | (rng.random(n) < per_sector("rd"))
        rd_ratio = np.where(
            does_rd, np.clip(np.exp(rng.normal(np.log(0.04), 0.5, n)), 0.005, 0.3), 0.0
        )
        rd_ratio = np.where(high_tech, np.maximum(rd_ratio, rng.uniform(0.025, 0.09, n)), rd_ratio)
        tech_share = np.where(
            high_tech, rng.beta(4, 14, n), np.where(does_rd, rng.beta(2, 25, n), rng.beta(1, 60, n))
        )
        high_tech_share = np.where(
            high_tech,
            rng.uniform(0.45, 0.97, n),
            np.where(does_rd & (rng.random(n) < 0.3), rng.uniform(0, 0.4, n), 0.0),
        )
        exporter = rng.random(n) < per_sector("export")
        export_share = np.where(exporter, rng.beta(2, 4, n), 0.0)
        tax_rate = np.clip(np.exp(rng.normal(np.log(0.035), 0.45, n)), 0.002, 0.2)
        other_income = rng.exponential(0.03, n)
        insured_share = np.where(rng.random(n) < 0.08, 0.0, rng.uniform(0.6, 1.0, n))
        lays_off = rng.random(n) < 0.18

        self.yearly: dict[str, dict[int, tuple[np.ndarray, np.ndarray]]] = {
            key: {} for key in YEARLY_KEYS
        }
        gone = status != STATUSES.index(RegistrationStatus.ACTIVE)
        rd_total = np.zeros(n)
        for position, year in enumerate(YEARS):
            if position:
                employees = np.clip(
                    np.round(employees * np.exp(rng.normal(0.01, 0.08, n))), 0, MAX_EMPLOYEES
                )
                revenue = revenue * np.exp(rng.normal(0.03, 0.18, n))
            missing = (established_year > year) | (gone & (year == YEARS[-1]))
            year_revenue = _money(revenue * np.where(employees == 0, 0.05, 1.0))
            year_assets = _money(year_revenue * assets_ratio * np.exp(rng.normal(0, 0.05, n)))
            year_margin = np.clip(margin + rng.normal(0, 0.03, n), -0.5, 0.6)
            year_rd = _money(year_revenue * rd_ratio * np.exp(rng.normal(0, 0.1, n)))
            year_rd = np.minimum(year_rd, year_revenue)
            tech = np.floor(employees * tech_share)
            insured = np.floor(employees * insured_share)
            layoff = np.where(
                lays_off & (insured > 0),
                np.clip(np.exp(rng.normal(np.log(0.04), 0.9, n)), 0.001, 1.0),
                0.0,
            ).round(4)
            figures = {
                "employees": employees,
                "revenue": year_revenue,
                "total_income": _money(year_revenue * (1 + other_income)),
                "total_assets": year_assets,
                "taxable_income": _money(np.maximum(year_revenue * year_margin, 0)),
                "rd_expense": year_rd,
                "tech_staff": tech,
                "high_tech_revenue": _money(year_revenue * high_tech_share),
                "export_revenue": _money(year_revenue * export_share),
                "tax_paid": _money(year_revenue * tax_rate),
                "insured_employees": insured,
                "layoff_rate_last_year": layoff,
            }
            for key, values in figures.items():
                self.yearly[key][year] = (
                    values.astype(np.int64) if key in INTEGER_KEYS else values,
                    missing,
                )
            rd_total = rd_total + np.where(missing, np.nan, year_rd)

        self.status: dict[str, pa.Array] = {}
        young = age_years < 1.5
        level_weights = np.where(
            young[:, None],
            np.array([0.02, 0.13, 0.8, 0.03, 0.02]),
            np.array([0.13, 0.66, 0.12, 0.05, 0.04]),
        )
        level = _choose_rows(rng, level_weights)
        self.status["tax_credit_level"] = pa.array(TAX_LEVELS).take(pa.array(level))
        self.status["is_high_tech"] = pa.array(high_tech)
        manufacturing = np.array([s.divisions[0][0] == "C" for s in SECTORS])[sector]
        specialised = (high_tech & (rng.random(n) < 0.3)) | (
            manufacturing & (rng.random(n) < 0.004)
        )
        self.status["is_specialised_sme"] = pa.array(specialised)
        revoked = status == STATUSES.index(RegistrationStatus.REVOKED)
        self.status["in_abnormal_list"] = pa.array(rng.random(n) < np.where(revoked, 0.6, 0.03))
        self.status["in_serious_dishonesty_list"] = pa.array(
            rng.random(n) < np.where(level == TAX_LEVELS.index("D"), 0.08, 0.002)
        )
        arrears = rng.random(n) < 0.025
        self.status["social_insurance_arrears"] = pa.array(arrears)
        heavy = np.array([s.divisions[0] in ("C26", "C30") for s in SECTORS])[sector]
        self.status["industry_restricted"] = pa.array(rng.random(n) < np.where(heavy, 0.04, 0.01))
        self.status["core_ip_count"] = pa.array(
            np.where(
                high_tech, rng.poisson(8, n) + 1, rng.poisson(np.where(does_rd, 1.5, 0.05), n)
            ).astype(np.int64)
        )
        score = np.where(
            high_tech,
            rng.normal(76, 8, n),
            np.where(does_rd, rng.normal(58, 12, n), rng.normal(35, 12, n)),
        )
        self.status["innovation_score"] = pa.array(np.clip(score, 0, 100).round(1))
        self.status["in_supported_tech_field"] = pa.array(
            rng.random(n) < np.where(high_tech, 0.95, np.where(does_rd, 0.3, 0.03))
        )
        self.status["major_incident_last_year"] = pa.array(
            rng.random(n) < np.where(heavy, 0.015, 0.004)
        )
        insured_last = self.yearly["insured_employees"][YEARS[-1]][0]
        months = np.minimum(np.floor(age_days / 30.44), rng.integers(6, 121, n))
        months = np.where(arrears, rng.integers(0, 12, n), months)
        self.status["ui_contribution_months"] = pa.array(
            np.where(insured_last > 0, months, 0).astype(np.int64)
        )
        domestic = _money(rd_total * rng.uniform(0.7, 1.0, n))
        self.status["rd_expense_domestic_3y"] = pa.array(domestic, mask=np.isnan(domestic))
        self._certificates(rng, high_tech, does_rd, specialised, age_days)

    def _certificates(
        self,
        rng: np.random.Generator,
        high_tech: np.ndarray,
        does_rd: np.ndarray,
        specialised: np.ndarray,
        age_days: np.ndarray,
    ) -> None:
        """Certificates valid for three years (drawn after every other figure, so adding them
        left the rest of a seed's population as it was). Holders were certified within the last
        three years; some R&D firms' certificates have lapsed. The yes/no columns say what the
        dates say on REFERENCE_DATE, and "no" where there never was a certificate."""
        n = len(high_tech)
        lapsed = ~high_tech & does_rd & (age_days > 5 * 365) & (rng.random(n) < 0.1)
        issued, until = _validity(rng, high_tech, lapsed, age_days)
        year = (issued.astype("datetime64[Y]").astype(np.int64) + 1970).astype(str)
        serial = np.char.zfill(rng.integers(1, 4000, n).astype(str), 6)
        number = np.char.add(np.char.add(np.char.add("GR", year), "31"), serial)
        self.status["high_tech_certificate_number"] = pa.array(
            number, pa.string(), mask=np.isnat(until)
        )
        self.status["high_tech_certificate_until"] = pa.array(until, pa.date32())
        sme_lapsed = ~specialised & high_tech & (age_days > 5 * 365) & (rng.random(n) < 0.05)
        _issued, sme_until = _validity(rng, specialised, sme_lapsed, age_days)
        self.status["specialised_sme_until"] = pa.array(sme_until, pa.date32())


CERTIFICATE_DAYS = 3 * 365  # 有效期三年


def _validity(
    rng: np.random.Generator, holds: np.ndarray, lapsed: np.ndarray, age_days: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Issue dates and last valid days: a holder's certificate was issued in the three years to
    REFERENCE_DATE (never before establishment) and is valid on it; a lapsed one ran out in the
    two years before; NaT for the others."""
    n = len(holds)
    reference = np.datetime64(REFERENCE_DATE, "D")
    back = np.minimum(rng.integers(0, CERTIFICATE_DAYS, n), np.maximum(age_days, 1) - 1)
    back = np.where(lapsed, CERTIFICATE_DAYS + rng.integers(1, 730, n), back)
    issued = reference - back.astype("timedelta64[D]")
    until = issued + np.timedelta64(CERTIFICATE_DAYS - 1, "D")
    nothing = np.datetime64("NaT", "D")
    some = holds | lapsed
    return np.where(some, issued, nothing), np.where(some, until, nothing)


def _money(values: np.ndarray) -> np.ndarray:
    """万元 with two decimals (to the hundred yuan)."""
    return np.round(values, 2)


def _choose_rows(rng: np.random.Generator, weights: np.ndarray) -> np.ndarray:
    """One index per row, drawn from that row's weights."""
    cumulative = weights.cumsum(axis=1)
    draws = rng.random(len(weights))[:, None] * cumulative[:, -1:]
    return np.minimum((draws > cumulative).sum(axis=1), weights.shape[1] - 1)
