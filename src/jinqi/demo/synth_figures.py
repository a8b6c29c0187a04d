"""The yearly figures, status facts and certificates of a block of synthetic enterprises, skewed
the way a real register is (log-normal and Pareto sizes) and consistent with one another."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from jinqi.demo.synth_vocabulary import (
    INTEGER_KEYS,
    MAX_EMPLOYEES,
    REFERENCE_DATE,
    SECTORS,
    STATUSES,
    TAX_LEVELS,
    YEARLY_KEYS,
    YEARS,
)
from jinqi.registry.enums import RegistrationStatus


class Figures:
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
