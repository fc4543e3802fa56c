import datetime

from django import template
from django.utils.dateformat import format as format_date

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
