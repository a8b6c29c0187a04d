"""`{% portal_panel panel %}`: one panel of the enterprise's page, rendered inside the page's
own context (so the site's context processors do not run again for every panel)."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from jinqi.web.portal import RenderedPanel

register = template.Library()


@register.simple_tag(takes_context=True)
def portal_panel(context: template.Context, panel: RenderedPanel) -> SafeString:
    assert context.template is not None  # set while a template renders
    chosen = context.template.engine.get_template(panel.template)
    with context.push(panel.context, panel=panel):
        return SafeString(chosen.render(context))
