"""Demo survey: the 2026 business-environment satisfaction survey, sent to manufacturers in the
Jinshan Industrial Park two weeks ago, with about 200 answers spread over those two weeks (the
demo enterprise is in the segment and has not answered yet)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from django.contrib.auth.hashers import make_password

from jinqi.accounts.enums import Role
from jinqi.accounts.models import User
from jinqi.accounts.services import system_user
from jinqi.core import clock
from jinqi.registry.models import Enterprise
from jinqi.registry.selectors import enterprises_in_segment
from jinqi.surveys import selectors
from jinqi.surveys.enums import QuestionKind
from jinqi.surveys.models import Recipient, Survey
from jinqi.surveys.services import (
    QuestionData,
    SurveyData,
    response_submit,
    survey_create,
    survey_send,
)

TITLE = "2026年金山区营商环境企业满意度调查"
ANSWERS = 200
USERS = 320  # enterprises of the segment given a user account (the rest have none yet)
SEED = 65  # plan measure 65: 企业满意度调查
# A typical share of very satisfied … very dissatisfied; smaller firms rate a little lower.
LEAN = {"large": 0.5, "medium": 0.3, "small": 0.0, "micro": -0.3, "": 0.0}

QUESTIONS = [
    QuestionData(QuestionKind.RATING, "总体而言，您对本区营商环境的满意程度"),
    QuestionData(QuestionKind.RATING, "政务服务（办事便捷度、办理时限）满意程度"),
    QuestionData(QuestionKind.RATING, "惠企政策获取与兑现（含免申即享）满意程度"),
    QuestionData(QuestionKind.RATING, "融资支持满意程度", required=False),
    QuestionData(
        QuestionKind.SINGLE,
        "您获取惠企政策信息的主要渠道",
        choices=["金企平台或政府网站", "政务服务中心窗口", "园区、街镇走访", "行业协会", "其他"],
    ),
    QuestionData(
        QuestionKind.MULTIPLE,
        "您最希望改进的方面（可多选）",
        choices=["审批时限", "政策宣传解读", "融资支持", "用工招聘", "物流与交通", "知识产权保护"],
    ),
    QuestionData(QuestionKind.TEXT, "您对优化营商环境的意见和建议", required=False),
]
SUGGESTIONS = [
    "希望政策申报材料进一步精简，能共享的数据不再让企业重复提交。",
    "园区物流配套还需加强，货车通行证办理时间较长。",
    "免申即享很方便，建议覆盖更多政策。",
    "希望加大对中小企业的融资担保支持力度。",
    "招工难问题突出，希望多组织区内招聘会。",
    "政策解读会很有帮助，建议定期举办并提供线上回放。",
    "",
]


def _rating(rng: random.Random, lean: float) -> int:
    value = rng.gauss(3.9 + lean, 0.9)
    return max(1, min(5, round(value)))


def demo_surveys_load(report: Callable[[str], None]) -> None:
    if Survey.objects.filter(title=TITLE).exists():
        report("surveys already loaded; kept as they are")
        return
    rng = random.Random(SEED)
    lead = User.objects.filter(username="lead").first() or system_user()
    now = clock.now()
    sent_at = now - dt.timedelta(days=14)
    with clock.frozen_at(sent_at):
        survey = survey_create(
            data=SurveyData(
                title=TITLE,
                intro="为持续优化营商环境，区营商办开展年度企业满意度调查，约需5分钟。"
                "每家企业填写一份，结果仅用于改进工作。",
                open_until=(now + dt.timedelta(days=16)).date(),
                industries=["C"],
                towns=["park-jinshan-industrial"],
                questions=QUESTIONS,
            ),
            acting_user=lead,
        )
        segment = list(
            enterprises_in_segment(selectors.segment_of(survey))
            .order_by("pk")
            .values_list("uscc", "name")[:USERS]
        )
        existing = set(User.objects.values_list("enterprise_uscc", flat=True))
        unusable = make_password(None)
        User.objects.bulk_create(
            User(
                username=f"survey-{uscc.lower()}",
                role=Role.ENTERPRISE,
                full_name=f"{name}联络员",
                enterprise_uscc=uscc,
                password=unusable,
            )
            for uscc, name in segment
            if uscc not in existing
        )
        survey = survey_send(survey=survey, acting_user=lead)
    recipients = {r.enterprise_id: r.size_class for r in Recipient.objects.filter(survey=survey)}
    users = {
        u.enterprise_uscc: u
        for u in User.objects.filter(
            role=Role.ENTERPRISE,
            username__startswith="survey-",
            enterprise_uscc__in=[u for u, _ in segment],
        )
    }
    firms = list(Enterprise.objects.filter(uscc__in=users).order_by("pk"))
    rng.shuffle(firms)
    questions = list(survey.questions.all())
    for i, firm in enumerate(firms[:ANSWERS]):
        lean = LEAN.get(recipients.get(firm.pk, ""), 0.0)
        answers: dict[int, object] = {}
        for q in questions:
            if q.kind == QuestionKind.RATING:
                if q.required or rng.random() < 0.7:
                    answers[q.pk] = _rating(rng, lean - (0.4 if "融资" in q.text else 0))
            elif q.kind == QuestionKind.SINGLE:
                answers[q.pk] = rng.choices(range(len(q.choices)), weights=[5, 2, 3, 1, 0.5])[0]
            elif q.kind == QuestionKind.MULTIPLE:
                answers[q.pk] = rng.sample(range(len(q.choices)), k=rng.randint(1, 3))
            elif rng.random() < 0.35:
                answers[q.pk] = rng.choice(SUGGESTIONS)
        # Most answers come in the first days after the notice, fewer later.
        moment = sent_at + dt.timedelta(hours=min(rng.expovariate(1 / 60), 13 * 24) + i * 0.01)
        with clock.frozen_at(moment):
            response_submit(
                survey=survey, enterprise=firm, answers=answers, acting_user=users[firm.uscc]
            )
    report(
        f"surveys: {TITLE} sent to {len(recipients)} enterprises, "
        f"{min(ANSWERS, len(firms))} answers"
    )
