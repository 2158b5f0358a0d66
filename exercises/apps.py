from django.apps import AppConfig


class ExercisesConfig(AppConfig):
    name = "exercises"
    verbose_name = "Exercise library"

    def ready(self):
        from clinic import panels

        panels.register_nav(panels.NavEntry("Exercises", "exercises:list", order=10))
