from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Updated")
    DELETE = "delete", _("Deleted")
    TRANSITION = "transition", _("State changed")
    READ_PERSONAL_DATA = "read_personal", _("Personal data read")
    IMPORT = "import", _("Imported")
    API_CALL = "api_call", _("API call")
