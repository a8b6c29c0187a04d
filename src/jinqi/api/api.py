"""The REST API under /api/v1/: each app contributes its router here."""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema

from jinqi.api.auth import authenticated
from jinqi.api.errors import document_errors, install_error_handlers
from jinqi.applications.api import router as applications_router
from jinqi.credit.api import router as credit_router
from jinqi.credit.repair_api import router as credit_repair_router
from jinqi.inspections.api import router as inspections_router
from jinqi.inspections.visit_api import router as inspection_visits_router
from jinqi.notifications.api import router as notifications_router
from jinqi.plans.api import router as plans_router
from jinqi.policies.api import router as policies_router
from jinqi.registry.api import router as registry_router


class JinqiAPI(NinjaAPI):
    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        """Ninja's document, with the error answers of every operation added."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        document_errors(schema)
        return schema


api = JinqiAPI(
    title="Jinqi API",
    version="1",
    description="Jinqi (金企) data-exchange and service API.",
    auth=authenticated,
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
)
install_error_handlers(api)
api.add_router("/plans", plans_router)
api.add_router("/notifications", notifications_router)
api.add_router("/registry", registry_router)
api.add_router("/policies", policies_router)
api.add_router("/applications", applications_router)
api.add_router("/credit", credit_router)
api.add_router("/credit", credit_repair_router)
api.add_router("/inspections", inspections_router)
api.add_router("/inspections", inspection_visits_router)
