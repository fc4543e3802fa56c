"""The vendored snapshot as `make run` serves it."""

from benchmarks.models import Benchmark, Result
from models_registry.models import AIModel


def test_the_whole_snapshot_is_loaded():
    assert AIModel.objects.count() == 169
    assert Benchmark.objects.count() == 342
    assert Result.objects.count() == 2222


def test_a_benchmark_page_shows_its_real_leader_and_no_demo_banner(client):
    page = client.get("/benchmarks/mimic-cxr/").content.decode()
    assert "MedGemma 4B IT" in page
    assert "88.9%" in page
    assert "demo data" not in page.lower()
