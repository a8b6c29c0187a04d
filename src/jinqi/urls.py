from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, URLResolver, include, path
from django.views.i18n import set_language

from jinqi.api.api import api


def _api_urls() -> tuple[list[URLPattern | URLResolver], str, str]:
    """The API authenticates each operation itself (token or session, or none for public data),
    so its views are exempt from the site's login redirect."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = login_not_required(pattern.callback)
    return patterns, app_name, namespace


urlpatterns = [
    path("", include("jinqi.web.urls")),
    path("accounts/", include("jinqi.accounts.urls")),
    path("plans/", include("jinqi.plans.urls")),
    path("registry/", include("jinqi.registry.urls")),
    path("policies/", include("jinqi.policies.urls")),
    path("applications/", include("jinqi.applications.urls")),
    path("surveys/", include("jinqi.surveys.urls")),
    path("appeals/", include("jinqi.appeals.urls")),
    path("guides/", include("jinqi.guides.urls")),
    path("credit/", include("jinqi.credit.urls")),
    path("providers/", include("jinqi.providers.urls")),
    path("legalcheck/", include("jinqi.legalcheck.urls")),
    path("search/", include("jinqi.search.urls")),
    path("audit/", include("jinqi.audit.urls")),
    path("inbox/", include("jinqi.notifications.urls")),
    path("files/", include("jinqi.core.urls")),
    path("verify/", include("jinqi.core.verify_urls")),
    path("api/v1/", _api_urls()),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
]
# A busy database raised outside a view (a middleware's write) answers 503, not 500.
handler500 = "jinqi.core.busy.server_error"

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
