"""The Every Eval Ever archive imported beside LLM Stats: boards as sources, the crosswalk,
variants, and what a second import does."""

import io
from collections import Counter
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.management import call_command

from benchmarks.models import Benchmark, Conflict, Result
from benchmarks.services import decide_suggestion
from ingest.eee_import import developer_key
from models_registry.models import AIModel, ModelLink
from sources.models import ImportRun, Source

# Results stored per board: what the reader keeps (tests/ingest/test_eee_reader.py), less
# the results given twice for one row with two scores (conflicts for curators).
STORED = {
    "hfopenllm_v2": 27402,  # 27,444 less 7 rows given twice by two files (42 results)
    "helm_lite": 909,
    "helm_mmlu": 2844,
    "reward-bench": 2366,
    "livecodebenchpro": 77,  # 87, less 5 rows given twice (two of them the same score)
    "hal-gaia": 128,
    "hal-swebench-verified-mini": 33,
    "hal-scicode": 33,
}


def reimport(eee_root) -> str:
    out = io.StringIO()
    call_command("import_eee", str(eee_root), stdout=out)
    return out.getvalue()


def link(external_id: str) -> ModelLink:
    return ModelLink.objects.select_related("ai_model__organization", "suggested").get(
        external_id=external_id
    )


def test_each_board_is_a_source_with_its_recorded_run(both_sources):
    counts = Counter(
        Result.objects.exclude(source__slug="llm-stats").values_list("source__slug", flat=True)
    )

    assert dict(counts) == STORED
    sources = Source.objects.in_bulk(STORED, field_name="slug")
    assert sources["hfopenllm_v2"].name == "HF Open LLM v2"
    assert sources["hfopenllm_v2"].publisher == "Hugging Face"
    assert sources["helm_lite"].name == "helm_lite (crfm)"
    assert {s.evaluator_relationship for s in sources.values()} == {"third_party"}
    assert set(Result.objects.filter(source__slug__in=STORED).values_list("status", flat=True)) == {
        Result.Status.THIRD_PARTY
    }
    runs = {run.source.slug: run for run in ImportRun.objects.select_related("source")}
    assert runs["hfopenllm_v2"].counts["results"]["created"] == STORED["hfopenllm_v2"]
    (refused,) = runs["helm_lite"].anomalies.all()
    assert refused.kind == "score outside its range"
    assert refused.file.startswith("data/helm_lite/microsoft/phi-3-small-8k-instruct/")
    assert runs["hfopenllm_v2"].anomalies.filter(kind="duplicated evaluation_id").count() == 78
    assert "s per 1,000 results" in both_sources


def test_the_same_model_across_sources_is_one_model():
    deepseek = link("deepseek-ai/DeepSeek-R1-Distill-Qwen-14B")

    assert deepseek.how == ModelLink.How.SAME
    assert deepseek.ai_model.slug == "deepseek-r1-distill-qwen-14b"
    sources = set(deepseek.ai_model.results.values_list("source__slug", flat=True))
    assert sources == {"llm-stats", "hfopenllm_v2"}


def test_another_developers_upload_is_another_model_suggested_to_curators():
    upload = link("braindao/DeepSeek-R1-Distill-Qwen-14B")

    assert upload.how == ModelLink.How.OWN
    assert upload.ai_model.name == "braindao/DeepSeek-R1-Distill-Qwen-14B"
    assert upload.ai_model.organization.slug == "braindao"
    assert set(upload.ai_model.results.values_list("source__slug", flat=True)) == {"hfopenllm_v2"}
    assert upload.suggestion == ModelLink.Suggestion.OPEN
    assert upload.suggested.slug == "deepseek-r1-distill-qwen-14b"
    # A base model is not its instruction-tuned version, whose display name it shares.
    base = link("google/gemma-2-27b")
    assert base.ai_model.slug != "gemma-2-27b-it"
    assert base.suggested.slug == "gemma-2-27b-it"


def test_the_import_never_links_across_developers():
    for same in ModelLink.objects.filter(how=ModelLink.How.SAME).select_related(
        "ai_model__organization"
    ):
        organization = same.ai_model.organization
        developer = developer_key(same.external_id.split("/")[0])
        assert developer in {developer_key(organization.slug), developer_key(organization.name)}
    linked = ModelLink.objects.filter(
        how=ModelLink.How.SAME, ai_model__results__source__slug="llm-stats"
    )
    assert linked.values("ai_model").distinct().count() == 56
    assert ModelLink.objects.suggested().count() == 26


def test_settings_make_rows_of_their_own():
    gaia = Benchmark.objects.get(slug="hal-gaia-gaia")
    sonnet = Result.objects.filter(benchmark=gaia, ai_model__slug="claude-3-7-sonnet-20250219")

    assert sorted(sonnet.values_list("analysis_method", flat=True)) == [
        "HAL Generalist Agent · $130.68",
        "HAL Generalist Agent · high reasoning effort · $122.49",
        "HF Open Deep Research · $415.15",
        "HF Open Deep Research · high reasoning effort · $113.65",
    ]
    high = sonnet.get(analysis_method="HAL Generalist Agent · high reasoning effort · $122.49")
    assert high.details["scaffold"] == "HAL Generalist Agent"
    assert high.details["cost_usd"] == "122.49"
    assert high.details["reasoning_effort"] == "high"
    precisions = Result.objects.filter(
        benchmark__slug="hfopenllm_v2-gpqa",
        ai_model__links__external_id="AtAndDev/Qwen2.5-1.5B-continuous-learnt",
    ).values_list("analysis_method", flat=True)
    assert sorted(precisions) == ["bfloat16", "float16"]


def test_a_benchmark_keeps_its_metric():
    gpqa = Benchmark.objects.get(slug="hfopenllm_v2-gpqa")

    assert gpqa.name == "GPQA (HF Open LLM v2)"
    assert (gpqa.higher_is_better, gpqa.max_score) == (True, 1)
    assert gpqa.metric == {"score_type": "continuous", "min_score": "0", "max_score": "1"}
    # 4,574 runs of 4,496 ids (78 run at two precisions) of 4,491 models (five ids name
    # another's model in other letters), less two models whose two runs at one precision
    # disagree (neither stored: a conflict for curators).
    assert gpqa.model_count == 4489
    result = gpqa.results.first()
    assert result.normalized_score == result.score
    assert result.standard_error is None  # no file in the archive gives one
    assert result.details["model_id"]


def test_a_second_import_keeps_curators_decisions_and_changes_nothing(eee_root):
    curator = User.objects.create(username="cura")
    corrected = Result.objects.get(
        benchmark__slug="hfopenllm_v2-gpqa",
        ai_model__slug="deepseek-r1-distill-qwen-14b",
    )
    ours = corrected.score + Decimal("0.01")
    corrected.score = corrected.normalized_score = ours
    corrected.save()
    same = link("meta-llama/Llama-3.1-8B-Instruct")
    moved = set(same.ai_model.results.values_list("pk", flat=True))
    decide_suggestion(same, accept=True, curator=curator, reason="Meta's own upload")
    apart = link("braindao/DeepSeek-R1-Distill-Qwen-14B")
    decide_suggestion(apart, accept=False, curator=curator, reason="Another developer")

    report = reimport(eee_root)

    assert report.count("Changed: nothing") == len(STORED)
    assert "Model ids: 0 new" in report
    same.refresh_from_db()
    assert same.ai_model.slug == "llama-3.1-8b-instruct"
    assert set(same.ai_model.results.values_list("pk", flat=True)) >= moved
    assert not AIModel.objects.filter(name="meta-llama/Llama-3.1-8B-Instruct").exists()
    apart.refresh_from_db()
    assert apart.suggestion == ModelLink.Suggestion.REJECTED
    assert apart.ai_model.name == "braindao/DeepSeek-R1-Distill-Qwen-14B"
    corrected.refresh_from_db()
    assert corrected.score == ours
    assert not Conflict.objects.filter(result=corrected).exists()
