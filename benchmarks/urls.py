from django.urls import path

from benchmarks import views

app_name = "benchmarks"

urlpatterns = [
    path("", views.home, name="home"),
    path("benchmarks/<str:slug>/", views.benchmark_detail, name="detail"),
]
