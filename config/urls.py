from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from config import views
from config.http import read_only
from config.sitemaps import SITEMAPS

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("pages.urls")),
    path("", include("benchmarks.urls")),
    path("models/", include("models_registry.urls")),
    path("organizations/", include("models_registry.urls_organizations")),
    path("providers/", include("models_registry.urls_providers")),
    path("compare/", include("models_registry.urls_compare")),
    path("sources/", include("sources.urls")),
    path("", include("submissions.urls")),
    path("robots.txt", views.robots_txt, name="robots-txt"),
    path("favicon.ico", views.favicon, name="favicon"),
    # Django's own view takes any method: read only, like every other page.
    path("sitemap.xml", read_only(sitemap), {"sitemaps": SITEMAPS}, name="sitemap"),
]

# Error pages (config/errors.py); a database that cannot be reached answers 503.
handler400 = "config.errors.bad_request"
handler403 = "config.errors.permission_denied"
handler404 = "config.errors.page_not_found"
handler500 = "config.errors.server_error"
