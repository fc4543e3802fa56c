"""Property-based tests: hostile input never breaks a page (no 5xx) and is echoed escaped.

Every public GET address in the urlconf (the admin aside), filled with real slugs
and references from a small dataset, is fetched with random and hostile query
strings: unicode, NUL, huge values, repeated keys, raw bytes and broken
percent-encoding, SQL- and HTML-injection look-alikes; also as htmx requests, which
get partials. The two public forms (/reports/new/ and /submit/) get the same
treatment as POST data.

hypothesis.extra.django.TestCase runs each example in its own transaction, rolled
back after it, so examples cannot leak into each other (a saved ticket, a rate-limit
count); the dataset is made once per class in setUpTestData.
"""

from urllib.parse import quote

from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from sources.models import CURATORS, standard_source
from submissions.models import DataReport, ResultSubmission
from tests.factories import (
    make_ai_model,
    make_benchmark,
    make_category,
    make_provider,
    make_result,
)

# Fast enough for CI on two cores; no example database written into the checkout.
FUZZ = settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.large_base_example],
)

# Strings no page may ever show unescaped.
MARKUP = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
]
HOSTILE = [
    *MARKUP,
    "",
    " ",
    "\x00",
    "a\x00b",
    "\r\nSet-Cookie: x=1",
    "'",
    "' OR '1'='1' --",
    "1; DROP TABLE benchmarks_benchmark; --",
    "%",
    "%zz",
    "%00",
    "%ff%fe",
    "%C0%AE%C0%AE/",
    "{{ 7|add:7 }}",
    "{% debug %}",
    "../../../etc/passwd",
    "javascript:alert(1)",
    "-1",
    "0",
    "1e309",
    "NaN",
    "-Infinity",
    "0x10",
    "99999999999999999999999999999999",
    "\uff19\uff19",  # fullwidth digits
    "٣",
    "1.5",
    "9999-12-31",
    "0000-00-00",
    "2025-02-30",
    "\u202egnp.exe",
    "\U0001d518\U0001d52b\U0001d526 \U0001f680",  # mathematical letters, an emoji
    "a" * 10_000,
    "9" * 400,
    ",".join(["x"] * 300),
    ",,,",
    "asc",
    "desc",
    "all",
    "on",
]
# Parameters the views read (filters, sorting, paging, targets), and random ones.
PARAMETERS = [
    "q",
    "page",
    "sort",
    "order",
    "rows",
    "license",
    "licence",
    "org",
    "verified",
    "multimodal",
    "min_context",
    "min_params",
    "max_params",
    "max_price",
    "from",
    "to",
    "category",
    "modality",
    "models",
    "add",
    "benchmark",
    "model",
    "result",
]
SLUGS = ["gpqa", "gpt-5", "claude-x", "reasoning", "acme"]

# Text that UTF-8 can encode (a lone surrogate cannot travel in a request).
text = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)
value = st.one_of(
    st.sampled_from(HOSTILE),
    st.sampled_from(SLUGS),
    text,
    st.integers().map(str),
    st.lists(st.sampled_from([*SLUGS, *HOSTILE[:8]]), max_size=6).map(",".join),
)
key = st.one_of(st.sampled_from(PARAMETERS), text)


@st.composite
def query_string(draw) -> str:
    """A raw QUERY_STRING as a WSGI server passes it: bytes, decoded as latin-1.

    Each pair is percent-encoded properly, sent as raw UTF-8, or made of random
    bytes; keys may repeat.
    """
    pairs = []
    for _ in range(draw(st.integers(0, 6))):
        name, content = draw(key), draw(value)
        how = draw(st.sampled_from(["quoted", "raw", "bytes"]))
        if how == "quoted":
            pairs.append(f"{quote(name, safe='')}={quote(content, safe='')}")
        elif how == "raw":
            pairs.append(f"{name}={content}".encode().decode("latin-1"))
        else:
            pairs.append(
                f"{quote(name, safe='')}=" + draw(st.binary(max_size=30)).decode("latin-1")
            )
    return draw(st.sampled_from(["&", ";", "&&"])).join(pairs)


def public_get_paths(fillers: dict[str, dict[str, str]]) -> list[str]:
    """Every address in the urlconf outside the admin, with its parameters filled."""
    paths = []

    def walk(patterns, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    continue
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                name = namespace + pattern.name
                needed = set(getattr(pattern.pattern, "converters", {}))
                if needed - set(fillers.get(name, {})):
                    raise AssertionError(
                        f"{name} takes {sorted(needed)}: add real values for it to the "
                        "fillers in tests/test_fuzz.py."
                    )
                paths.append(reverse(name, kwargs=fillers.get(name) or None))

    walk(get_resolver().url_patterns, "")
    return paths


def small_catalogue_paths():
    """Every public address, filled from a small catalogue made here (two models, a
    benchmark, a category, a provider, a report and a submission); and a result."""
    category = make_category(slug="reasoning", name="Reasoning")
    benchmark = make_benchmark(slug="gpqa", name="GPQA", categories=[category])
    gpt = make_ai_model(slug="gpt-5", name="GPT-5")
    claude = make_ai_model(slug="claude-x", name="Claude X")
    claude.organization.slug = "acme"
    claude.organization.save()
    result = make_result(ai_model=gpt, benchmark=benchmark)
    make_result(ai_model=claude, benchmark=benchmark, score="0.7")
    make_provider(slug="groq")
    standard_source(CURATORS)
    report = DataReport.objects.create(
        kind=DataReport.Kind.choices[0][0], description="Off.", benchmark=benchmark
    )
    submission = ResultSubmission.objects.create(
        ai_model=gpt, benchmark=benchmark, score="0.5", source_url="https://example.org/"
    )
    paths = public_get_paths(
        {
            "benchmarks:detail": {"slug": "gpqa"},
            "benchmarks:leaderboard-csv": {"slug": "gpqa"},
            "benchmarks:leaderboard-json": {"slug": "gpqa"},
            "benchmarks:category-detail": {"slug": "reasoning"},
            "models_registry:detail": {"slug": "gpt-5"},
            "organizations:detail": {"slug": "acme"},
            "providers:detail": {"slug": "groq"},
            "sources:detail": {"slug": "curators"},
            "submissions:report-status": {"reference": report.reference},
            "submissions:submission-status": {"reference": submission.reference},
        }
    )
    return paths, result


def assert_sound(response) -> None:
    """No server error, and nothing hostile echoed unescaped into HTML."""
    assert response.status_code < 500, response.status_code
    if response.get("Content-Type", "").startswith("text/html") and not response.streaming:
        body = response.content.decode()
        for markup in MARKUP:
            assert markup not in body, markup


@override_settings(
    REDIS_URL="",
    STORAGES={
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    },
)
class HostileInputTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.paths, cls.result = small_catalogue_paths()

    def test_the_public_addresses_are_all_covered(self):
        for path in ["/", "/benchmarks/gpqa/", "/compare/suggest/", "/submit/", "/robots.txt"]:
            assert path in self.paths
        assert not any(path.startswith("/admin/") for path in self.paths)

    @FUZZ
    @given(data=st.data(), query=query_string(), htmx=st.booleans(), cached=st.booleans())
    @example(data=None, query="q=%3Cscript%3Ealert(1)%3C/script%3E", htmx=False, cached=False)
    @example(data=None, query="q=\x00&page=\x00&sort=\x00", htmx=False, cached=False)
    @example(data=None, query="page=99999999999999999999999&page=-1", htmx=True, cached=False)
    @example(data=None, query="models=" + ",".join(["gpt-5"] * 500), htmx=False, cached=False)
    @example(data=None, query="%ff%fe=%ff&%=%&q=%C0%AE", htmx=False, cached=True)
    def test_get_pages_survive_hostile_query_strings(self, data, query, htmx, cached):
        # The page cache (config/caching.py) on, as served, or off so that every
        # request reaches its view.
        paths = self.paths if data is None else [data.draw(st.sampled_from(self.paths))]
        headers = {"HX-Request": "true"} if htmx else {}
        with override_settings(BENCHBOARD_PAGE_CACHE=cached):
            for path in paths:
                response = self.client.get(path, QUERY_STRING=query, headers=headers)
                assert_sound(response)

    @FUZZ
    @given(
        target=st.sampled_from(["benchmark=gpqa", "model=gpt-5", "benchmark=gpqa&model=gpt-5"]),
        fields=st.dictionaries(
            st.one_of(
                st.sampled_from(
                    ["kind", "description", "suggested_value", "evidence_url", "email", "website"]
                ),
                text,
            ),
            st.one_of(value, st.lists(value, min_size=2, max_size=3)),
            max_size=8,
        ),
        htmx=st.booleans(),
    )
    def test_report_form_survives_hostile_posts(self, target, fields, htmx):
        headers = {"HX-Request": "true"} if htmx else {}
        response = self.client.post(f"/reports/new/?{target}", fields, headers=headers)
        assert_sound(response)

    @FUZZ
    @given(
        fields=st.dictionaries(
            st.one_of(
                st.sampled_from(
                    [
                        "ai_model",
                        "benchmark",
                        "score",
                        "analysis_method",
                        "source_url",
                        "recorded_on",
                        "comment",
                        "email",
                        "website",
                    ]
                ),
                text,
            ),
            st.one_of(value, st.lists(value, min_size=2, max_size=3)),
            max_size=10,
        )
    )
    @example(
        fields={
            "ai_model": "gpt-5",
            "benchmark": "gpqa",
            "score": "1e309",
            "source_url": "https://example.org/",
            "recorded_on": "9999-12-31",
        }
    )
    def test_submission_form_survives_hostile_posts(self, fields):
        response = self.client.post("/submit/", fields)
        assert_sound(response)

    def test_echoed_input_is_escaped(self):
        markup = MARKUP[1]
        for path, name in [
            ("/search/", "q"),
            ("/benchmarks/", "q"),
            ("/models/", "q"),
            ("/benchmarks/gpqa/", "q"),
            ("/compare/", "add"),
        ]:
            response = self.client.get(path, {name: markup})
            assert response.status_code == 200, path
            body = response.content.decode()
            assert markup not in body, path
            assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in body, path
