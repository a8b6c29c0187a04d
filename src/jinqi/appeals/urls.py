from django.urls import path, register_converter

from jinqi.appeals.views import enterprise, lead, work


class ReferenceConverter:
    regex = r"AP\d{4}-\d{6,}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ReferenceConverter, "appeal")

app_name = "appeals"
urlpatterns = [
    # The enterprise's side.
    path("", enterprise.mine, name="mine"),
    path("new/", enterprise.file, name="file"),
    path("<appeal:reference>/", enterprise.detail, name="detail"),
    path("<appeal:reference>/supply/", enterprise.supply, name="supply"),
    path("<appeal:reference>/confirm/", enterprise.confirm, name="confirm"),
    path("<appeal:reference>/reopen/", enterprise.reopen, name="reopen"),
    path("<appeal:reference>/follow-up/", enterprise.follow_up, name="follow_up"),
    # The department's queue (and the lead office's view of every appeal).
    path("work/", work.queue, name="queue"),
    path("work/export.xlsx", work.queue_xlsx, name="queue_xlsx"),
    path("work/<appeal:reference>/", work.handle, name="handle"),
    path("work/<appeal:reference>/act/", work.act, name="act"),
    # The lead office.
    path("routing/", lead.routing, name="routing"),
    path("escalations/", lead.escalations, name="escalations"),
    path("statistics/", lead.statistics_page, name="statistics"),
    path("statistics/export.xlsx", lead.statistics_xlsx, name="statistics_xlsx"),
]
