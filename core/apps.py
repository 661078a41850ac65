from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core"

    def ready(self):
        # Each app lists its personal data in privacy.py; import them all so the
        # registry is complete before anything (export, erasure, tests) reads it.
        autodiscover_modules("privacy")
        # Every write through Django retires the cached pages (core.pagecache).
        from core import pagecache

        pagecache.install()
