"""The Chinese words of plan documents that the importer reads (kept in one place)."""

from __future__ import annotations

COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "seq": ("序号", "seq"),
    "pilot": ("创新试点", "试点", "pilot"),
    "service_area": ("三个服务", "service_area"),
    "action": ("相关行动", "action"),
    "reform_item": ("改革事项", "reform_item"),
    "measure": ("具体举措", "measure"),
    "units": ("责任单位", "units"),
    "deadline": ("时间节点", "deadline"),
}
REQUIRED_COLUMNS = ("seq", "service_area", "action", "reform_item", "measure", "units", "deadline")
COLUMN_LABELS = {key: names[0] for key, names in COLUMN_ALIASES.items()}

PILOT_MARK = "*"
TRUE_WORDS = frozenset({"是", "Y", "y", "yes", "true", "True", "TRUE", "1", "*", "√"})
FALSE_WORDS = frozenset({"否", "N", "n", "no", "false", "False", "FALSE", "0", ""})

CONTINUOUS_WORDS = frozenset({"持续推进", "长期坚持", "持续"})
COMPLETED_WORDS = frozenset({"已完成，巩固成效", "已完成,巩固成效", "已完成"})
UNIT_SEPARATORS = "、，, ;；/"
