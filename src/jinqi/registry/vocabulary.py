"""The profile vocabulary: the words policy rules are written in (keys are stable), each with
where its value comes from and, for a derived one, its derivation.

Declared here, in code, because rules, tests and the API depend on each key's meaning; the
registry's facts and the materialised profile use exactly these keys. A derivation is written
once, over Arrow columns (`registry.derivation`), and `registry.profile` runs it for the
import, the profile refresh, matching snapshots and single-enterprise evaluation alike.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from jinqi.registry.derivation import (
    Column,
    Facts,
    certificate_held,
    completed_years,
    highest_before_newest,
    industry_division,
    industry_section,
    size_classes,
    sum_last_years,
)
from jinqi.registry.enums import FieldType as T


class Origin(StrEnum):
    """Where a field's value comes from."""

    DELIVERED = "delivered"  # a fact a department delivers (current value, or newest year)
    REGISTRATION = "registration"  # the enterprise's registration record
    WRITTEN = "written"  # derived when the profile is written, from the facts above
    DATED = "dated"  # derived for the evaluation date, when the profile is read


# A derivation when written: the enterprises' facts → the field's column.
Derive = Callable[[Facts], Column]
# A derivation for a date: the stored profile columns and the date → the field's column.
DeriveOn = Callable[[Mapping[str, Column], dt.date], Column]


@dataclass(frozen=True)
class ProfileField:
    key: str
    label: str | Promise
    type: str
    unit: str = ""
    source: str = ""  # the department code that usually supplies it, or "derived"
    yearly: bool = False  # a figure per year (employees, revenue…) rather than a status
    derivation: str = ""  # the derivation in words, for people
    origin: Origin = Origin.DELIVERED
    derive: Derive | None = None  # origin WRITTEN
    derive_on: DeriveOn | None = None  # origin DATED
    reads: tuple[str, ...] = ()  # the stored keys `derive_on` reads
    choices: tuple[tuple[str, str | Promise], ...] = ()  # a coded text's values and their labels

    @property
    def derived(self) -> bool:
        """Derived by the registry, never supplied."""
        return self.source == "derived"

    @property
    def stored(self) -> bool:
        """A column of the materialised profile (a dated field derived from nothing stored
        under its own key is not)."""
        return self.origin is not Origin.DATED or self.key in self.reads


WAN = "万元"

FIELDS: tuple[ProfileField, ...] = (
    ProfileField(
        "uscc",
        _("Unified social credit code"),
        T.TEXT,
        source="market-regulation",
        origin=Origin.REGISTRATION,
    ),
    ProfileField(
        "established_on",
        _("Date of establishment"),
        T.DATE,
        source="market-regulation",
        origin=Origin.REGISTRATION,
    ),
    ProfileField(
        "age_years",
        _("Completed years since establishment"),
        T.INTEGER,
        "年",
        "derived",
        derivation="established_on → evaluation date, anniversaries reached",
        origin=Origin.DATED,
        derive_on=lambda p, on: completed_years(p["established_on"], on),
        reads=("established_on",),
    ),
    ProfileField(
        "industry_code",
        _("Industry (GB/T 4754-2017)"),
        T.TEXT,
        source="market-regulation",
        origin=Origin.REGISTRATION,
    ),
    ProfileField(
        "industry_section",
        _("Industry section"),
        T.TEXT,
        source="derived",
        derivation="first letter of industry_code",
        origin=Origin.WRITTEN,
        derive=lambda facts: industry_section(facts.value("industry_code")),
    ),
    ProfileField(
        "industry_division",
        _("Industry division"),
        T.TEXT,
        source="derived",
        derivation="two digits after the section letter",
        origin=Origin.WRITTEN,
        derive=lambda facts: industry_division(facts.value("industry_code")),
    ),
    ProfileField(
        "town",
        _("Town, street or park"),
        T.TEXT,
        source="market-regulation",
        origin=Origin.REGISTRATION,
    ),
    ProfileField(
        "registered_capital",
        _("Registered capital"),
        T.MONEY,
        WAN,
        "market-regulation",
        origin=Origin.REGISTRATION,
    ),
    ProfileField(
        "employees",
        _("Employees (annual average)"),
        T.INTEGER,
        "人",
        "human-resources",
        yearly=True,
    ),
    ProfileField(
        "revenue", _("Operating revenue, last year"), T.MONEY, WAN, "tax-jinshan", yearly=True
    ),
    ProfileField(
        "revenue_3y",
        _("Sales revenue, last three years"),
        T.MONEY,
        WAN,
        "derived",
        derivation="sum of revenue over the last three years",
        origin=Origin.WRITTEN,
        derive=lambda facts: sum_last_years(facts.years("revenue"), facts.rows),
    ),
    ProfileField(
        "total_income", _("Total income, last year"), T.MONEY, WAN, "tax-jinshan", yearly=True
    ),
    ProfileField("total_assets", _("Total assets"), T.MONEY, WAN, "tax-jinshan", yearly=True),
    ProfileField(
        "taxable_income", _("Taxable income, last year"), T.MONEY, WAN, "tax-jinshan", yearly=True
    ),
    ProfileField(
        "rd_expense", _("R&D expense, last year"), T.MONEY, WAN, "tax-jinshan", yearly=True
    ),
    ProfileField(
        "rd_expense_3y",
        _("R&D expense, last three years"),
        T.MONEY,
        WAN,
        "derived",
        derivation="sum of rd_expense over the last three years",
        origin=Origin.WRITTEN,
        derive=lambda facts: sum_last_years(facts.years("rd_expense"), facts.rows),
    ),
    ProfileField(
        "rd_expense_domestic_3y",
        _("R&D expense in China, last three years"),
        T.MONEY,
        WAN,
        "science",
    ),
    ProfileField("tech_staff", _("Technical staff"), T.INTEGER, "人", "science", yearly=True),
    ProfileField(
        "high_tech_revenue",
        _("High-tech product revenue, last year"),
        T.MONEY,
        WAN,
        "science",
        yearly=True,
    ),
    ProfileField(
        "export_revenue", _("Export revenue, last year"), T.MONEY, WAN, "commerce", yearly=True
    ),
    ProfileField("tax_paid", _("Tax paid, last year"), T.MONEY, WAN, "tax-jinshan", yearly=True),
    ProfileField(
        "core_ip_count",
        _("Core intellectual property rights"),
        T.INTEGER,
        "件",
        "market-regulation",
    ),
    ProfileField(
        "in_supported_tech_field",
        _("In a state-supported high-tech field"),
        T.BOOLEAN,
        source="science",
    ),
    ProfileField("innovation_score", _("Innovation capability score"), T.NUMBER, "分", "science"),
    ProfileField(
        "major_incident_last_year",
        _("Major incident in the past year"),
        T.BOOLEAN,
        source="ecology-environment",
    ),
    ProfileField(
        "industry_restricted",
        _("In a restricted or prohibited industry"),
        T.BOOLEAN,
        source="development-reform",
    ),
    ProfileField("tax_credit_level", _("Tax credit level"), T.TEXT, source="tax-jinshan"),
    ProfileField(
        "market_risk_class",
        _("Market-regulation credit-risk class"),
        T.TEXT,
        source="market-regulation",
    ),
    ProfileField(
        "in_abnormal_list",
        _("In the abnormal-operation list"),
        T.BOOLEAN,
        source="market-regulation",
    ),
    ProfileField(
        "in_serious_dishonesty_list",
        _("In the serious-dishonesty list"),
        T.BOOLEAN,
        source="market-regulation",
    ),
    ProfileField(
        "insured_employees", _("Insured employees"), T.INTEGER, "人", "human-resources", yearly=True
    ),
    ProfileField(
        "ui_contribution_months",
        _("Months of unemployment insurance paid in full"),
        T.INTEGER,
        "月",
        "human-resources",
    ),
    ProfileField(
        "layoff_rate_last_year",
        _("Layoff rate, last year"),
        T.RATIO,
        "",
        "human-resources",
        yearly=True,
    ),
    ProfileField(
        "social_insurance_arrears",
        _("Social-insurance arrears"),
        T.BOOLEAN,
        source="human-resources",
    ),
    ProfileField(
        "administrative_penalties",
        _("Administrative penalties, last year"),
        T.INTEGER,
        "次",
        "market-regulation",
        yearly=True,
    ),
    ProfileField(
        "vat_small_scale_taxpayer",
        _("Small-scale VAT taxpayer"),
        T.BOOLEAN,
        source="tax-jinshan",
    ),
    ProfileField(
        "entity_type",
        _("Type of market entity"),
        T.TEXT,
        source="market-regulation",
        choices=(
            ("enterprise", _("Enterprise")),
            ("individual_business", _("Individual business (个体工商户)")),
            ("other", _("Other market entity")),
        ),
    ),
    ProfileField(
        "staff_on_payroll",
        _("Staff on the payroll"),
        T.INTEGER,
        "人",
        "tax-jinshan",
        yearly=True,
    ),
    ProfileField(
        "ui_contributions_last_year",
        _("Unemployment insurance contributions paid, last year"),
        T.MONEY,
        WAN,
        "human-resources",
        yearly=True,
    ),
    ProfileField(
        "industrial_output",
        _("Gross industrial output, last year"),
        T.MONEY,
        WAN,
        "economy",
        yearly=True,
    ),
    ProfileField(
        "industrial_output_prev_max",
        _("Highest gross industrial output of the years before last year"),
        T.MONEY,
        WAN,
        "derived",
        derivation="the highest industrial_output of the years before the newest one given; "
        "missing when no earlier year is known",
        origin=Origin.WRITTEN,
        derive=lambda facts: highest_before_newest(facts.years("industrial_output"), facts.rows),
    ),
    ProfileField(
        "is_high_tech",
        _("Holds a valid high-tech enterprise certificate"),
        T.BOOLEAN,
        source="science",
        derivation="high_tech_certificate_until on or after the evaluation date; without that "
        "date, the yes/no the department gave; unknown if neither",
        origin=Origin.DATED,
        derive_on=lambda p, on: certificate_held(
            p["high_tech_certificate_until"], p["is_high_tech"], on
        ),
        reads=("high_tech_certificate_until", "is_high_tech"),
    ),
    ProfileField(
        "high_tech_certificate_number",
        _("High-tech enterprise certificate number"),
        T.TEXT,
        source="science",
    ),
    ProfileField(
        "high_tech_certificate_until",
        _("High-tech enterprise certificate valid until"),
        T.DATE,
        source="science",
    ),
    ProfileField(
        "is_specialised_sme",
        _("Specialised and sophisticated SME (专精特新)"),
        T.BOOLEAN,
        source="economy",
        derivation="specialised_sme_until on or after the evaluation date; without that "
        "date, the yes/no the department gave; unknown if neither",
        origin=Origin.DATED,
        derive_on=lambda p, on: certificate_held(
            p["specialised_sme_until"], p["is_specialised_sme"], on
        ),
        reads=("specialised_sme_until", "is_specialised_sme"),
    ),
    ProfileField(
        "specialised_sme_until",
        _("Specialised and sophisticated SME recognition valid until"),
        T.DATE,
        source="economy",
    ),
    ProfileField(
        "size_class",
        _("Size class"),
        T.TEXT,
        source="derived",
        derivation="统计上大中小微型企业划分办法（2017） from industry, employees, "
        "revenue and total assets",
        origin=Origin.WRITTEN,
        # Labels only: a rule's condition on the class reads 中型、小型 rather than the codes.
        choices=(
            ("large", _("Large enterprise")),
            ("medium", _("Medium-sized enterprise")),
            ("small", _("Small enterprise")),
            ("micro", _("Micro enterprise")),
        ),
        derive=lambda facts: size_classes(
            facts.value("industry_code"),
            employees=facts.value("employees"),
            revenue=facts.value("revenue"),
            assets=facts.value("total_assets"),
        ),
    ),
)

BY_KEY = {f.key: f for f in FIELDS}

# The values `entity_type` takes (checked on import).
ENTITY_TYPES = frozenset(code for code, _label in BY_KEY["entity_type"].choices)

# Departments that supply a field before they have an account on the platform, by the name
# people know them by (a department on the platform is named by its own record).
SOURCES_OFF_PLATFORM: dict[str, str | Promise] = {
    "ecology-environment": _("District ecology and environment bureau"),
}

# Status keys that follow a certificate's validity → the key of the date it is valid until
# (inclusive). Both are supplied; the status is worked out for the evaluation date when read
# (their `derive_on`), so a certificate lapses on time without a new delivery. The yes/no
# alone still counts where no date was ever given: departments that send only it keep working.
VALID_UNTIL = {
    "is_high_tech": "high_tech_certificate_until",
    "is_specialised_sme": "specialised_sme_until",
}
# Certificate statuses → the key of the certificate's number, where it has one (专精特新 is a
# recognition published as a list, without a number of its own).
CERTIFICATE_NUMBER = {"is_high_tech": "high_tech_certificate_number"}


def field(key: str) -> ProfileField:
    return BY_KEY[key]


def label(key: str) -> str:
    """The key's label in the active language (the key itself if the vocabulary lacks it)."""
    spec = BY_KEY.get(key)
    return str(spec.label) if spec else key


def value_label(key: str, value: object) -> object:
    """A coded value's label in the active language (`choices`); any other value as it is."""
    spec = BY_KEY.get(key)
    for code, name in spec.choices if spec else ():
        if value == code:
            return str(name)
    return value
