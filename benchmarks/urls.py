from django.urls import path

from benchmarks import views, views_catalog

app_name = "benchmarks"

urlpatterns = [
    path("benchmarks/", views_catalog.benchmark_list, name="list"),
    path("benchmarks/<str:slug>/", views.benchmark_detail, name="detail"),
    path(
        "benchmarks/<str:slug>/leaderboard.csv",
        views.leaderboard_download,
        {"file_format": "csv"},
        name="leaderboard-csv",
    ),
    path(
        "benchmarks/<str:slug>/leaderboard.json",
        views.leaderboard_download,
        {"file_format": "json"},
        name="leaderboard-json",
    ),
    path("categories/", views_catalog.category_list, name="category-list"),
    path("categories/<str:slug>/", views_catalog.category_detail, name="category-detail"),
]
