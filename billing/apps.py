from django.apps import AppConfig


class BillingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "billing"

    def ready(self):
        from billing import (
            receivers,  # noqa: F401  (fee bases frozen when a membership starts)
            signals,  # noqa: F401  (an issued invoice never changes)
        )
