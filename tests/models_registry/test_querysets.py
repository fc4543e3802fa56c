"""The lists' word search, one QuerySet method for models and benchmarks."""

import pytest

from benchmarks.models import Benchmark
from models_registry.models import SEARCH_MAX_WORDS, AIModel
from tests.factories import make_ai_model, make_benchmark

pytestmark = pytest.mark.django_db


def test_every_word_must_match_the_name_or_the_slug():
    make_ai_model(slug="acme-large-2", name="Acme Large")
    make_ai_model(slug="acme-small", name="Acme Small")
    make_ai_model(slug="zen-large", name="Zen Large")

    found = AIModel.objects.matching_words("LARGE acme")

    assert [m.slug for m in found] == ["acme-large-2"]
    assert AIModel.objects.matching_words("large-2").get().name == "Acme Large"


def test_benchmarks_also_match_their_description():
    make_benchmark(slug="gpqa", name="GPQA", description="Graduate-level science questions")
    make_benchmark(slug="mmlu", name="MMLU", description="Many subjects")

    assert [b.slug for b in Benchmark.objects.matching_words("science gpqa")] == ["gpqa"]
    assert not Benchmark.objects.matching_words("science mmlu").exists()


def test_words_past_the_limit_are_not_read():
    make_ai_model(slug="acme", name="Acme")
    words = ["acme"] * SEARCH_MAX_WORDS + ["nowhere"]

    assert AIModel.objects.matching_words(" ".join(words)).count() == 1
    assert AIModel.objects.matching_words("acme nowhere").count() == 0
