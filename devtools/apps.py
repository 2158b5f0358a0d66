from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    """Demo data, ``seed_demo`` and the load generator for benchmarks: the only
    app that may import every other (nothing imports it)."""

    name = "devtools"
    verbose_name = "Development tools"
