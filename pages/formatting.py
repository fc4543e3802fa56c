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
    if normalized is None:
        return ""
    return f"{normalized * 100:.1f}%"


def count_of(number: int, singular: str, plural: str | None = None) -> str:
    return f"{number:,} {singular if number == 1 else (plural or singular + 's')}"


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
