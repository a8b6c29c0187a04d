"""Demo service-provider alliance (measure 68*): ten admitted providers across the categories
and towns, one application waiting and one provider suspended; needs in every state with their
conversations and ratings; a demo login for the first law firm; measure 68's indicators."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext as _

from jinqi.accounts.enums import Role
from jinqi.accounts.models import Department, User
from jinqi.core import clock
from jinqi.demo.accounts import DEMO_ENTERPRISE_USCC, DEMO_PASSWORD
from jinqi.demo.plans import PLAN_CODE
from jinqi.plans.models import Measure
from jinqi.plans.services import measure_indicators_set
from jinqi.providers import services
from jinqi.providers.models import ProviderMembership, ServiceNeed, ServiceProvider
from jinqi.providers.registrations import INDICATOR_KEYS
from jinqi.registry.models import Enterprise
from jinqi.registry.uscc import generate_uscc

MEASURE_SEQ = 68  # 服务机构联盟 in the Jinshan 2022 plan
PROVIDER_USERNAME = "provider"
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"

# (name, category, towns, services offered, phone); the first is the demo login's firm.
PROVIDERS = (
    (
        "上海金山明理律师事务所",
        "law_firm",
        ("town-zhujing", "town-tinglin", "park-jinshan-industrial"),
        "合同审查、劳动用工合规、商事纠纷调解与诉讼。",
        "021-57311001",
    ),
    (
        "上海枫泾法衡律师事务所",
        "law_firm",
        ("town-fengjing", "town-lvxiang", "town-langxia"),
        "企业法律顾问、知识产权保护、涉农企业法律服务。",
        "021-57352002",
    ),
    (
        "上海湾区信达律师事务所",
        "law_firm",
        ("town-jinshanwei", "town-caojing", "town-shanyang", "street-shihua", "park-bay-hitech"),
        "企业合规体检、破产重整、安全生产法律服务。",
        "021-57943003",
    ),
    (
        "上海金山立信诚会计师事务所",
        "accounting_firm",
        ("town-zhujing", "town-shanyang", "street-shihua"),
        "代理记账、年度审计、高新技术企业专项审计。",
        "021-57314004",
    ),
    (
        "上海亭林正平会计师事务所",
        "accounting_firm",
        ("town-tinglin", "town-zhangyan", "town-lvxiang"),
        "财务制度建设、税务筹划、研发费用加计扣除鉴证。",
        "021-57235005",
    ),
    (
        "上海金山融信融资担保有限公司",
        "guarantee_company",
        (
            "town-zhujing",
            "town-fengjing",
            "town-tinglin",
            "town-jinshanwei",
            "park-jinshan-industrial",
        ),
        "批次担保、科技履约贷担保、小微企业流动资金贷款担保。",
        "021-57316006",
    ),
    (
        "上海湾区普惠融资担保有限公司",
        "guarantee_company",
        ("town-caojing", "town-shanyang", "street-shihua", "park-bay-hitech", "park-carbon-valley"),
        "惠农贷担保、双碳贷担保、中小企业续贷过桥。",
        "021-57947007",
    ),
    (
        "上海碳谷绿色发展咨询有限公司",
        "consulting_company",
        ("park-carbon-valley", "town-caojing"),
        "碳排放核算、节能诊断、绿色工厂创建辅导。",
        "021-57948008",
    ),
    (
        "上海金企知识产权咨询有限公司",
        "consulting_company",
        ("town-zhujing", "town-fengjing", "park-bay-hitech"),
        "专利挖掘与布局、商标注册、专精特新申报辅导。",
        "021-57319009",
    ),
    (
        "上海金山人力资源服务有限公司",
        "other",
        ("town-zhujing", "town-tinglin", "town-zhangyan"),
        "招聘服务、社保公积金代理、技能培训对接。",
        "021-57310010",
    ),
)
WAITING = (
    "上海吕巷惠企咨询有限公司",
    "consulting_company",
    ("town-lvxiang",),
    "小微企业政策申报咨询。",
    "021-57350011",
)
SUSPENDED = (
    "上海山阳某财务咨询有限公司",
    "accounting_firm",
    ("town-shanyang",),
    "代理记账。",
    "021-57320012",
)

# (provider index or None for an open call, category, town, days ago, hours to the answer or
# None, score or None, withdrawn, what is needed, the provider's answer, the rating's comment)
NEEDS = (
    (
        0,
        "law_firm",
        "town-zhujing",
        60,
        3,
        5,
        False,
        "新签劳动合同模板需要律师审核。",
        "已审阅，修改意见见附言，可约时间面谈。",
        "响应快，意见具体。",
    ),
    (
        None,
        "law_firm",
        "town-zhujing",
        45,
        20,
        4,
        False,
        "一笔货款逾期未付，想了解诉前调解。",
        "可先发律师函，再申请诉前调解，费用另行说明。",
        "专业，费用透明。",
    ),
    (
        3,
        "accounting_firm",
        "town-zhujing",
        40,
        6,
        5,
        False,
        "高新技术企业认定需要研发费用专项审计。",
        "可以承接，两周内出具报告。",
        "按期出具，沟通顺畅。",
    ),
    (
        5,
        "guarantee_company",
        "town-zhujing",
        35,
        30,
        3,
        False,
        "申请批次担保贷款 300 万元。",
        "请提供近两年财报与纳税证明，我们安排尽调。",
        "流程较长，但最终办成。",
    ),
    (
        None,
        "consulting_company",
        "park-bay-hitech",
        30,
        50,
        4,
        False,
        "想申报专精特新，需要辅导。",
        "我们梳理了申报条件，贵司尚缺两项知识产权。",
        "建议中肯。",
    ),
    (
        1,
        "law_firm",
        "town-fengjing",
        20,
        8,
        2,
        False,
        "商标被仿冒，咨询维权途径。",
        "建议先行证据保全。",
        "答复较简单。",
    ),
    (
        7,
        "consulting_company",
        "park-carbon-valley",
        12,
        4,
        None,
        False,
        "需要做一次碳排放核算。",
        "可以，先发您一份资料清单。",
        "",
    ),
    (
        0,
        "law_firm",
        "town-zhujing",
        6,
        26,
        None,
        False,
        "股权转让协议需要审核。",
        "收到，明天下午前回复修改稿。",
        "",
    ),
    (
        None,
        "law_firm",
        "town-zhujing",
        2,
        None,
        None,
        False,
        "员工竞业限制协议怎么约定有效？",
        "",
        "",
    ),
    (
        None,
        "accounting_firm",
        "town-tinglin",
        1,
        None,
        None,
        False,
        "需要代理记账服务报价。",
        "",
        "",
    ),
    (None, "other", "town-zhujing", 9, None, None, True, "招聘十名操作工。", "", ""),
)


def _application(
    row: tuple[str, str, tuple[str, ...], str, str], n: int
) -> services.ProviderApplication:
    name, category, towns, description, phone = row
    return services.ProviderApplication(
        name=name,
        uscc=generate_uscc(random.Random(f"demo-provider-{n}")),
        category=category,
        towns=list(Department.objects.filter(code__in=towns)),
        description=description,
        contact_person="联系人",
        contact_phone=phone,
        contact_email=f"provider{n:02d}@jinqi.example",
    )


def _licence() -> list[tuple[str, SimpleUploadedFile]]:
    return [("执业许可证", SimpleUploadedFile("licence.pdf", PDF, content_type="application/pdf"))]


def demo_providers_load(report: Callable[[str], None]) -> None:
    if ServiceProvider.objects.exists():
        report("providers already loaded; kept as they are")
        return
    office = User.objects.get(username="economy")
    now = clock.now()
    providers = []
    with clock.frozen_at(now - dt.timedelta(days=90)):
        for n, row in enumerate(PROVIDERS, start=1):
            provider = services.provider_apply(
                data=_application(row, n), documents=_licence(), acting_user=None
            )
            services.provider_transition(
                provider=provider, action="admit", lock_version=0, text="", acting_user=office
            )
            provider.refresh_from_db()
            providers.append(provider)
        suspended = services.provider_apply(
            data=_application(SUSPENDED, 12), documents=_licence(), acting_user=None
        )
        services.provider_transition(
            provider=suspended, action="admit", lock_version=0, text="", acting_user=office
        )
    suspended.refresh_from_db()
    services.provider_transition(
        provider=suspended,
        action="suspend",
        lock_version=suspended.lock_version,
        text="多家企业投诉未按约提供服务，核查期间暂停。",
        acting_user=office,
    )
    services.provider_apply(data=_application(WAITING, 11), documents=_licence(), acting_user=None)
    login = _provider_login(providers[0])
    enterprises = _enterprise_users()
    for index, (
        which,
        category,
        town,
        days,
        hours,
        score,
        withdrawn,
        text,
        answer,
        comment,
    ) in enumerate(NEEDS):
        enterprise, user = enterprises[index % len(enterprises)]
        posted = now - dt.timedelta(days=days, hours=-9 + now.hour)
        picked = providers[which] if which is not None else None
        with clock.frozen_at(posted):
            need = services.need_post(
                enterprise=enterprise,
                data=services.NeedIn(
                    category=category,
                    town=Department.objects.get(code=town),
                    text=text,
                    provider=picked,
                ),
                acting_user=user,
            )
        if withdrawn:
            services.need_withdraw(need=need, lock_version=need.lock_version, acting_user=user)
            continue
        if hours is None:
            continue
        answerer = picked or _first_match(need)
        staff = login if answerer == providers[0] else answerer.members.get().user
        with clock.frozen_at(posted + dt.timedelta(hours=hours)):
            services.need_message_send(
                need=need, text=answer, lock_version=need.lock_version, acting_user=staff
            )
        if score is not None:
            need.refresh_from_db()
            with clock.frozen_at(posted + dt.timedelta(hours=hours + 48)):
                services.need_rate(
                    need=need,
                    score=score,
                    comment=comment,
                    lock_version=need.lock_version,
                    acting_user=user,
                )
    lead = User.objects.get(username="lead")
    for measure in Measure.objects.filter(plan__code=PLAN_CODE, seq=MEASURE_SEQ):
        keys = list(dict.fromkeys([*measure.indicator_keys, *INDICATOR_KEYS]))
        measure_indicators_set(measure=measure, keys=keys, acting_user=lead)
    report(
        f"providers: {len(PROVIDERS)} admitted, one waiting, one suspended; "
        f"{ServiceNeed.objects.count()} needs; indicators on measure {MEASURE_SEQ}"
    )


def _first_match(need: ServiceNeed) -> ServiceProvider:
    """The admitted provider that answers an open call first in the demo."""
    provider = (
        ServiceProvider.objects.admitted()
        .filter(category=need.category, towns=need.town_id)
        .order_by("pk")
        .first()
    )
    if provider is None:
        raise ValueError(f"no demo provider for {need.category} in {need.town}")
    return provider


def _provider_login(provider: ServiceProvider) -> User:
    """The demo login for the first law firm, beside the account made on its admission."""
    user, created = User.objects.get_or_create(
        username=PROVIDER_USERNAME,
        defaults={"role": Role.PROVIDER, "full_name": f"{provider.name}律师"},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
        ProviderMembership.objects.create(user=user, provider=provider, joined_at=clock.now())
    return user


def _enterprise_users() -> list[tuple[Enterprise, User]]:
    """The demo enterprise and three more of the registry, each with a user posting needs."""
    firms = [Enterprise.objects.get(uscc=DEMO_ENTERPRISE_USCC)]
    firms += list(Enterprise.objects.exclude(uscc=DEMO_ENTERPRISE_USCC).order_by("uscc")[50:53])
    pairs = []
    for firm in firms:
        user = User.objects.filter(role=Role.ENTERPRISE, enterprise_uscc=firm.uscc).first()
        if user is None:
            user = User.objects.create(
                username=f"firm-{firm.uscc.lower()}",
                role=Role.ENTERPRISE,
                enterprise_uscc=firm.uscc,
                full_name=firm.name,
            )
            user.set_unusable_password()
            user.save(update_fields=["password"])
        pairs.append((firm, user))
    return pairs


def demo_provider_accounts() -> list[tuple[str, str, str]]:
    return [
        (
            str(Role.PROVIDER.label),
            PROVIDER_USERNAME,
            _("a law firm of the service-provider alliance"),
        )
    ]
