from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from jinqi.core.permissions import AUTHENTICATED, requires
from jinqi.notifications.selectors import notifications_for
from jinqi.notifications.services import notification_mark_read, notifications_mark_all_read


@requires(AUTHENTICATED)
def inbox(request: HttpRequest) -> HttpResponse:
    notices = notifications_for(request.user)
    page = Paginator(notices, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/inbox.html",
        {"page_obj": page, "unread": notices.unread().count()},
    )


@requires(AUTHENTICATED)
@require_POST
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_object_or_404(notifications_for(request.user), pk=pk)
    notification_mark_read(notification=notice)
    return redirect(notice.link or "notifications:inbox")


@requires(AUTHENTICATED)
@require_POST
def inbox_mark_all_read(request: HttpRequest) -> HttpResponse:
    notifications_mark_all_read(user=request.user)
    return redirect("notifications:inbox")
