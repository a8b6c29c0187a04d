"""Demo service guides and FAQs (guides_content/*.toml, written from the action plan), and one
guide per town and park generated from a template."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path

from jinqi.accounts.models import User
from jinqi.guides.models import Faq, ServiceGuide
from jinqi.guides.services import FaqData, GuideData, faq_create, guide_create

CONTENT = Path(__file__).resolve().parent / "guides_content"

# (department code, place name) of the towns and parks with an enterprise service centre.
SERVICE_CENTRES = (
    ("town-caojing", "漕泾镇"),
    ("town-shanyang", "山阳镇"),
    ("street-shihua", "石化街道"),
    ("park-jinshan-industrial", "金山工业区"),
    ("park-bay-hitech", "上海湾区高新技术产业开发区"),
    ("park-carbon-valley", "碳谷绿湾产业园"),
)
CENTRE_TEMPLATE = (
    "服务对象：注册或经营在{place}的企业。\n"
    "服务内容：{place}企业服务中心提供企业开办、变更、注销的帮办代办，政策咨询与申报辅导，"
    "诉求受理与协调；推进“金智办”政务智能办，智能帮办系统在经济小区窗口实际应用。\n"
    "办理方式：企业可到{place}企业服务中心窗口，或在企业专属网页“诉求反映”中提出，"
    "服务专员1个工作日内联系。"
)
PARKING_TEMPLATE = (
    "适用对象：{place}内停车难的企业。\n"
    "办理方式：企业向{place}管理部门提出停车需求，按“一路一策”精细化停车管理，"
    "结合道路条件增设停车位或错峰共享车位；结果在10个工作日内答复。"
)


def _staff(code: str) -> User:
    """The department's demo account (the accounts step makes one per unit)."""
    return User.objects.get(username=code, department__code=code)


def demo_guides_load(report: Callable[[str], None]) -> None:
    if ServiceGuide.objects.exists():
        report("guides already loaded; kept as they are")
        return
    guides = tomllib.loads((CONTENT / "guides.toml").read_text(encoding="utf-8"))["guide"]
    for item in guides:
        guide_create(
            data=GuideData(
                title=item["title"],
                matter=item["matter"],
                body=item["body"].strip(),
                online_url=item.get("online_url", ""),
            ),
            acting_user=_staff(item["department"]),
        )
    for code, place in SERVICE_CENTRES:
        staff = _staff(code)
        guide_create(
            data=GuideData(
                title=f"{place}企业服务中心帮办代办指南",
                matter="企业帮办代办服务",
                body=CENTRE_TEMPLATE.format(place=place),
            ),
            acting_user=staff,
        )
        if code.startswith("park-"):
            guide_create(
                data=GuideData(
                    title=f"{place}企业停车需求办理指南",
                    matter="园区停车管理",
                    body=PARKING_TEMPLATE.format(place=place),
                ),
                acting_user=staff,
            )
    faqs = tomllib.loads((CONTENT / "faqs.toml").read_text(encoding="utf-8"))["faq"]
    for item in faqs:
        faq_create(
            data=FaqData(
                category=item["category"], question=item["question"], answer=item["answer"]
            ),
            acting_user=_staff(item["department"]),
        )
    report(
        f"guides: {ServiceGuide.objects.count()} service guides, {Faq.objects.count()} questions"
    )
