from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("benchmarks.urls")),
    path("models/", include("models_registry.urls")),
    path("", include("submissions.urls")),
]
