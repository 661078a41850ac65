from django.apps import AppConfig


class MunicipalitiesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "municipalities"

    def ready(self):
        from django.db.models.signals import post_save

        from municipalities.efficiency import register_figures_changed

        # The efficiency profile's cached medians are forgotten when a key figure value is saved (the Kolada sync
        # and the demo values write in SQL and call it themselves; no post_delete receiver, which would make
        # the sync's bulk deletes fetch every row first).
        post_save.connect(register_figures_changed, sender="municipalities.KpiValue", dispatch_uid="efficiency-cache")
