from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "jinqi.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django_tasks.signals import task_finished, task_started

        from jinqi.core.pagecache import bump_after_task, watch_task

        task_started.connect(watch_task, dispatch_uid="jinqi.core.pagecache.start")
        task_finished.connect(bump_after_task, dispatch_uid="jinqi.core.pagecache.finish")
