from django.urls import path

from models_registry import views_compare

app_name = "compare"

urlpatterns = [
    path("", views_compare.compare, name="detail"),
    path("suggest/", views_compare.suggest, name="suggest"),
]
