from django.urls import path

from pages import suggestions, views

app_name = "pages"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("search/suggestions/", suggestions.search_suggestions, name="search-suggestions"),
]
