from django.urls import path, register_converter

from jinqi.applications.views import enterprise, public, review


class ReferenceConverter:
    regex = r"SQ\d{4}-\d{6,}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ReferenceConverter, "ref")

app_name = "applications"
urlpatterns = [
    # The enterprise's side.
    path("", enterprise.mine, name="mine"),
    path("apply/<slug:code>/", enterprise.guide, name="guide"),
    path("<ref:reference>/", enterprise.detail, name="detail"),
    path("<ref:reference>/autosave/", enterprise.autosave, name="autosave"),
    path("<ref:reference>/attachments/", enterprise.attachment_add, name="attachment_add"),
    path("attachments/<int:pk>/remove/", enterprise.attachment_remove, name="attachment_remove"),
    path("<ref:reference>/submit/", enterprise.submit, name="submit"),
    path("<ref:reference>/withdraw/", enterprise.withdraw, name="withdraw"),
    # The department's workbench and the lead office's review steps.
    path("review/", review.queue, name="queue"),
    path("review/export.xlsx", review.queue_xlsx, name="queue_xlsx"),
    path("review/batch/", review.batch_action, name="batch_action"),
    path("review/<ref:reference>/", review.application, name="review_detail"),
    path("review/<ref:reference>/act/", review.act, name="act"),
    path("forms/", review.forms, name="forms"),
    path("forms/<slug:code>/", review.form_edit, name="form_edit"),
    path("batches/<int:pk>/", review.batch_manage, name="batch_manage"),
    path("objections/<int:pk>/answer/", review.objection_answer, name="objection_answer"),
    # Results publicity (公示), public.
    path("publicity/", public.publicity, name="publicity"),
    path("publicity/<slug:code>/<int:number>/", public.batch, name="batch"),
    path("publicity/<slug:code>/<int:number>/objection/", public.objection, name="objection"),
]
