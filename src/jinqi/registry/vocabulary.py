"""The profile vocabulary: the words policy rules are written in (keys are stable).

Declared here, in code, because rules, tests and the API depend on each key's meaning; the
registry's facts and the materialised profile use exactly these keys.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from jinqi.registry.enums import FieldType as T


@dataclass(frozen=True)
class ProfileField:
    key: str
    label: str | Promise
    type: str
    unit: str = ""
    source: str = ""  # the department code that usually supplies it, or "derived"
    yearly: bool = False  # a figure per year (employees, revenue…) rather than a status
    derivation: str = ""

    @property
    def derived(self) -> bool:
        return self.source == "derived"


WAN = "万元"

FIELDS: tuple[ProfileField, ...] = (
    ProfileField("uscc", _("Unified social credit code"), T.TEXT, source="market-regulation"),
    ProfileField("established_on", _("Date of establishment"), T.DATE, source="market-regulation"),
    ProfileField(
        "age_years",
        _("Completed years since establishment"),
        T.INTEGER,
        "年",
        "derived",
        derivation="established_on → evaluation date, anniversaries reached",
    ),
    ProfileField(
        "industry_code", _("Industry (GB/T 4754-2017)"), T.TEXT, source="market-regulation"
    ),
    ProfileField(
        "industry_section",
        _("Industry section"),
        T.TEXT,
        source="derived",
        derivation="first letter of industry_code",
    ),
    ProfileField(
        "industry_division",
        _("Industry division"),
        T.TEXT,
        source="derived",
        derivation="two digits after the section letter",
    ),
    ProfileField("town", _("Town, street or park"), T.TEXT, source="market-regulation"),
    ProfileField("registered_capital", _("Registered capital"), T.MONEY, WAN, "market-regulation"),
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
        "is_high_tech",
        _("Holds a valid high-tech enterprise certificate"),
        T.BOOLEAN,
        source="science",
        derivation="high_tech_certificate_until on or after the evaluation date; without that "
        "date, the yes/no the department gave; unknown if neither",
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
    ),
)

BY_KEY = {f.key: f for f in FIELDS}

# Status keys that follow a certificate's validity → the key of the date it is valid until
# (inclusive). Both are supplied; the status is worked out for the evaluation date when read
# (`registry.certificates`), so a certificate lapses on time without a new delivery. The yes/no
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
