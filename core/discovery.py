import importlib
from collections.abc import Iterator
from types import ModuleType

from django.apps import AppConfig, apps


def app_modules(name: str) -> Iterator[tuple[AppConfig, ModuleType]]:
    """Each installed app's ``<app>.<name>`` module, in INSTALLED_APPS order; apps without one are skipped.

    Unlike autodiscover_modules this hands the modules back, and an ImportError
    raised inside an existing module is not mistaken for "the app has none".
    """
    for config in apps.get_app_configs():
        module_name = f"{config.name}.{name}"
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        yield config, module
