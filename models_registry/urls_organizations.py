from django.urls import path

from models_registry import views_organizations

app_name = "organizations"

urlpatterns = [
    path("", views_organizations.organization_list, name="list"),
    path("<str:slug>/", views_organizations.organization_detail, name="detail"),
]
