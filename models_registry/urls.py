from django.urls import path

from models_registry import views

app_name = "models_registry"

urlpatterns = [
    path("<str:slug>/", views.model_detail, name="detail"),
]
