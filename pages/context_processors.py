from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from models_registry.models import Organization


def site(request: HttpRequest) -> dict:
    """Site-wide template context: the page's canonical address, and whether the
    synthetic demo data is loaded: asked of the database only when a page shows the
    banner (not by partials), and not at all when the view answers it in its context."""
    return {
        "canonical_url": request.build_absolute_uri(request.path),
        "demo_data_loaded": SimpleLazyObject(demo_data_loaded),
    }


def demo_data_loaded() -> bool:
    return Organization.objects.demo().exists()
