from django.urls import path

from models_registry import views_providers

app_name = "providers"

urlpatterns = [
    path("", views_providers.provider_list, name="list"),
    path("<str:slug>/", views_providers.provider_detail, name="detail"),
]
