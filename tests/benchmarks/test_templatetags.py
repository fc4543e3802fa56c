"""The template filters of benchmarks.templatetags.benchboard."""

import datetime

import pytest
from django.utils import translation
from django.utils.dateformat import format as django_format

from benchmarks.templatetags.benchboard import precise_date
from models_registry.models import DatePrecision

DJANGO_FORMATS = {DatePrecision.DAY: "j M Y", DatePrecision.MONTH: "M Y", DatePrecision.YEAR: "Y"}
DATES = [
    datetime.date(year, month, day)
    for year in (7, 999, 2024)
    for month in range(1, 13)
    for day in (1, 9, 28)
]


@pytest.mark.parametrize("language", ["en-us", "de"])
@pytest.mark.parametrize("precision", list(DJANGO_FORMATS))
def test_precise_date_writes_what_djangos_date_format_writes(language, precision):
    with translation.override(language):
        written = [precise_date(date, precision) for date in DATES]
        expected = [django_format(date, DJANGO_FORMATS[precision]) for date in DATES]
    assert written == expected


def test_precise_date_examples():
    may = datetime.date(2024, 5, 3)
    assert precise_date(may) == "3 May 2024"
    assert precise_date(may, DatePrecision.MONTH) == "May 2024"
    assert precise_date(may, DatePrecision.YEAR) == "2024"
    assert precise_date(may, "unknown") == "3 May 2024"
    assert precise_date(None) == ""
    with translation.override("de"):
        assert precise_date(may) == "3 Mai 2024"
