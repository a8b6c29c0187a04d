from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from jinqi.core.schedule import PeriodicJob, register_periodic_job


class ApiConfig(AppConfig):
    name = "jinqi.api"
    label = "api"
    verbose_name = _("API")

    def ready(self) -> None:
        # Here, not at the top: the tasks import models, which load after app configs.
        from jinqi.api.tasks import api_call_counts_prune_task

        register_periodic_job(
            PeriodicJob(
                "api.call_counts_prune",
                api_call_counts_prune_task.enqueue,
                cron={"minute": "*/10"},
            )
        )
