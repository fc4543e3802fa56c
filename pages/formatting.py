"""Numbers and words as every page writes them."""

from collections.abc import Sequence
from decimal import Decimal


def format_score(value: Decimal | None) -> str:
    """A score as it was reported, without the padding of its column: 0.889, 2622, 88.9."""
    if value is None:
        return ""
    text = format(value.normalize(), "f")
    return text


def format_percent(normalized: Decimal | None) -> str:
    """A normalized score as a percentage, with one decimal or, where it has them, two:
    88.9%, 50.0%, 82.15% (so that two different scores never read the same)."""
    if normalized is None:
        return ""
    text = f"{normalized * 100:.2f}"
    return f"{text[:-1] if text.endswith('0') else text}%"


# The maxima of the benchmarks scored as percentages: a fraction (0 to 1) or a
# percentage (0 to 100) of the tasks. Any other maximum is the benchmark's own scale
# (an Elo rating up to 3000, a judge's mark out of 10).
PERCENT_SCALES = frozenset({Decimal(1), Decimal(100)})
# A score on a benchmark's own scale is shown to two decimal places at most.
SCALE_PLACES = Decimal("0.01")


def is_percent_scale(max_score: Decimal) -> bool:
    return max_score in PERCENT_SCALES


def on_scale(normalized: Decimal, max_score: Decimal) -> Decimal:
    """A normalized score in the unit the benchmark's page speaks: percent on a percent
    scale (88.9 for 0.889), else points of its own scale (2622 for 0.874 of 3000)."""
    if is_percent_scale(max_score):
        return normalized * 100
    return (normalized * max_score).quantize(SCALE_PLACES)


def format_on_scale(normalized: Decimal | None, max_score: Decimal) -> str:
    """A result as its benchmark's page writes it, from its normalized score, so that every
    result of a benchmark reads in one unit however its source wrote it (0.889 and 88.9
    alike are 88.9%; a CodeForces Elo reported as 0.874 of 3000 is 2622)."""
    if normalized is None:
        return ""
    if is_percent_scale(max_score):
        return format_percent(normalized)
    return format_score(on_scale(normalized, max_score))


def format_result(score: Decimal, normalized: Decimal | None, max_score: Decimal) -> str:
    """A result as format_on_scale writes it; as reported when it has no normalized
    score (one above the benchmark's maximum, which is not ranked)."""
    return format_on_scale(normalized, max_score) or format_score(score)


def scale_phrase(max_score: Decimal) -> str:
    """The unit of format_on_scale, in words: "percent", or "points out of 3000"."""
    if is_percent_scale(max_score):
        return "percent"
    return f"points out of {format_score(max_score)}"


def count_of(number: int, singular: str, plural: str | None = None) -> str:
    return f"{number:,} {singular if number == 1 else (plural or singular + 's')}"


def with_article(word: str) -> str:
    """ "an audio", "a text": the indefinite article by the word's first letter (enough for
    the modalities and categories it is given)."""
    return f"{'an' if word[:1].lower() in 'aeiou' else 'a'} {word}"


def join_words(words: Sequence[str]) -> str:
    """["a", "b", "c"] -> "a, b and c"."""
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def format_parameters(count: int | None) -> str:
    """A parameter count as people write it: 4B, 1.8B, 671B, 1.2T, 350M."""
    if count is None:
        return ""
    for size, suffix in ((10**12, "T"), (10**9, "B"), (10**6, "M"), (10**3, "K")):
        if count >= size:
            value = count / size
            text = f"{value:.1f}".rstrip("0").rstrip(".") if value < 10 else f"{value:.0f}"
            return f"{text}{suffix}"
    return str(count)


def format_tokens(count: int | None) -> str:
    """A context length: 128K, 1M, 8,192 below a thousand-multiple."""
    if count is None:
        return ""
    for size, suffix in ((10**6, "M"), (10**3, "K")):
        if count >= size:
            value = count / size
            return f"{value:.1f}".rstrip("0").rstrip(".") + suffix
    return f"{count:,}"
