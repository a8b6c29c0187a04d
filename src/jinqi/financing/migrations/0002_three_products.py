"""The catalogue's first three products, named by measure 81 of the plan (批次担保, 惠农贷,
双碳贷). Their terms here are examples, not taken from a published source: `source` is empty,
so every page marks them as examples until the finance office enters the published terms."""

from django.db import migrations

PRODUCTS = (
    {
        "code": "batch-guarantee",
        "name": "批次担保",
        "kind": "guarantee",
        "summary": "政策性融资担保基金与合作银行按批次审核、批量担保，为中小微企业提供信用贷款增信。",
        "terms": "示例条款：单户担保贷款额度不超过 1000 万元，期限不超过 12 个月；担保费由区财政给予补贴；银行按批次快速审批。",
        "max_amount": "1000.00",
        "max_term_months": 12,
        "rate_note": "示例：贷款利率不高于同期贷款市场报价利率加 50 个基点，担保费率 0.5%/年",
        "eligibility_sql": (
            "size_class IN ('medium', 'small', 'micro')"
            " AND in_serious_dishonesty_list IS NOT TRUE"
            " AND social_insurance_arrears IS NOT TRUE"
        ),
        "sort_order": 10,
    },
    {
        "code": "agri-loan",
        "name": "惠农贷",
        "kind": "loan",
        "summary": "面向涉农经营主体的信用贷款，用于种植、养殖、农产品加工和流通。",
        "terms": "示例条款：单户额度不超过 300 万元，期限不超过 36 个月；区级财政给予贴息。",
        "max_amount": "300.00",
        "max_term_months": 36,
        "rate_note": "示例：财政贴息后实际利率不高于 3%/年",
        "eligibility_sql": (
            "industry_section = 'A'"
            " AND in_serious_dishonesty_list IS NOT TRUE"
            " AND in_abnormal_list IS NOT TRUE"
        ),
        "sort_order": 20,
    },
    {
        "code": "carbon-loan",
        "name": "双碳贷",
        "kind": "loan",
        "summary": "支持节能降碳改造、清洁能源和绿色技术项目的专项贷款。",
        "terms": "示例条款：单户额度不超过 2000 万元，期限不超过 60 个月；项目须用于节能降碳。",
        "max_amount": "2000.00",
        "max_term_months": 60,
        "rate_note": "示例：利率较同类贷款优惠不少于 20 个基点",
        "eligibility_sql": (
            "major_incident_last_year IS NOT TRUE"
            " AND industry_restricted IS NOT TRUE"
            " AND in_serious_dishonesty_list IS NOT TRUE"
            " AND (is_high_tech IS TRUE OR in_supported_tech_field IS TRUE)"
        ),
        "sort_order": 30,
    },
)


def load(apps, schema_editor):
    Product = apps.get_model("financing", "Product")
    for data in PRODUCTS:
        Product.objects.update_or_create(code=data["code"], defaults=data)


class Migration(migrations.Migration):
    dependencies = [("financing", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
