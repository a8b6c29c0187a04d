"""The first version of the district's checklist, as the 区司法局 receives it to edit: the design
proposal in the project's INSPECTIONS.md §4 (no official Shanghai or Jinshan checklist was found;
practice after the 如东县司法局 2025 guide). Chinese, because it is the checklist's own text;
read by the seeding migration only — from then on the items are data the bureau changes."""

from __future__ import annotations

from typing import NamedTuple


class ItemSeed(NamedTuple):
    section: str
    question: str
    basis: str = ""
    prefill: str = ""


ITEMS: tuple[ItemSeed, ...] = (
    ItemSeed("governance", "公司章程与实际运作是否一致", "《中华人民共和国公司法》第五条"),
    ItemSeed(
        "governance",
        "股东会、董事会决议是否以书面形式作出并留存",
        "《中华人民共和国公司法》第六十四条、第七十三条",
    ),
    ItemSeed(
        "governance",
        "股东出资是否在章程规定的期限内缴足",
        "《中华人民共和国公司法》第四十七条、第四十九条",
    ),
    ItemSeed(
        "governance",
        "董事、监事、高级管理人员是否具备任职资格",
        "《中华人民共和国公司法》第一百七十八条",
    ),
    ItemSeed(
        "organisation", "规章制度是否经民主程序制定并公示", "《中华人民共和国劳动合同法》第四条"
    ),
    ItemSeed("organisation", "印章、营业执照是否有专人保管和使用登记"),
    ItemSeed("organisation", "年度报告是否按时报送公示", "《企业信息公示暂行条例》第八条"),
    ItemSeed("contracts", "是否建立合同台账"),
    ItemSeed("contracts", "常用合同是否使用规范文本"),
    ItemSeed("contracts", "签约前是否核查交易对方的主体资格和信用"),
    ItemSeed(
        "contracts", "合同是否约定违约责任和争议解决方式", "《中华人民共和国民法典》第四百七十条"
    ),
    ItemSeed("contracts", "签约授权是否明确并留存授权文件"),
    ItemSeed("intellectual_property", "商标、专利、软件著作权是否登记注册"),
    ItemSeed(
        "intellectual_property",
        "是否与员工签订保密协议和竞业限制协议",
        "《中华人民共和国劳动合同法》第二十三条、第二十四条",
    ),
    ItemSeed("intellectual_property", "研发数据和技术资料是否有保护措施"),
    ItemSeed(
        "labour",
        "是否自用工之日起一个月内订立书面劳动合同",
        "《中华人民共和国劳动合同法》第十条、第八十二条",
    ),
    ItemSeed("labour", "是否依法为职工缴纳社会保险", "《中华人民共和国社会保险法》第五十八条"),
    ItemSeed(
        "labour", "工作时间和加班是否符合规定", "《中华人民共和国劳动法》第三十六条、第四十一条"
    ),
    ItemSeed("labour", "解除、终止劳动合同是否依法办理", "《中华人民共和国劳动合同法》第五十条"),
    ItemSeed("finance_tax", "纳税信用级别", "《纳税缴费信用管理办法》", "tax_credit"),
    ItemSeed("finance_tax", "发票开具、取得和保管是否规范", "《中华人民共和国发票管理办法》"),
    ItemSeed("finance_tax", "是否存在欠税", "《中华人民共和国税收征收管理法》第三十二条"),
    ItemSeed(
        "finance_tax",
        "关联交易是否定价公允并如实申报",
        "《中华人民共和国税收征收管理法》第三十六条",
    ),
    ItemSeed("legal_affairs", "是否配备法律顾问或法务人员"),
    ItemSeed("legal_affairs", "是否建立合规管理制度"),
    ItemSeed(
        "abnormal", "是否列入经营异常名录", "《企业经营异常名录管理暂行办法》", "abnormal_list"
    ),
    ItemSeed(
        "abnormal",
        "是否列入严重失信主体名单",
        "《市场监督管理严重违法失信名单管理办法》",
        "serious_dishonesty",
    ),
    ItemSeed("abnormal", "行政处罚及其信用修复", "国办发〔2025〕22号", "penalties"),
    ItemSeed("litigation", "是否有未结诉讼、仲裁"),
    ItemSeed("litigation", "是否有被执行案件"),
    ItemSeed("litigation", "对外担保是否经决议并登记", "《中华人民共和国公司法》第十五条"),
)
