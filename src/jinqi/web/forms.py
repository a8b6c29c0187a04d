"""One look for every form: label above field, help and errors below, no label colon."""

from django.forms.renderers import DjangoTemplates


class FormRenderer(DjangoTemplates):
    form_template_name = "web/form.html"
