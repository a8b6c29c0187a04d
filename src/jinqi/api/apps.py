from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "jinqi.api"
    label = "api"
    verbose_name = _("API")

    def ready(self) -> None:
        from jinqi.api.tasks import api_call_counts_prune_task
        from jinqi.core.schedule import PeriodicJob, register_periodic_job

        register_periodic_job(
            PeriodicJob(
                "api.call_counts_prune",
                api_call_counts_prune_task.enqueue,
                cron={"minute": "*/10"},
            )
        )
