from django.apps import AppConfig


class PagesConfig(AppConfig):
    """Site-wide parts: the home and search pages, the listing conventions every list
    follows, formatting, the context processor and the template library."""

    name = "pages"
    verbose_name = "Site pages"
