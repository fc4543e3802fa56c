import datetime
import json
from decimal import Decimal

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.dateformat import format as format_date
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from benchmarks import leaderboard
from models_registry.models import DatePrecision

register = template.Library()

_DATE_FORMATS = {
    DatePrecision.DAY: "j M Y",
    DatePrecision.MONTH: "M Y",
    DatePrecision.YEAR: "Y",
}


@register.filter
def precise_date(value: datetime.date | None, precision: str = DatePrecision.DAY) -> str:
    """Show a date only as precisely as it is known ("Sep 2024" for a month-only date)."""
    if value is None:
        return ""
    return format_date(value, _DATE_FORMATS.get(precision, _DATE_FORMATS[DatePrecision.DAY]))


@register.filter
def score(value: Decimal | None) -> str:
    """A score as reported, without column padding (0.889, 2622)."""
    return leaderboard.format_score(value)


@register.filter
def percent(normalized: Decimal | None) -> str:
    return leaderboard.format_percent(normalized)


@register.filter
def parameters(count: int | None) -> str:
    return leaderboard.format_parameters(count)


@register.filter
def tokens(count: int | None) -> str:
    return leaderboard.format_tokens(count)


@register.filter
def usd(value: Decimal | None) -> str:
    return f"${leaderboard.format_score(value)}" if value is not None else ""


@register.filter
def ld_json(data: object) -> SafeString:
    """A JSON-LD block; the same escaping as json_script keeps "</script>" harmless."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(
        _JSON_SCRIPT_ESCAPES
    )
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))


_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}
