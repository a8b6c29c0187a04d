"""The columns of a file and the validation of each row: every problem of a row is reported
with the row, and the first row of a code wins over later duplicates."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from jinqi.accounts.enums import DepartmentKind
from jinqi.accounts.models import Department
from jinqi.core.text import TextRefusedError, text_clean
from jinqi.registry.enums import FieldType, RegistrationStatus
from jinqi.registry.importing.reading import MAX_CELL, ImportFileError, RawRow
from jinqi.registry.models import Enterprise, Industry, fact_ref
from jinqi.registry.uscc import check_uscc
from jinqi.registry.values import ValueReadError, coerce
from jinqi.registry.vocabulary import BY_KEY, ENTITY_TYPES, FIELDS

TAX_CREDIT_LEVELS = frozenset("ABMCD")
RISK_CLASSES = frozenset("ABCD")  # the market-regulation credit-risk class (SAMR, monthly)
# Text keys that take one of a fixed set of values: anything else is refused on import.
CHOICES: dict[str, frozenset[str]] = {
    "tax_credit_level": TAX_CREDIT_LEVELS,
    "market_risk_class": RISK_CLASSES,
    "entity_type": ENTITY_TYPES,
}

# Registration columns: field of Enterprise → (vocabulary type, maximum length of text).
REGISTRATION: dict[str, tuple[str, int]] = {
    "name": (FieldType.TEXT, 200),
    "status": (FieldType.TEXT, 20),
    "established_on": (FieldType.DATE, 0),
    "registered_capital": (FieldType.MONEY, 0),
    "enterprise_type": (FieldType.TEXT, 60),
    "industry_code": (FieldType.TEXT, 5),
    "town": (FieldType.TEXT, 100),
    "registered_address": (FieldType.TEXT, 300),
    "legal_representative": (FieldType.TEXT, 60),
    "contact_person": (FieldType.TEXT, 60),
    "contact_phone": (FieldType.TEXT, 30),
}
# Where the column's value goes on Enterprise.
REGISTRATION_ATTRIBUTES = {"industry_code": "industry_id", "town": "town_id"}

# Chinese headings of departments' exports (the file is a Chinese source document).
CHINESE_HEADINGS = {
    "统一社会信用代码": "uscc",
    "企业名称": "name",
    "名称": "name",
    "登记状态": "status",
    "经营状态": "status",
    "成立日期": "established_on",
    "注册资本": "registered_capital",
    "注册资本（万元）": "registered_capital",
    "企业类型": "enterprise_type",
    "行业代码": "industry_code",
    "所属行业": "industry_code",
    "所属街镇": "town",
    "街镇园区": "town",
    "注册地址": "registered_address",
    "住所": "registered_address",
    "法定代表人": "legal_representative",
    "联系人": "contact_person",
    "联系电话": "contact_phone",
    # Figures, as departments' own tables name them (the meanings of docs/POLICIES.md).
    "从业人数": "employees",
    "从业人员": "employees",
    "营业收入": "revenue",
    "销售收入": "revenue",
    "总收入": "total_income",
    "资产总额": "total_assets",
    "应纳税所得额": "taxable_income",
    "研发费用": "rd_expense",
    "科技人员": "tech_staff",
    "高新技术产品收入": "high_tech_revenue",
    "出口收入": "export_revenue",
    "实缴税款": "tax_paid",
    "纳税信用等级": "tax_credit_level",
    "信用风险分类": "market_risk_class",
    "参保职工人数": "insured_employees",
    "裁员率": "layoff_rate_last_year",
    "失业保险足额缴费月数": "ui_contribution_months",
    "核心知识产权数": "core_ip_count",
    "创新能力评价得分": "innovation_score",
    "高新技术企业": "is_high_tech",
    "高新技术企业证书编号": "high_tech_certificate_number",
    "高新技术企业证书有效期至": "high_tech_certificate_until",
    "专精特新": "is_specialised_sme",
    "专精特新有效期至": "specialised_sme_until",
    "经营异常名录": "in_abnormal_list",
    "严重违法失信名单": "in_serious_dishonesty_list",
    "社保欠费": "social_insurance_arrears",
    "行政处罚次数": "administrative_penalties",
}
STATUS_WORDS = {
    "存续": RegistrationStatus.ACTIVE,
    "在业": RegistrationStatus.ACTIVE,
    "在营": RegistrationStatus.ACTIVE,
    "开业": RegistrationStatus.ACTIVE,
    "吊销": RegistrationStatus.REVOKED,
    "吊销，未注销": RegistrationStatus.REVOKED,
    "注销": RegistrationStatus.CANCELLED,
    "迁出": RegistrationStatus.MOVED_OUT,
}
YEAR_SUFFIX = re.compile(r"^(?P<name>.+?)(?:_(?P<year>\d{4})|\((?P<year2>\d{4})\))$")


@dataclass(frozen=True)
class Column:
    position: int
    header: str
    name: str  # "uscc", a registration column or a vocabulary key
    year: int | None = None

    @property
    def is_fact(self) -> bool:
        return self.name != "uscc" and self.name not in REGISTRATION


@dataclass
class ValidRow:
    number: int
    uscc: str
    registration: dict[str, Any]  # Enterprise attribute → value, only the cells given
    facts: dict[str, Any]  # fact reference (`models.fact_ref`) → coerced value


@dataclass(frozen=True)
class Rejection:
    number: int
    uscc: str
    reason: str


def _fold(text: str) -> str:
    """Full-width forms folded (NFKC keeps CJK), spaces removed, Latin letters in lower case."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()


def _heading_names() -> dict[str, str]:
    """Folded heading → column name: keys, the Chinese headings, labels in both languages."""
    names = {_fold(k): v for k, v in CHINESE_HEADINGS.items()}
    for language in ("en", "zh-hans"):
        with translation.override(language):
            for spec in FIELDS:
                names.setdefault(_fold(str(spec.label)), spec.key)
            for name in REGISTRATION:
                attribute = REGISTRATION_ATTRIBUTES.get(name, name).removesuffix("_id")
                verbose = getattr(Enterprise._meta.get_field(attribute), "verbose_name", name)
                names.setdefault(_fold(str(verbose)), name)
    for name in ("uscc", *REGISTRATION, *(spec.key for spec in FIELDS)):
        names[name] = name
    return names


def parse_header(header: Sequence[Any]) -> list[Column]:
    """The file's columns; raises ImportFileError naming every column that cannot be imported."""
    names = _heading_names()
    columns: list[Column] = []
    unknown: list[str] = []
    problems: list[str] = []
    for position, raw in enumerate(header):
        text = "" if raw is None else str(raw).strip()
        if not text:
            continue  # an unnamed column; a value under it rejects its row
        folded = _fold(text)
        name, year = names.get(folded), None
        if name is None and (match := YEAR_SUFFIX.match(folded)):
            name = names.get(match.group("name"))
            year = int(match.group("year") or match.group("year2"))
        if name is None:
            unknown.append(text)
            continue
        spec = BY_KEY.get(name)
        if name in ("uscc", *REGISTRATION) or spec is None:
            if year is not None:
                problems.append(
                    _("Column “%(column)s”: %(name)s is not a yearly figure, drop the year.")
                    % {"column": text, "name": name}
                )
            else:
                columns.append(Column(position, text, name))
            continue
        if spec.derived:
            problems.append(
                _("Column “%(column)s”: %(name)s is derived by the registry, not imported.")
                % {"column": text, "name": name}
            )
        elif spec.yearly and year is None:
            problems.append(
                _(
                    "Column “%(column)s”: %(name)s is a yearly figure, name the "
                    "column %(name)s_2024 (with its year)."
                )
                % {"column": text, "name": name}
            )
        elif not spec.yearly and year is not None:
            problems.append(
                _("Column “%(column)s”: %(name)s is not a yearly figure, drop the year.")
                % {"column": text, "name": name}
            )
        elif year is not None and not 1949 <= year <= 2100:
            problems.append(
                _("Column “%(column)s”: %(year)s is not a plausible year.")
                % {"column": text, "year": year}
            )
        else:
            columns.append(Column(position, text, name, year))
    if unknown:
        problems.insert(
            0,
            _(
                "Unknown columns: %(columns)s. The columns are uscc, the "
                "registration columns (%(registration)s) and the profile "
                "vocabulary's keys, yearly ones as key_YEAR (e.g. revenue_2024)."
            )
            % {
                "columns": ", ".join(f"“{u}”" for u in unknown),
                "registration": ", ".join(REGISTRATION),
            },
        )
    seen: dict[tuple[str, int | None], Column] = {}
    for column in columns:
        other = seen.setdefault((column.name, column.year), column)
        if other is not column:
            problems.append(
                _("Columns %(a)s and %(b)s are both %(name)s.")
                % {
                    "a": other.position + 1,
                    "b": column.position + 1,
                    "name": column.name + (f"_{column.year}" if column.year else ""),
                }
            )
    if not any(c.name == "uscc" for c in columns):
        problems.append(
            _(
                "The file has no uscc column (统一社会信用代码); every row needs the "
                "enterprise's code."
            )
        )
    if problems:
        raise ImportFileError(problems)
    return columns


class RowValidator:
    """Checks one row at a time; remembers each code's first row to reject later duplicates."""

    def __init__(self, columns: list[Column]) -> None:
        self.columns = columns
        self.uscc_position = next(c.position for c in columns if c.name == "uscc")
        self.named = {c.position for c in columns}
        self.seen: dict[str, int] = {}
        self.towns = _towns()
        self.statuses = _statuses()
        self.industries = set(Industry.objects.values_list("code", flat=True))

    def uscc_of(self, cells: Sequence[Any]) -> str:
        value = cells[self.uscc_position] if self.uscc_position < len(cells) else None
        if value is None:
            return ""
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        return str(value).strip()[:MAX_CELL]

    def validate(self, raw: RawRow) -> ValidRow | Rejection | None:
        """The row's values, its rejection, or None for an empty row."""
        cells = raw.cells
        if not raw.problem and all(is_empty(c) for c in cells):
            return None
        uscc = self.uscc_of(cells)
        if raw.problem:
            self._remember(uscc, raw.number)
            return Rejection(raw.number, uscc[:40], raw.problem)
        reasons: list[str] = []
        check = check_uscc(uscc) if uscc else None
        if check is None:
            reasons.append(_("the unified social credit code is empty"))
        elif not check.valid:
            reasons.append(_("invalid unified social credit code: %s") % "; ".join(check.errors))
        earlier = self._remember(uscc, raw.number)
        if earlier is not None:
            reasons.append(
                _("the code appears again (first in row %(row)s); only the first row is imported")
                % {"row": earlier}
            )
        registration: dict[str, Any] = {}
        facts: dict[str, Any] = {}
        for column in self.columns:
            value = cells[column.position] if column.position < len(cells) else None
            if column.name == "uscc" or is_empty(value):
                continue
            try:
                if isinstance(value, str) and len(value) > MAX_CELL:
                    raise ValueReadError(_("longer than %(n)s characters") % {"n": f"{MAX_CELL:,}"})
                if isinstance(value, str):  # one line, as the columnar path checks it
                    value = _through_boundary(value)
                if column.is_fact:
                    facts[fact_ref(column.name, column.year)] = self._fact(column.name, value)
                else:
                    attribute = REGISTRATION_ATTRIBUTES.get(column.name, column.name)
                    registration[attribute] = self._registration(column.name, value)
            except ValueReadError as problem:
                reasons.append(
                    _("%(column)s: %(problem)s") % {"column": column.header, "problem": problem}
                )
        for position in range(len(cells)):
            if position not in self.named and not is_empty(cells[position]):
                reasons.append(
                    _("a value in column %(n)s, which has no heading") % {"n": position + 1}
                )
                break
        if reasons:
            return Rejection(raw.number, uscc[:40], "; ".join(reasons))
        return ValidRow(raw.number, uscc, registration, facts)

    def _remember(self, uscc: str, number: int) -> int | None:
        if not uscc:
            return None
        earlier = self.seen.setdefault(uscc, number)
        return earlier if earlier != number else None

    def _fact(self, key: str, value: Any) -> Any:
        spec = BY_KEY[key]
        clean = coerce(spec.type, value)
        if key == "tax_credit_level" and clean not in TAX_CREDIT_LEVELS:
            raise ValueReadError(
                _("“%(value)s” is not a tax credit level (A, B, M, C or D)") % {"value": value}
            )
        if key == "entity_type" and clean not in ENTITY_TYPES:
            raise ValueReadError(
                _(
                    "“%(value)s” is not a type of market entity "
                    "(enterprise, individual_business or other)"
                )
                % {"value": value}
            )
        if key == "market_risk_class" and clean not in RISK_CLASSES:
            raise ValueReadError(
                _("“%(value)s” is not a credit-risk class (A, B, C or D)") % {"value": value}
            )
        return clean

    def _registration(self, name: str, value: Any) -> Any:
        field_type, max_length = REGISTRATION[name]
        if field_type == FieldType.DATE:
            return dt.date.fromisoformat(coerce(FieldType.DATE, value))
        if field_type == FieldType.MONEY:
            amount = coerce(FieldType.MONEY, value)
            if not 0 <= amount < 10**12:
                raise ValueReadError(
                    _("“%(value)s” is not an amount of 10,000 CNY") % {"value": value}
                )
            return Decimal(f"{amount:.2f}")
        text = _text(value)
        if len(text) > max_length:
            raise ValueReadError(_("longer than %(n)s characters") % {"n": max_length})
        if name == "status":
            status = self.statuses.get(_fold(text))
            if status is None:
                raise ValueReadError(
                    _(
                        "“%(value)s” is not a registration status (active, revoked, cancelled, "
                        "moved_out, or 存续, 吊销, 注销, 迁出)"
                    )
                    % {"value": text}
                )
            return status
        if name == "industry_code":
            code = text.upper()
            if not self.industries:
                raise ValueReadError(_("the industry table (GB/T 4754-2017) is not loaded"))
            if code not in self.industries:
                raise ValueReadError(_("“%(code)s” is not a GB/T 4754-2017 code") % {"code": text})
            return code
        if name == "town":
            town = self.towns.get(_fold(text))
            if town is None:
                raise ValueReadError(
                    _("“%(town)s” is not a town, street or park of the district") % {"town": text}
                )
            return town
        return text


def _through_boundary(value: str) -> str:
    """A cell as the text boundary stores it (surrounding spaces trimmed first, as a spreadsheet
    user expects), or the boundary's refusal as this row's problem."""
    try:
        return text_clean(value.strip(), max_length=MAX_CELL)
    except TextRefusedError as refused:
        raise ValueReadError(refused.message) from refused


def is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a phone number a spreadsheet stored as a number
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value).strip()


def _statuses() -> dict[str, str]:
    """Folded value, label (in both languages) or register word → registration status."""
    statuses = {_fold(word): status.value for word, status in STATUS_WORDS.items()}
    for language in ("en", "zh-hans"):
        with translation.override(language):
            for status in RegistrationStatus:
                statuses[_fold(str(status.label))] = status.value
    statuses.update({status.value: status.value for status in RegistrationStatus})
    return statuses


def _towns() -> dict[str, int]:
    """Folded code, name or other name of each town, street and park → its department id."""
    towns: dict[str, int] = {}
    kinds = (DepartmentKind.TOWN, DepartmentKind.STREET, DepartmentKind.PARK)
    for department in Department.objects.filter(kind__in=kinds):
        for name in (department.code, department.name, *department.aliases):
            towns[_fold(name)] = department.pk
    return towns
