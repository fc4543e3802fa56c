from django.urls import path, register_converter

from submissions import views

app_name = "submissions"


class ReferenceConverter:
    """A ticket reference as new_reference() makes them (URL-safe base64); nothing else
    reaches a query, so odd bytes in an address are a plain 404."""

    regex = "[A-Za-z0-9_-]{1,32}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ReferenceConverter, "ticket_reference")

urlpatterns = [
    path("reports/new/", views.report_create, name="report-create"),
    path("reports/<ticket_reference:reference>/", views.report_status, name="report-status"),
    path("submit/", views.submission_create, name="submission-create"),
    path(
        "submissions/<ticket_reference:reference>/",
        views.submission_status,
        name="submission-status",
    ),
]
