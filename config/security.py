"""Security headers that Django's own middleware does not send.

Django's SecurityMiddleware sends HSTS, nosniff, Referrer-Policy and
Cross-Origin-Opener-Policy, XFrameOptionsMiddleware sends X-Frame-Options, and
ContentSecurityPolicyMiddleware sends the CSP (all configured in settings.py).
This middleware adds Permissions-Policy and Cross-Origin-Resource-Policy, whose
values are in settings.PERMISSIONS_POLICY and settings.CROSS_ORIGIN_RESOURCE_POLICY.
It sits outside WhiteNoise, so static files get the headers too.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


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
