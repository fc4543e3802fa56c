from django.apps import AppConfig


class SubmissionsConfig(AppConfig):
    name = "submissions"
    verbose_name = "Reports and submissions"

    def ready(self) -> None:
        from submissions import links

        links.connect()
