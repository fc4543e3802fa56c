import datetime
import functools
import html
import json
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from django import template
from django.contrib.humanize.templatetags.humanize import ordinal
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from django.utils.dates import MONTHS_3
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from benchmarks import leaderboard
from benchmarks.models import Result
from models_registry.models import DatePrecision
from pages import formatting
from pages.formatting import (
    format_on_scale,
    format_parameters,
    format_percent,
    format_result,
    format_score,
    format_tokens,
    is_percent_scale,
)

register = template.Library()


@register.filter
def precise_date(value: datetime.date | None, precision: str = DatePrecision.DAY) -> str:
    """Show a date only as precisely as it is known: "3 Sep 2024", "Sep 2024" for a
    month-only date, "2024" for a year-only one.

    The same text as Django's date formats "j M Y", "M Y" and "Y" (the same translated
    month names), written out here: the date filter took 23 microseconds a date, which
    a leaderboard page of 100 rows paid 200 times.
    """
    if value is None:
        return ""
    year = f"{value.year:04d}"
    if precision == DatePrecision.YEAR:
        return year
    month = _month_abbreviations(get_language())[value.month]
    if precision == DatePrecision.MONTH:
        return f"{month} {year}"
    return f"{value.day} {month} {year}"


@functools.cache
def _month_abbreviations(language: str) -> dict[int, str]:
    """Django's "M" month names in the active language (the cache key): translated
    once, not at each of a table's hundreds of dates."""
    return {number: name.title() for number, name in MONTHS_3.items()}


@functools.lru_cache(maxsize=4096)
def _ordinal(value: int, language: str) -> str:
    """humanize's ordinal ("2nd") in the active language (the cache key): it translates
    ten strings a call."""
    return ordinal(value)


@register.filter
def nth(value: int | None) -> str:
    """A rank as an ordinal ("2nd"): humanize's ordinal, cached (a comparison of three
    models showed 300 ranks, a quarter of its time)."""
    if value is None:
        return ""
    return _ordinal(value, get_language())


@register.filter
def score(value: Decimal | None) -> str:
    """A score as reported, without column padding (0.889, 2622)."""
    return format_score(value)


@register.filter
def percent(normalized: Decimal | None) -> str:
    return format_percent(normalized)


@register.filter
def on_scale(normalized: Decimal | None, max_score: Decimal) -> str:
    """A normalized score in its benchmark's unit (pages.formatting.format_on_scale)."""
    return format_on_scale(normalized, max_score)


@register.filter
def shown(result: Any, max_score: Decimal) -> str:
    """A result (anything with a score and a normalized_score) in its benchmark's unit, as
    every page writes it (pages.formatting.format_result)."""
    return format_result(result.score, result.normalized_score, max_score)


@register.filter
def with_article(word: str) -> str:
    return formatting.with_article(word)


@register.filter
def parameters(count: int | None) -> str:
    return format_parameters(count)


@register.filter
def tokens(count: int | None) -> str:
    return format_tokens(count)


@register.filter
def usd(value: Decimal | None) -> str:
    return f"${format_score(value)}" if value is not None else ""


@register.filter
def ld_json(data: object) -> SafeString:
    """A JSON-LD block; the same escaping as json_script keeps "</script>" harmless."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(
        _JSON_SCRIPT_ESCAPES
    )
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))


_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


# What a leaderboard cell shows when its result lacks the fact.
NO_VALUE = "\N{EN DASH}"


# --- Result rows -------------------------------------------------------------------------
# A benchmark's leaderboard and a model's results are tables of results, written by the
# two tags below from these cells; each returns escaped HTML.


def _or_dash(text: str) -> str:
    """The text, escaped, or the dash of a missing fact."""
    return html.escape(text) or NO_VALUE


def _score_cell(
    score: Decimal, normalized: Decimal | None, max_score: Decimal, *, strong: bool = False
) -> str:
    """The score in its benchmark's unit (pages.formatting.format_result; in <strong>
    when strong), with a bar of its share of the maximum on a percent scale.

    Where the source wrote the number otherwise than it shows (an Elo reported as the
    fraction 0.874 of 3000 shows as 2622), the reported number is kept beside it, for
    screen readers too. A score above the benchmark's maximum, not normalized, says so.
    """
    reported = format_score(score)
    if normalized is None:
        reported = f"<strong>{reported}</strong>" if strong else reported
        return f'{reported} <span class="muted">(off the scale: not ranked)</span>'
    text = format_on_scale(normalized, max_score)
    shown = f"<strong>{text}</strong>" if strong else text
    if is_percent_scale(max_score):
        # The bar repeats the number for the eye; assistive technology reads the number.
        # A meter's range is 0 to 1 unless it says otherwise. Unquoted values (valid HTML:
        # no spaces or quotes in them) keep a hundred rows within the page's weight budget.
        shown += f"<meter aria-hidden=true value={_bar(normalized)}></meter>"
    elif reported != text:
        shown = (
            f'<span class="rescaled" title="Reported as {reported}">{shown}'
            f'<span class="visually-hidden"> (reported as {reported})</span></span>'
        )
    return shown


# A method longer than this shows its first line only, whole on hover, focus or a tap.
LONG_TEXT = 32


def _long_text(text: str) -> str:
    """The text, escaped (or the dash when empty); a long one in a span that static CSS
    shortens to one line with an ellipsis until it is hovered, focused (it is focusable,
    so a keyboard or a tap opens it) or read by a screen reader (the text is all there)."""
    if len(text) <= LONG_TEXT:
        return _or_dash(text)
    escaped = html.escape(text)
    return f'<span class="long-text" tabindex="0" title="{escaped}">{escaped}</span>'


def _bar(normalized: Decimal) -> str:
    """A meter's value: three decimals draw a bar to a thousandth, without a leading zero."""
    text = format(normalized.quantize(Decimal("0.001")).normalize(), "f")
    return text[1:] if text.startswith("0.") else text


def _source_link(name: str, slug: str, url: str) -> str:
    """A result's source by name, linked to where it published the result, else to the
    source's page. Its row says whose result it is (a table's row gives a link its
    context), so the name alone is the link's text."""
    href = url or (_url_of_slug("sources:detail")(slug) if slug else "")
    text = html.escape(name or "Source")
    return f'<a href="{html.escape(href)}" rel=nofollow>{text}</a>' if href else NO_VALUE


def _corrected(said: str, said_normalized: str | None, max_score: Decimal) -> str:
    """The mark of a score curators corrected, with what its source says: in the page's
    unit when its normalized score is known ("source: 86%"), else as the source wrote it."""
    shown = format_on_scale(Decimal(said_normalized), max_score) if said_normalized else said
    return f' <span class="score-note">corrected by curators; source: {html.escape(shown)}</span>'


# The mark of a score its source no longer gives: kept and shown, never ranked.
WITHDRAWN = ' <span class="score-note">withdrawn by its source; not ranked</span>'


def _status_badge(status: str, label: str, *, compact: bool = False) -> str:
    """A result's status as a badge; compact, in a leaderboard's rows, without the base
    class (benchmark.css styles its badge-* spans as badges): six bytes a badge."""
    base = "" if compact else "badge "
    return f'<span class="{base}badge-{html.escape(status)}">{html.escape(label)}</span>'


def _report_link(report_url: str, result_id: int, about: str, *, css_class: str = "") -> str:
    """The row's Report link, opened in place by static/js/reports.js, named for assistive
    technology after what it reports (aria-label: a third of the bytes of hidden text, on
    a hundred rows). report_url and about are HTML already escaped by the caller."""
    attributes = f' class="{css_class}"' if css_class else ""
    return (
        f'<a{attributes} href="{report_url}?result={result_id}" data-report '
        f'aria-label="Report a problem with {about}">Report</a>'
    )


@register.simple_tag
def leaderboard_rows(
    rows: Iterable[leaderboard.Row], *, max_score: Decimal, report_url: str
) -> SafeString:
    """The body rows of a leaderboard table, each on one line.

    Written here, one format string a row, rather than as a loop in the template: the
    template's two dozen nodes a row took 22 ms for a page of 100 rows, this 5.6 ms. Every
    text is escaped as the template would; cells are styled by their position
    (benchmark.css), so rows carry no classes.
    """
    model_url = _url_of_slug("models_registry:detail")
    report_url = html.escape(report_url)
    lines = []
    for row in rows:
        name = html.escape(row.model_name)
        variant = f' <span class="variant">{html.escape(row.variant)}</span>' if row.variant else ""
        shown_score = _score_cell(row.score, row.normalized_score, max_score)
        if (said := row.source_score) is not None:
            shown_score += _corrected(said, row.source_said_normalized, max_score)
        if row.withdrawn_at:
            shown_score += WITHDRAWN
        if row.cost is not None:
            cost = html.escape(
                f"{usd(row.input_usd_per_million)} / {usd(row.output_usd_per_million)}"
            )
        else:
            cost = NO_VALUE
        if row.is_open:
            licence = '<span class="badge-open">Open</span>'
        else:
            licence = '<span class="badge-proprietary">Proprietary</span>'
        released = (
            html.escape(precise_date(row.release_date, row.release_date_precision))
            if row.release_date
            else NO_VALUE
        )
        recorded = html.escape(precise_date(row.recorded_on)) if row.recorded_on else NO_VALUE
        size = _or_dash(format_parameters(row.parameter_count))
        context = _or_dash(format_tokens(row.context_length))
        source = _source_link(row.source_name, row.source_slug, row.source_url)
        lines.append(
            f"<tr><td>{row.rank or NO_VALUE}</td>"
            f'<th scope="row"><a href="{html.escape(model_url(row.model_slug))}">{name}</a>'
            f"{variant}</th>"
            f"<td>{shown_score}</td>"
            f"<td>{html.escape(row.organization_name)}</td>"
            f"<td>{_status_badge(row.status, row.status_label, compact=True)}</td>"
            f"<td>{size}</td><td>{context}</td><td>{cost}</td><td>{licence}</td>"
            f"<td>{_long_text(row.analysis_method)}</td>"
            f"<td>{released}</td><td>{recorded}</td>"
            f"<td>{source} · {_report_link(report_url, row.result_id, f"{name}'s result")}</td>"
            "</tr>"
        )
    return mark_safe("".join(lines))


@register.simple_tag
def model_result_rows(rows: Iterable[Any], *, report_url: str) -> SafeString:
    """The body rows of a model page's results table (models_registry.profile.ResultRow
    rows, each a result with its benchmark and the benchmark's categories, shown as
    links under its name), each on one line.

    Written here as leaderboard_rows is, and for the same reason: the template's loop
    took 67 ms for 195 rows, this 3.3 ms.
    """
    benchmark_url = _url_of_slug("benchmarks:detail")
    category_url = _url_of_slug("benchmarks:category-detail")
    source_url = _url_of_slug("sources:detail")
    report_url = html.escape(report_url)
    language = get_language()
    status_labels = dict(Result.Status.choices)
    lines = []
    for row in rows:
        result, benchmark = row.result, row.benchmark
        name = html.escape(benchmark.name)
        direction = (
            "" if benchmark.higher_is_better else ' <span class="muted">(lower is better)</span>'
        )
        categories = "".join(
            f'<li><a class="tag" href="{html.escape(category_url(category.slug))}">'
            f"{html.escape(category.name)}</a></li>"
            for category in row.categories
        )
        if categories:
            categories = (
                '<span class="visually-hidden">Categories:</span>'
                f'<ul class="tags result-categories">{categories}</ul>'
            )
        shown_score = _score_cell(
            result.score, result.normalized_score, benchmark.max_score, strong=True
        )
        if (
            said := leaderboard.corrected_from(result.score, result.source_values.get("score"))
        ) is not None:
            said_normalized = result.source_values.get("normalized_score")
            shown_score += _corrected(said, said_normalized, benchmark.max_score)
        if result.withdrawn_at:
            shown_score += WITHDRAWN
        if row.rank:
            rank = f"{html.escape(_ordinal(row.rank, language))} of {row.model_count}"
        else:
            why = "withdrawn by its source" if result.withdrawn_at else "no normalized score"
            rank = (
                '<span aria-hidden="true">\N{EM DASH}</span>'
                f'<span class="visually-hidden">not ranked: {why}</span>'
            )
        if result.recorded_on:
            recorded = (
                f'<time datetime="{result.recorded_on.isoformat()}">'
                f"{html.escape(precise_date(result.recorded_on))}</time>"
            )
        else:
            recorded = NO_VALUE
        # The source by name, linked to where it published the result, else to its page.
        href = result.source_url or source_url(result.source.slug)
        source = (
            f'<a href="{html.escape(href)}" rel="external noopener nofollow">'
            f"{html.escape(result.source.name)}"
            f'<span class="visually-hidden">, the source of the {name} result</span></a>'
        )
        source += " · "
        status = _status_badge(result.status, status_labels.get(result.status) or result.status)
        report = _report_link(report_url, result.pk, f"the {name} result", css_class="report-link")
        lines.append(
            f'<tr><th scope="row"><a href="{html.escape(benchmark_url(benchmark.slug))}">'
            f"{name}</a>{direction}{categories}</th>"
            f'<td class="num">{shown_score}</td>'
            f"<td>{_or_dash(result.analysis_method)}</td>"
            f'<td class="num">{rank}</td>'
            f"<td>{status}</td>"
            f"<td>{recorded}</td>"
            f"<td>{source}{report}</td></tr>"
        )
    return mark_safe("".join(lines))


# The characters reverse() leaves unquoted in a URL (RFC 3986 sub-delimiters and "/~:@").
_URL_SAFE = "!$&'()*+,;=/~:@"
_SLUG_MARKER = "slug"


def _url_of_slug(viewname: str) -> Callable[[str], str]:
    """reverse(viewname, args=[slug]) for many slugs at the cost of one reverse: the URL
    around a marker slug, with each slug quoted as reverse() quotes it."""
    before, _, after = reverse(viewname, args=[_SLUG_MARKER]).rpartition(_SLUG_MARKER)
    return lambda slug: f"{before}{quote(slug, safe=_URL_SAFE)}{after}"
