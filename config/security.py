"""Security headers that Django's own middleware does not send, the guard against NUL
characters in requests, and django-axes' lockout answer.

Django's SecurityMiddleware sends HSTS, nosniff, Referrer-Policy and
Cross-Origin-Opener-Policy, XFrameOptionsMiddleware sends X-Frame-Options, and
ContentSecurityPolicyMiddleware sends the CSP (all configured in settings.py).
This middleware adds Permissions-Policy and Cross-Origin-Resource-Policy, whose
values are in settings.PERMISSIONS_POLICY and settings.CROSS_ORIGIN_RESOURCE_POLICY.
It sits outside WhiteNoise, so static files get the headers too.
"""

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse


def permissions_policy_header(policy: dict[str, list[str]]) -> str:
    """`{"camera": [], "fullscreen": ["self"]}` -> `camera=(), fullscreen=(self)`."""
    return ", ".join(f"{feature}=({' '.join(allowed)})" for feature, allowed in policy.items())


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.permissions_policy = permissions_policy_header(settings.PERMISSIONS_POLICY)
        self.resource_policy = settings.CROSS_ORIGIN_RESOURCE_POLICY

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.permissions_policy:
            response.headers.setdefault("Permissions-Policy", self.permissions_policy)
        if self.resource_policy:
            response.headers.setdefault("Cross-Origin-Resource-Policy", self.resource_policy)
        return response


class NulInRequest(SuspiciousOperation):
    """A NUL character in a query the admin reads: no filter or search holds one, and
    PostgreSQL cannot compare text with one (it raised DataError, a 500)."""


class RefuseNulMiddleware:
    """One guard, before any view reads the request, for what PostgreSQL cannot hold:
    a NUL character (it raised DataError, a 500, where SQLite matched nothing).

    - In the address: no slug or reference holds one, so nothing is there: 404, as for
      any impossible slug.
    - In the admin's query (its filters and search): 400, Django's answer to a
      SuspiciousOperation. Public pages read their queries through forms and parsers
      that drop or refuse a NUL already (tests/test_fuzz.py).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._admin_prefix = ""

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path:
            raise Http404("No page has a NUL character in its address.")
        # Found once, on the first request: the URLconf is loaded by then.
        self._admin_prefix = self._admin_prefix or reverse("admin:index")
        if request.path.startswith(self._admin_prefix) and _query_holds_nul(request):
            raise NulInRequest("A NUL character in the admin's query.")
        return self.get_response(request)


def _query_holds_nul(request: HttpRequest) -> bool:
    """Whether a name or value of the query, decoded, holds a NUL (percent-encoded, or
    raw as a WSGI server may pass it)."""
    if "\x00" in request.META.get("QUERY_STRING", ""):
        return True
    return any(
        "\x00" in name or any("\x00" in value for value in values)
        for name, values in request.GET.lists()
    )


def login_lockout(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """django-axes' answer to a refused login (settings.AXES_LOCKOUT_CALLABLE): 429."""
    cooloff_seconds = int(settings.AXES_COOLOFF_TIME.total_seconds())
    response = render(
        request,
        "admin/lockout.html",
        {
            "title": "Too many attempts",
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "cooloff_minutes": -(-cooloff_seconds // 60),
        },
        status=429,
    )
    response["Retry-After"] = str(cooloff_seconds)
    return response
