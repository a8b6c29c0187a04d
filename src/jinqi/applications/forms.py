"""Web forms of the enterprise's side (the answers themselves follow the policy's own form
definition, see `views.enterprise`)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from jinqi.core.forms import LineField


class AttachmentForm(forms.Form):
    material = LineField(max_length=40)
    file = forms.FileField(
        label=_("File"), error_messages={"required": _("Choose a file to upload.")}
    )
