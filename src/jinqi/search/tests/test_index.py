"""The index and the query: segmentation, BM25 ranking, filters, snippets, and the index kept
in step with saves, deletes and a policy's publication."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection

from jinqi.accounts.tests.factories import department_user
from jinqi.guides.services import GuideData, guide_delete, guide_update
from jinqi.policies import services as policy_services
from jinqi.policies.enums import Delivery
from jinqi.policies.tests.factories import policy
from jinqi.search.indexing import TITLE_WEIGHT, all_texts, corpus_check, index_rebuild
from jinqi.search.models import Corpus, Document, Term
from jinqi.search.postings import K1, B, idf, unpack
from jinqi.search.query import Filters, _marks, highlight, parse, search
from jinqi.search.segmentation import query_terms, tokens
from jinqi.search.tests.factories import guide, kinds_and_titles

pytestmark = pytest.mark.django_db

FULL_TEXT_PHRASE = "首台套装备首批次材料保险补偿"


def _titles(text: str, filters: Filters | None = None) -> list[str]:
    return [h.document.title for h in search(text, filters or Filters()).hits]


def _corpus_exact() -> None:
    corpus = Corpus.objects.get(pk=1)
    assert {"documents": corpus.documents, "total_length": corpus.total_length} == corpus_check()
    holding: dict[int, set[int]] = {}
    for term in Term.objects.all():
        ids = unpack(term.documents)
        assert term.df == ids.size and list(ids) == sorted(set(ids)), term.text
        if not term.field:
            widths = (2 * ids.size, 4 * ids.size)  # uint16 or uint32, whichever fits
            assert len(term.frequencies) in widths and len(term.lengths) in widths
        for pk in ids:
            holding.setdefault(int(pk), set()).add(term.pk)
    for document in Document.objects.all():
        assert set(unpack(document.term_ids).tolist()) == holding.get(document.pk, set())


def test_segmentation_keeps_the_plans_words_and_drops_punctuation() -> None:
    """The plan's terms stay whole beside their parts; punctuation and stop words are dropped."""
    words = tokens("依托“一网通办”平台，实现免申即享的政策兑现。")
    assert "一网通办" in words and "免申即享" in words
    assert "，" not in words and "的" not in words and "“" not in words
    assert query_terms("企业开办 企业开办") == ["企业", "开办", "企业开办"]


def test_term_in_the_title_or_more_often_ranks_higher() -> None:
    """A guide naming 公积金 in its title, and one repeating it, both outrank a guide of the
    same length mentioning it once in its text."""
    guide("开办企业须知", "企业开办后需办理公积金缴存登记，并办理税务登记和社保登记。")
    guide("公积金登记须知", "企业开办后需办理缴存登记，并办理税务登记和社保登记。")
    guide("开办单位须知", "企业开办后需办理公积金缴存登记，公积金汇缴和公积金基数。")
    titles = _titles("公积金")
    assert titles[-1] == "开办企业须知" and len(titles) == 3


def test_a_rare_term_weighs_more_than_a_common_one() -> None:
    """IDF: a document holding only the rare word of the query outranks one holding only the
    common word, three times."""
    for n in range(6):
        guide(f"服务中心{n}", "企业服务中心提供帮办服务，欢迎企业咨询。")
    guide("资金返还", "稳岗资金直接返还。")
    guide("服务说明", "企业服务，企业咨询，企业办事。")
    rare = Term.objects.get(field="", text="稳岗").df
    common = Term.objects.get(field="", text="企业").df
    assert idf(Corpus.objects.get().documents, rare) > idf(Corpus.objects.get().documents, common)
    results = search("企业 稳岗", Filters(kind="guide"))
    assert results.partial and results.hits[0].document.title == "资金返还"


def test_a_phrase_only_in_a_policys_full_text_finds_it() -> None:
    """The full text of a published policy is indexed: a phrase found nowhere else finds it,
    highlighted in the snippet."""
    staff = department_user("economy")
    target = policy(
        staff,
        code="first-set-insurance",
        title="首台套装备推广应用支持",
        full_text=f"第五条 对{FULL_TEXT_PHRASE}给予保费补贴，最高不超过实际投保费用的80%。",
    )
    policy_services.policy_publish(policy=target, acting_user=staff)
    results = search(FULL_TEXT_PHRASE)
    assert kinds_and_titles(results)[0] == ("policy", "首台套装备推广应用支持")
    assert "<mark>" in results.hits[0].snippet_html
    assert f"<mark>{FULL_TEXT_PHRASE}</mark>" in results.hits[0].snippet_html
    quoted = search(f"“{FULL_TEXT_PHRASE}”")
    assert [h.document.key for h in quoted.hits] == [str(target.pk)]


def test_draft_and_withdrawn_policies_are_not_results() -> None:
    """A draft is not indexed; publishing indexes it; withdrawing removes it."""
    staff = department_user("economy")
    target = policy(staff, code="draft-check", title="翡翠湖畔养蜂示范奖励")
    # Asked by words only this policy has: the shipped catalogue has awards (奖励) too.
    assert _titles("翡翠湖畔养蜂") == []
    policy_services.policy_publish(policy=target, acting_user=staff)
    assert _titles("翡翠湖畔养蜂") == ["翡翠湖畔养蜂示范奖励"]
    policy_services.policy_withdraw(policy=target, acting_user=staff)
    assert _titles("翡翠湖畔养蜂") == []
    _corpus_exact()


def test_index_follows_save_and_delete() -> None:
    """Changing a guide re-indexes it (old words gone, new found); deleting removes it; the df
    and corpus totals stay exact."""
    staff = department_user("market-regulation")
    made = guide("营业执照遗失补领", "营业执照遗失后在线申请补领。", staff=staff)
    assert _titles("补领") == ["营业执照遗失补领"]
    guide_update(
        guide=made,
        data=GuideData(title="营业执照换发", matter="换发", body="营业执照污损后申请换发。"),
        acting_user=staff,
    )
    assert _titles("补领") == []
    assert _titles("换发") == ["营业执照换发"]
    _corpus_exact()
    guide_delete(guide=made, acting_user=staff)
    assert _titles("换发") == []
    assert not Document.objects.filter(kind="guide", key=str(made.pk)).exists()
    _corpus_exact()


def test_filters_by_kind_department_delivery_and_industry() -> None:
    """Each filter narrows the results: kind, department, a policy's delivery mode, and the
    industry its rule requires."""
    staff = department_user("economy")
    manufacturing = policy(
        staff,
        code="mfg-upgrade",
        title="制造业技术改造补贴",
        sql="industry_section = 'C' AND employees <= 300",
        delivery=Delivery.PUSH,
    )
    general = policy(staff, code="all-upgrade", title="技术改造贷款贴息", delivery=Delivery.APPLY)
    for made in (manufacturing, general):
        policy_services.policy_publish(policy=made, acting_user=staff)
    guide("技术改造项目备案指南", "技术改造项目在线备案。")
    everything = set(_titles("技术改造"))
    assert {"制造业技术改造补贴", "技术改造贷款贴息", "技术改造项目备案指南"} <= everything
    assert _titles("技术改造", Filters(kind="guide")) == ["技术改造项目备案指南"]
    # The shipped catalogue's 技术改造 policy (金经委规〔2023〕2号 第3条) is the economy
    # committee's too; the guide is not the committee's.
    by_economy = set(_titles("技术改造", Filters(department="economy")))
    assert {"制造业技术改造补贴", "技术改造贷款贴息"} <= by_economy
    assert "技术改造项目备案指南" not in by_economy
    assert _titles("技术改造", Filters(delivery=Delivery.PUSH)) == ["制造业技术改造补贴"]
    for_manufacturing = _titles("技术改造", Filters(industry="C"))
    assert "制造业技术改造补贴" in for_manufacturing
    assert "技术改造贷款贴息" not in for_manufacturing
    assert _titles("技术改造", Filters(industry="I")) == []


def test_a_rule_version_change_updates_the_industries() -> None:
    """A new rule version re-indexes its policy (the industries it requires are read from it)."""
    staff = department_user("economy")
    made = policy(staff, code="ind-change", title="软件企业上云补贴", sql="employees <= 300")
    policy_services.policy_publish(policy=made, acting_user=staff)
    assert _titles("上云", Filters(industry="I")) == []
    policy_services.rule_version_create(
        policy=made, sql="industry_section IN ('I', 'M')", note="限行业", acting_user=staff
    )
    assert _titles("上云", Filters(industry="I")) == ["软件企业上云补贴"]


def test_html_in_a_guide_is_inert_in_results() -> None:
    """Markup in a guide's text comes out escaped, with only our <mark> tags live."""
    guide("<b>恶意</b>标题测试", "正文<script>alert('x')</script>注销测试说明文字")
    hit = search("注销测试").hits[0]
    assert "<script>" not in hit.snippet_html
    assert "&lt;script&gt;" in hit.snippet_html
    assert "<b>" not in hit.title_html and "&lt;b&gt;" in hit.title_html
    assert str(highlight("<i>注销</i>", _marks(parse("注销")))) == (
        "&lt;i&gt;<mark>注销</mark>&lt;/i&gt;"
    )


def test_no_result_with_every_word_falls_back_to_some() -> None:
    """When no document holds every word, those holding some are ranked and flagged partial."""
    guide("公积金缴存登记", "单位住房公积金缴存登记。")
    results = search("公积金 施工许可")
    assert results.partial and [h.document.title for h in results.hits] == ["公积金缴存登记"]


def test_pagination_counts_every_match() -> None:
    """The total counts every match; page 2 holds the rest."""
    for n in range(13):
        guide(f"帮办服务{n:02d}", "线上帮办服务说明。")
    first, second = search("帮办", Filters(kind="guide")), search("帮办", Filters(kind="guide"), 2)
    assert first.total == 13 and first.pages == 2
    assert len(first.hits) == 10 and len(second.hits) == 3
    assert not {h.document.pk for h in first.hits} & {h.document.pk for h in second.hits}


def test_reindex_command_rebuilds_the_same_index() -> None:
    """`jinqi search reindex` rebuilds from every source: same documents, same ranking, exact
    totals."""
    guide("企业注销一般程序", "清算组备案，债权人公告，清税后注销。")
    before = [(h.document.kind, h.document.key, round(h.score, 6)) for h in search("注销").hits]
    Document.objects.all().delete()
    out = io.StringIO()
    call_command("search", "reindex", stdout=out, stderr=io.StringIO())
    assert "documents indexed" in out.getvalue() or "个文档" in out.getvalue()
    after = [(h.document.kind, h.document.key, round(h.score, 6)) for h in search("注销").hits]
    assert after == before
    _corpus_exact()
    assert index_rebuild(all_texts()) == Document.objects.count()


GOLDEN_QUERY = "公积金缴存"


EXPECTED_GOLDEN = ["住房公积金缴存登记", "缴存基数调整"]


def _bm25_in_python(document: Document) -> float:
    """BM25 from the stored texts alone: frequencies and lengths counted here, not read from
    the packed postings."""
    texts = {d.pk: (tokens(d.title), tokens(d.body)) for d in Document.objects.all()}
    lengths = {pk: TITLE_WEIGHT * len(title) + len(body) for pk, (title, body) in texts.items()}
    average = sum(lengths.values()) / len(lengths)
    title, body = texts[document.pk]
    score = 0.0
    for text in query_terms(GOLDEN_QUERY):
        df = sum(text in t or text in b for t, b in texts.values())
        tf = TITLE_WEIGHT * title.count(text) + body.count(text)
        norm = K1 * (1 - B + B * lengths[document.pk] / average)
        score += idf(len(texts), df) * tf * (K1 + 1) / (tf + norm)
    return score


def _check_golden() -> None:
    guide("住房公积金缴存登记", "新设立单位办理公积金缴存登记，按月汇缴。")
    guide("缴存基数调整", "每年调整一次缴存基数，公积金比例5%至7%。")
    guide("社保登记", "单位参保登记。")
    hits = search(GOLDEN_QUERY, Filters(kind="guide")).hits
    assert [h.document.title for h in hits] == EXPECTED_GOLDEN
    for hit in hits:
        assert hit.score == pytest.approx(_bm25_in_python(hit.document), rel=1e-9)


def test_ranking_computes_bm25() -> None:
    """The packed postings' scorer gives the order and the scores of BM25 computed in Python
    from the documents' texts."""
    _check_golden()


@pytest.mark.postgres
def test_postgresql_ranks_as_sqlite_does() -> None:
    """On PostgreSQL the packed postings give the same order and scores as on SQLite."""
    assert connection.vendor == "postgresql"
    _check_golden()


def test_a_page_past_the_last_match_keeps_the_total() -> None:
    """Asking for a page after the last match shows no hits but the true total, and does not
    fall back to documents holding only some of the words."""
    guide("公积金缴存登记", "单位住房公积金缴存登记。")
    guide("公积金提取", "住房公积金提取。")
    results = search("公积金 缴存", page=2)
    assert results.total == 1 and results.hits == [] and not results.partial


def test_a_quoted_phrase_is_matched_as_typed_whatever_its_case() -> None:
    """A quoted phrase with Latin letters matches whatever their case; one without matches
    only where it stands whole, and % or _ in it are plain characters."""
    guide("质量体系认证补贴", "通过ISO9001质量体系认证的企业，给予一次性补贴。")
    guide("质量体系建设", "质量体系建设与ISO9001宣贯培训，认证费用自理。")
    guide("认证费用说明", "认证费用按50%_比例补贴。")
    assert _titles("“iso9001质量体系认证”") == ["质量体系认证补贴"]
    assert _titles("“ISO9001质量体系认证”") == ["质量体系认证补贴"]
    assert _titles("“认证费用自理”") == ["质量体系建设"]
    assert _titles("“50%_比例”") == ["认证费用说明"]
    assert _titles("“50%比例”") == []
