from django.urls import path

from models_registry import views

app_name = "models_registry"

urlpatterns = [
    # The list and its downloads come before "<str:slug>/", which would match them too.
    path("", views.model_list, name="list"),
    path("download.csv", views.model_list_download, {"file_format": "csv"}, name="list-csv"),
    path("download.json", views.model_list_download, {"file_format": "json"}, name="list-json"),
    path("<str:slug>/", views.model_detail, name="detail"),
]
