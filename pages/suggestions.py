"""The header's search suggestions: a fragment of at most eight links, matched as /search/
matches, that static/js/search-suggestions.js shows under the box as the visitor types."""

import re
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from config.caching import cache_public_page
from config.http import read_only
from pages.search import Group, clean_query, suggestion_groups

OPTION_ID = "site-search-option-{}"  # the options' ids, for aria-activedescendant


@dataclass(frozen=True)
class Option:
    id: str
    url: str
    before: str  # the name, split around the first place it contains the query
    marked: str
    after: str
    detail: str
    kind: str  # "Model"


@dataclass(frozen=True)
class OptionGroup:
    key: str
    title: str
    options: list[Option]


def split_name(name: str, q: str) -> tuple[str, str, str]:
    """The name before, at and after the first place it contains q, in any case; the whole
    name first when it does not (it matched by its slug). Case-insensitive regex matching
    keeps the name's own characters and their positions, which lower() does not always."""
    match = re.search(re.escape(q), name, re.IGNORECASE)
    if not match:
        return name, "", ""
    return name[: match.start()], match[0], name[match.end() :]


def option_groups(groups: list[Group], q: str) -> list[OptionGroup]:
    """The groups as the listbox shows them, their options numbered across all of them."""
    shaped = []
    number = 0
    for group in groups:
        options = []
        for hit in group.hits:
            options.append(
                Option(
                    OPTION_ID.format(number),
                    hit.url,
                    *split_name(hit.name, q),
                    detail=hit.detail,
                    kind=group.label,
                )
            )
            number += 1
        shaped.append(OptionGroup(group.key, group.title, options))
    return shaped


@read_only
@cache_public_page
def search_suggestions(request: HttpRequest) -> HttpResponse:
    """The listbox's options for ?q=, or none for an empty query: four queries whatever the
    data size, none when empty (and the page cache's one, the data version). The same
    fragment with or without HX-Request (there is no page to fall back to; without
    JavaScript the form goes to /search/), so it needs no Vary of its own; the page cache
    adds its usual one."""
    q = clean_query(request.GET.get("q", ""))
    groups = option_groups(suggestion_groups(q), q) if q else []
    response = render(
        request,
        "pages/search_suggestions.html",
        {"groups": groups},
    )
    response["X-Robots-Tag"] = "noindex"  # a fragment, never a page to list
    return response
