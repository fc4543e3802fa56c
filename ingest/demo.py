"""A deterministic, synthetic catalogue so that a fresh checkout shows a living site.

Everything is invented: organizations, models, benchmarks and scores. The pure
`build_*` functions turn a seeded `random.Random` into unsaved model instances;
`load_demo` writes them and `delete_demo` removes them again. Demo rows are found
by DEMO_URL_PREFIX in their URLs (models_registry.models), so real
data imported next to them is never touched.
"""

import datetime
import gc
import itertools
import math
import random
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, fields
from decimal import Decimal

from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from benchmarks.changelog import DEMO_REASON
from benchmarks.models import Benchmark, Category, Result
from benchmarks.services import refresh_result_stats
from config.caching import data_changed
from ingest.services import has_history
from models_registry.models import (
    DEMO_URL_PREFIX,
    AIModel,
    DatePrecision,
    License,
    Offering,
    Organization,
    Provider,
)
from sources.models import DEMO, Source, standard_source
from submissions.models import ResultSubmission

DEFAULT_MODELS = 60
DEFAULT_BENCHMARKS = 40
DEFAULT_SEED = 2024
BATCH_SIZE = 1000
DEMO_LICENSE_SLUG_PREFIX = "demo-"
MIN_PARAMETERS = 10**9
MAX_PARAMETERS = 7 * 10**11

FIRST_RELEASE = datetime.date(2023, 1, 1)
LAST_RELEASE = datetime.date(2026, 10, 31)
LAST_BENCHMARK = datetime.date(2026, 9, 30)
UTC = datetime.UTC

OPEN = "open"
PROPRIETARY = "proprietary"
COMMUNITY = "community"

# The ability scale of the score model, in logits: where the best model of
# January 2023 stands, and how much the frontier gains each year.
ABILITY_START = -0.6
ABILITY_GAIN_PER_YEAR = 0.85


# --- The cast --------------------------------------------------------------------------------


@dataclass(frozen=True)
class FamilySpec:
    name: str
    kind: str
    license_slug: str
    first_version: float = 1
    version_step: float = 1
    tiers: tuple[str, ...] = ()  # proprietary line-up, smallest first
    sizes: tuple[int, ...] = ()  # open sizes in billions of parameters, smallest first
    tuned_suffix: str = "Instruct"


@dataclass(frozen=True)
class OrganizationSpec:
    slug: str
    name: str
    country: str
    description: str
    quality: float  # ability offset, in logits
    weight: float  # share of releases
    families: tuple[FamilySpec, ...]


ORGANIZATIONS = (
    OrganizationSpec(
        "lumenvale-ai",
        "Lumenvale AI",
        "US",
        "A San Francisco lab building general-purpose assistants for businesses.",
        0.45,
        3,
        (FamilySpec("Lumen", PROPRIETARY, "demo-proprietary", 2, 0.5, tiers=("Mini", "", "Pro")),),
    ),
    OrganizationSpec(
        "corvid-research",
        "Corvid Research",
        "GB",
        "A London research company known for careful reasoning and long documents.",
        0.4,
        2.5,
        (FamilySpec("Rook", PROPRIETARY, "demo-proprietary", 1, 1, tiers=("Quick", "", "Deep")),),
    ),
    OrganizationSpec(
        "tidewater-labs",
        "Tidewater Labs",
        "US",
        "Builds a hosted model line-up and publishes small open models for researchers.",
        0.3,
        2.5,
        (
            FamilySpec(
                "Estuary", PROPRIETARY, "demo-proprietary", 1, 0.5, tiers=("Lite", "", "Max")
            ),
            FamilySpec("Eddy", OPEN, "demo-research", sizes=(2, 9, 27), tuned_suffix="Chat"),
        ),
    ),
    OrganizationSpec(
        "nordlys-intelligence",
        "Nordlys Intelligence",
        "NO",
        "A Nordic consortium training open models on public-sector compute.",
        0.1,
        2,
        (FamilySpec("Fjell", OPEN, "demo-community", sizes=(3, 8, 70, 405)),),
    ),
    OrganizationSpec(
        "quillon-ai",
        "Quillon AI",
        "FR",
        "A Paris start-up with open models and a commercial API.",
        0.15,
        2,
        (
            FamilySpec("Plume", OPEN, "demo-open", sizes=(7, 12, 24, 123)),
            FamilySpec(
                "Quill", PROPRIETARY, "demo-proprietary", tiers=("Small", "Medium", "Large")
            ),
        ),
    ),
    OrganizationSpec(
        "jade-river-ai",
        "Jade River AI",
        "CN",
        "Releases large open-weights models, including mixture-of-experts designs.",
        0.25,
        3,
        (FamilySpec("Jadeite", OPEN, "demo-open", sizes=(1, 7, 14, 32, 72, 235, 671)),),
    ),
    OrganizationSpec(
        "sakura-lattice",
        "Sakura Lattice",
        "JP",
        "Focuses on Japanese and English models for on-device use.",
        -0.1,
        1,
        (FamilySpec("Kumo", OPEN, "demo-community", sizes=(2, 8, 32)),),
    ),
    OrganizationSpec(
        "brightforge",
        "Brightforge",
        "CA",
        "A Toronto company serving models tuned for coding and agents.",
        0.1,
        1.5,
        (FamilySpec("Anvil", PROPRIETARY, "demo-proprietary", 1, 1, tiers=("Spark", "", "Forge")),),
    ),
    OrganizationSpec(
        "ironbark-ai",
        "Ironbark AI",
        "AU",
        "A small team publishing efficient open models.",
        -0.15,
        1,
        (FamilySpec("Wattle", OPEN, "demo-open", sizes=(4, 12, 40)),),
    ),
    OrganizationSpec(
        "sahel-language-initiative",
        "Sahel Language Initiative",
        "SN",
        "A non-profit training models for West African languages.",
        -0.3,
        0.8,
        (FamilySpec("Baobab", OPEN, "demo-open", sizes=(1, 3, 9)),),
    ),
    OrganizationSpec(
        "vantor-labs",
        "Vantor Labs",
        "IN",
        "Builds multilingual models for Indian languages, open and hosted.",
        0.0,
        1.5,
        (
            FamilySpec("Deccan", OPEN, "demo-community", sizes=(2, 8, 30, 110)),
            FamilySpec("Monsoon", PROPRIETARY, "demo-proprietary", tiers=("Lite", "", "Plus")),
        ),
    ),
    OrganizationSpec(
        "hedgerow-collective",
        "Hedgerow Collective",
        "DE",
        "A volunteer collective fine-tuning open models on openly licensed data.",
        0.05,
        1.2,
        (FamilySpec("Thicket", COMMUNITY, ""),),
    ),
)


@dataclass(frozen=True)
class LicenseSpec:
    slug: str
    name: str
    description: str
    allows_commercial_use: bool
    open_weights: bool


LICENSES = (
    LicenseSpec(
        "demo-open",
        "Demo Open Licence",
        "A permissive open-weights licence: use, change and sell, with attribution.",
        True,
        True,
    ),
    LicenseSpec(
        "demo-community",
        "Demo Community Licence",
        "Open weights; commercial use is allowed below 100 million monthly users.",
        True,
        True,
    ),
    LicenseSpec(
        "demo-research",
        "Demo Research Licence",
        "Open weights for research and evaluation only; no commercial use.",
        False,
        True,
    ),
    LicenseSpec(
        "demo-proprietary",
        "Demo Proprietary Terms",
        "Available only through the vendor's API under its terms of service.",
        True,
        False,
    ),
)


@dataclass(frozen=True)
class ProviderSpec:
    slug: str
    name: str
    speed: float  # throughput factor
    price: float  # price factor
    quantization: str  # what it serves open models in


PROVIDERS = (
    ProviderSpec("quayside-cloud", "Quayside Cloud", 1.0, 1.1, "bf16"),
    ProviderSpec("tessellate-inference", "Tessellate Inference", 2.5, 1.0, "fp8"),
    ProviderSpec("halyard-hosting", "Halyard Hosting", 0.8, 0.85, "bf16"),
    ProviderSpec("cinderline", "Cinderline", 3.5, 1.25, "fp8"),
    ProviderSpec("brightwater-compute", "Brightwater Compute", 1.2, 0.9, "int4"),
    ProviderSpec("lattice-relay", "Lattice Relay", 1.0, 1.0, ""),
)


@dataclass(frozen=True)
class CategorySpec:
    slug: str
    name: str
    description: str
    weight: float  # share of benchmarks with this as their main category
    related: tuple[str, ...]
    stems: tuple[str, ...]  # for invented benchmark names
    items: str
    skill: str
    grading: str
    methods: tuple[str, ...]  # the usual one first
    modalities: tuple[str, ...] = (Benchmark.Modality.TEXT,)
    multiple_choice: float = 0.0  # share of its benchmarks that are multiple choice


CATEGORIES = (
    CategorySpec(
        "reasoning",
        "Reasoning",
        "Multi-step logical and commonsense reasoning, from puzzles to science questions.",
        3,
        ("math", "general"),
        ("Riddlewood", "Deducto", "Syllogix", "Cogwheel", "Quandary", "Labyrinth", "Paradox"),
        "puzzles and multi-step questions",
        "multi-step logical reasoning",
        "Answers are checked by exact match.",
        ("0-shot CoT", "5-shot CoT", "0-shot"),
        multiple_choice=0.3,
    ),
    CategorySpec(
        "math",
        "Math",
        "Competition and textbook mathematics with checkable final answers.",
        2,
        ("reasoning",),
        ("Lemmata", "Theoremis", "Olympiad", "Integra", "Cardinal", "Axiomatic", "Numberline"),
        "competition-style problems",
        "mathematical problem solving",
        "Final answers are compared symbolically with the reference.",
        ("0-shot CoT", "pass@1", "maj@16"),
    ),
    CategorySpec(
        "code",
        "Code",
        "Writing, fixing and explaining programs, graded by running tests.",
        2,
        ("reasoning", "agents"),
        ("Kernel", "Patchwork", "Compiler", "Refactory", "Stacktrace", "Bytecode", "Linter"),
        "programming tasks with hidden unit tests",
        "writing and repairing code",
        "A solution counts only if every hidden test passes.",
        ("pass@1", "pass@5"),
    ),
    CategorySpec(
        "agents",
        "Agents",
        "Long-horizon tasks where the model plans and calls tools in an environment.",
        1,
        ("code", "reasoning"),
        ("Errand", "Toolbelt", "Concierge", "Dispatcher", "Terminal", "Operator", "Wayfinder"),
        "multi-turn tasks in simulated environments",
        "tool use and long-horizon planning",
        "A task succeeds when the final environment state matches the goal.",
        ("pass@1", "avg@4"),
    ),
    CategorySpec(
        "language",
        "Language",
        "Reading, writing and translating across many languages.",
        2,
        ("general", "reasoning"),
        ("Polyglot", "Lexicon", "Idiomatic", "Dialect", "Rosetta", "Grammarly", "Parlance"),
        "questions across many languages",
        "reading comprehension and translation",
        "Answers are scored against references written by native speakers.",
        ("0-shot", "5-shot"),
        multiple_choice=0.3,
    ),
    CategorySpec(
        "general",
        "General knowledge",
        "Broad factual and academic knowledge, mostly multiple choice.",
        1.5,
        ("language", "reasoning"),
        ("Almanac", "Scholar", "Polymath", "Compendium", "Curriculum", "Syllabus", "Gazetteer"),
        "multiple-choice questions across academic subjects",
        "broad factual knowledge",
        "Each question has one correct option.",
        ("5-shot", "0-shot"),
        multiple_choice=0.9,
    ),
    CategorySpec(
        "long_context",
        "Long context",
        "Finding and combining information across very long inputs.",
        1,
        ("language", "reasoning"),
        ("Haystack", "Tome", "Scroll", "Archive", "Marathon", "Chronicle", "Ledger"),
        "retrieval and synthesis questions over documents of up to a million tokens",
        "using very long inputs",
        "Answers are graded by a rubric for each question.",
        ("0-shot", "128k context"),
    ),
    CategorySpec(
        "vision",
        "Vision",
        "Understanding images: charts, documents, photographs and diagrams.",
        1.5,
        ("multimodal", "reasoning"),
        ("Glimpse", "Diagram", "Pixelwise", "Scenery", "Lens", "Sketchbook", "Panorama"),
        "image-question pairs",
        "visual understanding",
        "Answers are checked by exact match or a short rubric.",
        ("0-shot", "0-shot CoT"),
        (Benchmark.Modality.IMAGE,),
        multiple_choice=0.3,
    ),
    CategorySpec(
        "multimodal",
        "Multimodal",
        "Tasks that mix text with images, audio or video.",
        1,
        ("vision", "reasoning"),
        ("Montage", "Fusion", "Storyboard", "Mosaic", "Prism", "Sonic", "Reel"),
        "questions that mix text, images, audio or video",
        "reasoning across modalities",
        "Answers are checked by exact match.",
        ("0-shot", "0-shot CoT"),
        (
            Benchmark.Modality.MULTIMODAL,
            Benchmark.Modality.VIDEO,
            Benchmark.Modality.AUDIO,
            Benchmark.Modality.IMAGE,
        ),
        multiple_choice=0.4,
    ),
    CategorySpec(
        "healthcare",
        "Healthcare",
        "Medical knowledge and clinical judgement, from licensing exams to patient notes.",
        0.8,
        ("reasoning", "general"),
        ("Clinician", "Triage", "Ward", "Dosage", "Rounds", "Vitals", "Bedside"),
        "clinical vignettes and exam-style medical questions",
        "medical knowledge and clinical judgement",
        "Answers were reviewed by practising physicians.",
        ("0-shot", "5-shot"),
        multiple_choice=0.7,
    ),
    CategorySpec(
        "safety",
        "Safety",
        "Refusing harmful requests without refusing harmless ones.",
        0.6,
        ("language",),
        ("Guardrail", "Sentinel", "Redline", "Boundary", "Tripwire", "Bulwark", "Caution"),
        "adversarial and benign prompts",
        "refusing harmful requests while staying helpful",
        "Responses are graded as safe and helpful, over-refusing, or harmful.",
        ("0-shot",),
    ),
)

NAME_SUFFIXES = (
    ("", "Bench"),
    ("-", "Eval"),
    ("", "QA"),
    (" ", "Arena"),
    (" ", "Ladder"),
    (" ", "Suite"),
    (" ", "Trials"),
    ("-", "X"),
)

# A variant's name tag, what it is, and how much harder it is than its parent (in logits).
VARIANT_TAGS = (
    ("Hard", "harder subset", 1.0),
    ("Lite", "smaller, faster subset", -0.5),
    ("Verified", "human-verified subset", -0.2),
    ("Extended", "extended edition with more items", 0.4),
    ("Multilingual", "translation into twenty languages", 0.3),
    ("Pro", "tougher edition with rewritten, harder items", 0.7),
)

FIRST_NAMES = (
    "Amara", "Bjorn", "Chen", "Dalia", "Emeka", "Farah", "Gustavo", "Hana", "Ines", "Jonas",
    "Kavya", "Lucia", "Mateo", "Nadia", "Oskar", "Priya", "Quentin", "Rosa", "Sven", "Tariq",
    "Ulla", "Vikram", "Wen", "Yara", "Zofia", "Aiko", "Bruno", "Camille", "Dmitri", "Esther",
)  # fmt: skip
LAST_NAMES = (
    "Okafor", "Lindqvist", "Moreau", "Tanaka", "Haddad", "Kowalski", "Ferreira", "Nakamura",
    "Osei", "Brennan", "Iyer", "Castillo", "Novak", "Aydin", "Mbeki", "Sorensen", "Zhou",
    "Rahman", "Delacroix", "Petrova", "Quispe", "Whitfield", "Varga", "Eriksen", "Adeyemi",
)  # fmt: skip

PAPER_OPENINGS = (
    "Progress on existing evaluations of {skill} has outpaced their difficulty.",
    "Popular benchmarks for {skill} are saturated and partly contaminated.",
    "Measuring {skill} reliably remains an open problem.",
    "Existing test sets say little about {skill} in realistic settings.",
)
PAPER_TITLE_VERBS = ("Measuring", "Evaluating", "Probing", "Stress-testing", "Benchmarking")
PAPER_TITLE_TAILS = (
    "in language models",
    "at scale",
    "beyond saturated benchmarks",
    "with verifiable answers",
    "under contamination control",
)


# --- Drafts: unsaved instances with the hidden traits that drive the scores --------------------


@dataclass
class ModelDraft:
    ai_model: AIModel
    ability: float  # in logits, on the scale of BenchmarkDraft.difficulty
    open_weights: bool
    size: float  # billions of parameters, estimated for proprietary models
    tier: float  # 0 for the smallest of a line-up, 1 for the largest


@dataclass
class BenchmarkDraft:
    benchmark: Benchmark
    categories: list[Category]
    available_on: datetime.date
    difficulty: float
    discrimination: float
    floor: float  # the score of random guessing, on the 0..1 scale
    popularity: float
    spec: CategorySpec  # of the main category

    @property
    def methods(self) -> tuple[str, ...]:
        return self.spec.methods


@dataclass
class DemoData:
    organizations: list[Organization]
    licenses: list[License]
    providers: list[Provider]
    categories: list[Category]
    ai_models: list[ModelDraft]
    benchmarks: list[BenchmarkDraft]
    offerings: list[Offering]
    # Lazy: results are the bulk of the rows, and they are written batch by batch.
    results: Iterator[Result]


@dataclass(frozen=True)
class DemoSummary:
    organizations: int = 0
    licenses: int = 0
    providers: int = 0
    categories: int = 0
    ai_models: int = 0
    offerings: int = 0
    benchmarks: int = 0
    results: int = 0

    def __str__(self) -> str:
        labels = {"licenses": "licences", "ai_models": "models"}
        return ", ".join(
            f"{getattr(self, f.name)} {labels.get(f.name, f.name)}" for f in fields(self)
        )


# --- Pure builders -----------------------------------------------------------------------------


def build_demo(*, models: int, benchmarks: int, seed: int) -> DemoData:
    """The whole demo catalogue, unsaved. Each part draws from its own stream, so that
    asking for more benchmarks does not change the models, and the other way round."""
    organizations = build_organizations()
    licenses = build_licenses()
    providers = build_providers()
    categories = build_categories()
    model_drafts = build_ai_models(random.Random(f"{seed}:models"), models, organizations, licenses)
    benchmark_drafts = build_benchmarks(random.Random(f"{seed}:benchmarks"), benchmarks, categories)
    used_categories = {c.slug for draft in benchmark_drafts for c in draft.categories}
    return DemoData(
        organizations=list(organizations.values()),
        licenses=list(licenses.values()),
        providers=list(providers.values()),
        categories=[c for c in categories.values() if c.slug in used_categories],
        ai_models=model_drafts,
        benchmarks=benchmark_drafts,
        offerings=build_offerings(random.Random(f"{seed}:offerings"), model_drafts, providers),
        results=iter_results(random.Random(f"{seed}:results"), model_drafts, benchmark_drafts),
    )


def demo_url(*parts: str) -> str:
    return DEMO_URL_PREFIX + "/".join(parts)


def slug_for(name: str) -> str:
    return name.lower().replace(" ", "-")


def years_since_start(day: datetime.date) -> float:
    return (day - FIRST_RELEASE).days / 365.25


def frontier_ability(day: datetime.date) -> float:
    return ABILITY_START + ABILITY_GAIN_PER_YEAR * years_since_start(day)


def build_organizations() -> dict[str, Organization]:
    return {
        spec.slug: Organization(
            slug=spec.slug,
            name=spec.name,
            country=spec.country,
            description=spec.description,
            website=demo_url(spec.slug),
        )
        for spec in ORGANIZATIONS
    }


def build_licenses() -> dict[str, License]:
    return {
        spec.slug: License(
            slug=spec.slug,
            name=spec.name,
            description=spec.description,
            allows_commercial_use=spec.allows_commercial_use,
            open_weights=spec.open_weights,
        )
        for spec in LICENSES
    }


def build_providers() -> dict[str, Provider]:
    return {
        spec.slug: Provider(slug=spec.slug, name=spec.name, website=demo_url("hosts", spec.slug))
        for spec in PROVIDERS
    }


def build_categories() -> dict[str, Category]:
    return {
        spec.slug: Category(slug=spec.slug, name=spec.name, description=spec.description)
        for spec in CATEGORIES
    }


# --- Models --------------------------------------------------------------------------------


def build_ai_models(
    rng: random.Random,
    count: int,
    organizations: dict[str, Organization],
    licenses: dict[str, License],
) -> list[ModelDraft]:
    """`count` models released over FIRST_RELEASE..LAST_RELEASE, in generations: each
    family's version goes up over time, and a generation launches a few sizes at once."""
    span = (LAST_RELEASE - FIRST_RELEASE).days
    # More releases in later years, as in the real field.
    dates = sorted(
        FIRST_RELEASE + datetime.timedelta(days=round(span * rng.random() ** 0.8))
        for _ in range(count)
    )
    lines = [(spec, family) for spec in ORGANIZATIONS for family in spec.families]
    generation_of: Counter[str] = Counter()
    released: Counter[str] = Counter()

    def next_release(line: tuple[OrganizationSpec, FamilySpec]) -> float:
        # The family furthest behind its share goes next, give or take a few models, so
        # that even a small demo shows every organization.
        spec, family = line
        return (released[family.name] + 3 * rng.random()) * len(spec.families) / spec.weight

    drafts: list[ModelDraft] = []
    while len(drafts) < count:
        # A community fine-tune needs an open model to start from.
        has_open = any(draft.open_weights for draft in drafts)
        spec, family = min(
            (line for line in lines if has_open or line[1].kind != COMMUNITY), key=next_release
        )
        new = build_generation(
            rng,
            spec,
            family,
            generation=generation_of[family.name],
            released=dates[len(drafts)],
            organization=organizations[spec.slug],
            licenses=licenses,
            earlier=drafts,
        )
        generation_of[family.name] += 1
        released[family.name] += len(new)
        # A fine-tune always follows its base, so cutting the tail keeps every base.
        drafts.extend(new[: count - len(drafts)])
    return drafts


def build_generation(
    rng: random.Random,
    spec: OrganizationSpec,
    family: FamilySpec,
    *,
    generation: int,
    released: datetime.date,
    organization: Organization,
    licenses: dict[str, License],
    earlier: Sequence[ModelDraft],
) -> list[ModelDraft]:
    version = f"{family.first_version + generation * family.version_step:g}"
    traits = generation_traits(rng, released, open_weights=family.kind != PROPRIETARY)
    ability = frontier_ability(released) + spec.quality + rng.gauss(0, 0.25)
    planned = rng.choice((1, 1, 2, 2, 3))
    if family.kind == PROPRIETARY:
        ranks = sorted(rng.sample(range(len(family.tiers)), min(planned, len(family.tiers))))
        return [
            proprietary_model(
                rng,
                family,
                version,
                rank / (len(family.tiers) - 1),
                family.tiers[rank],
                ability,
                traits,
                organization,
                licenses[family.license_slug],
            )
            for rank in ranks
        ]
    if family.kind == OPEN:
        available = family.sizes[: min(len(family.sizes), 2 + generation)]
        drafts = []
        for size in sorted(rng.sample(available, min(planned, len(available)))):
            base = open_model(rng, family, version, size, ability, traits, organization, licenses)
            drafts.append(base)
            if rng.random() < 0.6:
                drafts.append(tuned_model(rng, base, family.tuned_suffix))
        return drafts
    return community_models(rng, family, version, released, organization, earlier)


@dataclass(frozen=True)
class GenerationTraits:
    released: datetime.date
    release_precision: str
    announced: datetime.date | None
    knowledge_cutoff: datetime.date | None
    input_context: int
    output_context: int
    multimodal: bool


INPUT_CONTEXTS = (4096, 8192, 32768, 131072, 200000, 262144, 1048576, 2097152)
OUTPUT_CONTEXTS = (2048, 4096, 8192, 16384, 32768, 65536, 128000)


def generation_traits(
    rng: random.Random, released: datetime.date, *, open_weights: bool
) -> GenerationTraits:
    years = years_since_start(released)
    precision = DatePrecision.DAY
    if rng.random() < 0.06:
        precision = DatePrecision.MONTH
        released = released.replace(day=1)
    announced = None
    if rng.random() < 0.35:
        announced = released - datetime.timedelta(days=rng.randint(7, 60))
    cutoff = None
    if rng.random() < 0.7:
        cutoff = months_before(released, rng.randint(3, 12))
    input_step = round(years * 1.6 + rng.gauss(0.8, 0.8))
    output_step = round(years * 1.3 + rng.gauss(0.8, 0.7))
    input_context = INPUT_CONTEXTS[clamp(input_step, 0, len(INPUT_CONTEXTS) - 1)]
    output_context = OUTPUT_CONTEXTS[clamp(output_step, 0, len(OUTPUT_CONTEXTS) - 1)]
    multimodal_chance = (0.1 + 0.12 * years) if open_weights else (0.3 + 0.2 * years)
    return GenerationTraits(
        released=released,
        release_precision=precision,
        announced=announced,
        knowledge_cutoff=cutoff,
        input_context=input_context,
        output_context=min(output_context, input_context),
        multimodal=rng.random() < multimodal_chance,
    )


def months_before(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 - months
    return datetime.date(index // 12, index % 12 + 1, 1)


def clamp[T: (int, float)](value: T, low: T, high: T) -> T:
    return max(low, min(high, value))


def model_fields(
    name: str, organization: Organization, traits: GenerationTraits
) -> dict[str, object]:
    """What every model of one generation shares."""
    slug = slug_for(name)
    return {
        "slug": slug,
        "name": name,
        "organization": organization,
        "release_date": traits.released,
        "release_date_precision": traits.release_precision,
        "announcement_date": traits.announced,
        "input_context_length": traits.input_context,
        "output_context_length": traits.output_context,
        "multimodal": traits.multimodal,
        "knowledge_cutoff": traits.knowledge_cutoff,
        "knowledge_cutoff_precision": (
            DatePrecision.MONTH if traits.knowledge_cutoff else DatePrecision.DAY
        ),
        "announcement_url": demo_url(organization.slug, "news", slug),
    }


def proprietary_model(
    rng: random.Random,
    family: FamilySpec,
    version: str,
    tier: float,
    tier_name: str,
    ability: float,
    traits: GenerationTraits,
    organization: Organization,
    license: License,
) -> ModelDraft:
    name = " ".join(part for part in (family.name, version, tier_name) if part)
    size = 8 * 80**tier * rng.uniform(0.7, 1.3)
    role = ("fastest and cheapest", "balanced", "most capable")[round(tier * 2)]
    ai_model = AIModel(
        **model_fields(name, organization, traits),
        description=(
            f"The {role} model of {organization.name}'s {family.name} {version} line-up, "
            "served through its API."
        ),
        license=license,
        # Vendors rarely disclose sizes; a few do.
        parameter_count=(
            min(round_to(size * 1e9, 1e9), MAX_PARAMETERS) if rng.random() < 0.25 else None
        ),
        api_docs_url=demo_url(organization.slug, "docs", slug_for(name)),
        playground_url=demo_url(organization.slug, "playground") if rng.random() < 0.5 else "",
    )
    return ModelDraft(ai_model, ability + 1.2 * tier - 0.7, False, size, tier)


def open_model(
    rng: random.Random,
    family: FamilySpec,
    version: str,
    size: int,
    ability: float,
    traits: GenerationTraits,
    organization: Organization,
    licenses: dict[str, License],
) -> ModelDraft:
    name = f"{family.name} {version} {size}B"
    slug = slug_for(name)
    tokens = (1 + 2.5 * years_since_start(traits.released)) * rng.uniform(0.7, 1.3)
    ai_model = AIModel(
        **model_fields(name, organization, traits),
        description=(
            f"A {size}B-parameter open-weights base model from {organization.name}, "
            f"pretrained on about {tokens:.0f} trillion tokens."
        ),
        license=licenses[family.license_slug],
        parameter_count=clamp(
            round_to(size * 1e9 * rng.uniform(0.97, 1.03), 1e8), MIN_PARAMETERS, MAX_PARAMETERS
        ),
        training_tokens=round_to(tokens * 1e12, 1e11),
        weights_url=demo_url("weights", organization.slug, slug),
        repository_url=demo_url("code", organization.slug, slug) if rng.random() < 0.5 else "",
        paper_url=demo_url("papers", slug) if rng.random() < 0.6 else "",
    )
    tier = math.log(size) / math.log(700)
    return ModelDraft(ai_model, ability + 0.35 * math.log10(size / 30) - 0.3, True, size, tier)


def tuned_model(rng: random.Random, base: ModelDraft, suffix: str) -> ModelDraft:
    source = base.ai_model
    name = f"{source.name} {suffix}"
    slug = slug_for(name)
    ai_model = AIModel(
        slug=slug,
        name=name,
        organization=source.organization,
        description=f"The instruction-tuned version of {source.name}, for chat and tool use.",
        release_date=source.release_date,
        release_date_precision=source.release_date_precision,
        announcement_date=source.announcement_date,
        license=source.license,
        parameter_count=source.parameter_count,
        training_tokens=source.training_tokens,
        input_context_length=source.input_context_length,
        output_context_length=source.output_context_length,
        multimodal=source.multimodal,
        knowledge_cutoff=source.knowledge_cutoff,
        knowledge_cutoff_precision=source.knowledge_cutoff_precision,
        fine_tuned_from=source,
        weights_url=demo_url("weights", source.organization.slug, slug),
        announcement_url=source.announcement_url,
    )
    return ModelDraft(ai_model, base.ability + rng.uniform(0.1, 0.3), True, base.size, base.tier)


def community_models(
    rng: random.Random,
    family: FamilySpec,
    version: str,
    released: datetime.date,
    organization: Organization,
    earlier: Sequence[ModelDraft],
) -> list[ModelDraft]:
    """One fine-tune of a recent open model from another organization."""
    bases = [d for d in earlier if d.open_weights and d.ai_model.organization is not organization]
    base = rng.choice(bases[-10:])
    source = base.ai_model
    name = f"{family.name} {version} {base.size:g}B"
    slug = slug_for(name)
    ai_model = AIModel(
        slug=slug,
        name=name,
        organization=organization,
        description=(
            f"A community fine-tune of {source.name}, trained on openly licensed "
            "reasoning and dialogue data."
        ),
        release_date=released,
        license=source.license,
        parameter_count=source.parameter_count,
        input_context_length=source.input_context_length,
        output_context_length=source.output_context_length,
        multimodal=source.multimodal,
        knowledge_cutoff=source.knowledge_cutoff,
        knowledge_cutoff_precision=source.knowledge_cutoff_precision,
        fine_tuned_from=source,
        weights_url=demo_url("weights", organization.slug, slug),
        repository_url=demo_url("code", organization.slug, slug),
        announcement_url=demo_url(organization.slug, "news", slug),
    )
    ability = base.ability + rng.gauss(0.05, 0.1)
    return [ModelDraft(ai_model, ability, True, base.size, base.tier)]


def round_to(value: float, unit: float) -> int:
    return max(int(unit), round(value / unit) * int(unit))


# --- Offerings -----------------------------------------------------------------------------


def build_offerings(
    rng: random.Random, models: Sequence[ModelDraft], providers: dict[str, Provider]
) -> list[Offering]:
    """Most models are served somewhere: proprietary ones by their vendor's partner
    hosts, open ones by any of the hosts. Older models are dropped more often."""
    specs = list(PROVIDERS)
    partners = {spec.slug: rng.sample(specs, rng.randint(1, 2)) for spec in ORGANIZATIONS}
    offerings = []
    for draft in models:
        ai_model = draft.ai_model
        is_base = draft.open_weights and ai_model.fine_tuned_from is None
        chance = (0.55 if is_base else 0.92) * (0.8 if ai_model.release_date.year < 2024 else 1)
        if rng.random() >= chance:
            continue
        if draft.open_weights:
            hosts = rng.sample(specs, rng.randint(1, 4))
        else:
            hosts = partners[ai_model.organization.slug]
        for spec in sorted(hosts, key=specs.index):
            offerings.append(build_offering(rng, draft, spec, providers[spec.slug]))
    return offerings


def build_offering(
    rng: random.Random, draft: ModelDraft, spec: ProviderSpec, provider: Provider
) -> Offering:
    ai_model = draft.ai_model
    years = years_since_start(ai_model.release_date)
    if draft.open_weights:
        input_price = (0.04 + 0.0035 * draft.size) * spec.price * rng.uniform(0.8, 1.25)
        output_price = input_price * rng.uniform(1.0, 3.0)
    else:
        # Each tier gets cheaper over time.
        input_price = 0.1 * 150**draft.tier * 0.85**years * spec.price * rng.uniform(0.8, 1.25)
        output_price = input_price * rng.uniform(3.0, 6.0)
    throughput = 900 / math.sqrt(draft.size) * spec.speed * rng.uniform(0.7, 1.3)
    deprecated = ai_model.release_date.year < 2024 and rng.random() < 0.3
    multimodal = ai_model.multimodal
    return Offering(
        provider=provider,
        ai_model=ai_model,
        provider_model_name=(
            f"{ai_model.organization.slug}/{ai_model.slug}" if draft.open_weights else ai_model.slug
        ),
        input_usd_per_million=price(input_price),
        output_usd_per_million=price(output_price),
        throughput=round(clamp(throughput, 8.0, 2500.0), 1),
        latency=round(0.15 + 0.02 * draft.size**0.5 * rng.uniform(0.6, 1.6) / spec.speed, 2),
        quantization=spec.quantization if draft.open_weights else "",
        max_input_tokens=min(ai_model.input_context_length, 1048576),
        max_output_tokens=ai_model.output_context_length,
        supports_web_search=not draft.open_weights and rng.random() < 0.5,
        supports_function_calling=ai_model.fine_tuned_from is not None or not draft.open_weights,
        supports_structured_output=rng.random() < 0.7,
        supports_code_execution=rng.random() < 0.15,
        supports_batch_inference=rng.random() < 0.5,
        supports_finetuning=draft.open_weights and rng.random() < 0.3,
        input_text=True,
        input_image=multimodal,
        input_audio=multimodal and rng.random() < 0.3,
        input_video=multimodal and rng.random() < 0.2,
        output_text=True,
        output_image=False,
        output_audio=multimodal and rng.random() < 0.1,
        output_video=False,
        deprecated_at=(
            datetime.datetime(2025, rng.randint(1, 12), 1, tzinfo=UTC) if deprecated else None
        ),
    )


def price(usd: float) -> Decimal:
    """Prices as vendors quote them: cents above a dollar, tenths of a cent below."""
    return Decimal(f"{usd:.2f}") if usd >= 1 else Decimal(f"{max(usd, 0.001):.3f}")


# --- Benchmarks ------------------------------------------------------------------------------


def build_benchmarks(
    rng: random.Random, count: int, categories: dict[str, Category]
) -> list[BenchmarkDraft]:
    """`count` invented benchmarks; about one in ten is a variant of an earlier one."""
    pools = {spec.slug: benchmark_names(rng, spec) for spec in CATEGORIES}
    used_slugs: set[str] = set()
    # Bases that can still get a variant, with the variant tags they have not used yet.
    parents: list[tuple[BenchmarkDraft, list[int]]] = []
    drafts: list[BenchmarkDraft] = []
    while len(drafts) < count:
        if parents and (rng.random() < 0.1 or not any(pools.values())):
            index = rng.randrange(len(parents))
            parent, tags = parents[index]
            draft = variant_benchmark(rng, parent, tags.pop(rng.randrange(len(tags))), categories)
            if not tags:
                parents.pop(index)
        else:
            draft = base_benchmark(rng, pools, used_slugs, categories)
            parents.append((draft, list(range(len(VARIANT_TAGS)))))
        used_slugs.add(draft.benchmark.slug)
        drafts.append(draft)
    return drafts


def benchmark_names(rng: random.Random, spec: CategorySpec) -> list[str]:
    names = [stem + joiner + suffix for stem in spec.stems for joiner, suffix in NAME_SUFFIXES]
    rng.shuffle(names)
    return names


def base_benchmark(
    rng: random.Random,
    pools: dict[str, list[str]],
    used_slugs: set[str],
    categories: dict[str, Category],
) -> BenchmarkDraft:
    open_specs = [spec for spec in CATEGORIES if pools[spec.slug]] or list(CATEGORIES)
    spec = rng.choices(open_specs, [s.weight for s in open_specs])[0]
    name = unique_name(pools[spec.slug].pop() if pools[spec.slug] else spec.stems[0], used_slugs)
    related = rng.sample(spec.related, min(len(spec.related), rng.choice((0, 1, 1, 2))))
    multilingual = rng.random() < (0.6 if spec.slug == "language" else 0.05)
    language = "en"
    if spec.slug == "language" and not multilingual:
        language = rng.choice(("de", "fr", "ja", "hi", "sw", "es", "zh", "ar"))
    available_on = benchmark_date(rng)
    floor = 0.25 if rng.random() < spec.multiple_choice else 0.0
    items = int(round(10 ** rng.uniform(2.2, 4.2), -1))
    grading = grading_of(spec, floor)
    benchmark = Benchmark(
        slug=slug_for(name),
        name=name,
        description=f"{name} has {items:,} {spec.items} that test {spec.skill}. {grading}",
        modality=rng.choice(spec.modalities),
        multilingual=multilingual,
        language=language,
        max_score=Decimal(100) if rng.random() < 0.15 else Decimal(1),
        **paper_fields(rng, name, spec, items, grading, available_on),
    )
    return BenchmarkDraft(
        benchmark=benchmark,
        categories=[categories[slug] for slug in (spec.slug, *related)],
        available_on=available_on,
        # New benchmarks are pitched just above what the best models of their day can do.
        difficulty=frontier_ability(available_on) + rng.gauss(0.8, 0.6),
        discrimination=rng.uniform(0.8, 1.6),
        floor=floor,
        popularity=min(rng.paretovariate(1.2), 30.0),
        spec=spec,
    )


def variant_benchmark(
    rng: random.Random, parent: BenchmarkDraft, tag_index: int, categories: dict[str, Category]
) -> BenchmarkDraft:
    tag, what, harder = VARIANT_TAGS[tag_index]
    source = parent.benchmark
    name = f"{source.name} {tag}"
    available_on = min(
        parent.available_on + datetime.timedelta(days=rng.randint(90, 540)), LAST_BENCHMARK
    )
    benchmark_categories = list(parent.categories)
    if tag == "Multilingual" and categories["language"] not in benchmark_categories:
        benchmark_categories.append(categories["language"])
    benchmark = Benchmark(
        slug=f"{source.slug}-{tag.lower()}",
        name=name,
        description=f"A {what} of {source.name}. {source.description}",
        modality=source.modality,
        multilingual=source.multilingual or tag == "Multilingual",
        language=source.language,
        max_score=source.max_score,
        parent=source,
        **paper_fields(
            rng,
            name,
            parent.spec,
            rng.randint(100, 3000),
            grading_of(parent.spec, parent.floor),
            available_on,
        ),
    )
    return BenchmarkDraft(
        benchmark=benchmark,
        categories=benchmark_categories,
        available_on=available_on,
        difficulty=parent.difficulty + harder + rng.gauss(0, 0.2),
        discrimination=parent.discrimination,
        floor=parent.floor,
        popularity=parent.popularity * 0.6,
        spec=parent.spec,
    )


def unique_name(name: str, used_slugs: set[str]) -> str:
    candidate, number = name, 2
    while slug_for(candidate) in used_slugs:
        candidate, number = f"{name} {number}", number + 1
    return candidate


def benchmark_date(rng: random.Random) -> datetime.date:
    """Most benchmarks predate the first demo models; a steady trickle of new ones follows."""
    year = rng.triangular(2019.5, 2026.7, 2024.5)
    day = datetime.date(2019, 1, 1) + datetime.timedelta(days=round((year - 2019) * 365.25))
    return min(day, LAST_BENCHMARK)


def grading_of(spec: CategorySpec, floor: float) -> str:
    return "Every item is four-option multiple choice." if floor else spec.grading


def paper_fields(
    rng: random.Random,
    name: str,
    spec: CategorySpec,
    items: int,
    grading: str,
    published: datetime.date,
) -> dict[str, object]:
    """Every demo benchmark links under the demo prefix; most also have a full paper."""
    slug = slug_for(name)
    links: dict[str, object] = {"paper_url": demo_url("papers", slug)}
    if rng.random() < 0.5:
        links["implementation_url"] = demo_url("code", "benchmarks", slug)
    if rng.random() >= 0.85:
        return links
    verb, tail = rng.choice(PAPER_TITLE_VERBS), rng.choice(PAPER_TITLE_TAILS)
    best, human = rng.randint(25, 70), rng.randint(75, 95)
    abstract = " ".join(
        (
            rng.choice(PAPER_OPENINGS).format(skill=spec.skill),
            f"We introduce {name}, a benchmark of {items:,} {spec.items}.",
            grading,
            f"We evaluate {rng.randint(8, 40)} models: the strongest scores {best}%, "
            f"while expert humans reach {human}%.",
            "We release the data and the evaluation harness.",
        )
    )
    return {
        **links,
        "paper_title": f"{name}: {verb} {spec.skill} {tail}",
        "paper_authors": "\n".join(author_names(rng)),
        "paper_published_on": published,
        "paper_abstract": abstract,
    }


def author_names(rng: random.Random) -> list[str]:
    count = rng.choice((1, 2, 3, 3, 4, 4, 5, 6, 8, 11))
    names: list[str] = []
    while len(names) < count:
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        if name not in names:
            names.append(name)
    return names


# --- Results -------------------------------------------------------------------------------


def iter_results(
    rng: random.Random, models: Sequence[ModelDraft], benchmarks: Sequence[BenchmarkDraft]
) -> Iterator[Result]:
    """Each model reports on 15-35% of the benchmarks it could have been measured on,
    favouring popular ones; a few report one benchmark under two methods."""
    for model in models:
        eligible = [b for b in benchmarks if can_measure(model, b)]
        wanted = round(rng.uniform(0.15, 0.35) * len(eligible))
        for benchmark in weighted_sample(rng, eligible, [b.popularity for b in eligible], wanted):
            share = expected_share(rng, model, benchmark)
            yield build_result(rng, model, benchmark, share, benchmark.methods[0])
            if len(benchmark.methods) > 1 and rng.random() < 0.03:
                method = rng.choice(benchmark.methods[1:])
                other_share = clamp(share + rng.gauss(0.02, 0.03), 0.0, 1.0)
                yield build_result(rng, model, benchmark, other_share, method)


def can_measure(model: ModelDraft, benchmark: BenchmarkDraft) -> bool:
    released = model.ai_model.release_date
    if benchmark.available_on > released + datetime.timedelta(days=60):
        return False
    return benchmark.benchmark.modality == Benchmark.Modality.TEXT or model.ai_model.multimodal


def weighted_sample[T](
    rng: random.Random, population: Sequence[T], weights: Sequence[float], k: int
) -> list[T]:
    """k distinct items, each drawn with probability proportional to its weight
    (Efraimidis and Spirakis), returned in population order."""
    keys = sorted(
        ((rng.random() ** (1 / weight), index) for index, weight in enumerate(weights)),
        reverse=True,
    )
    return [population[index] for index in sorted(index for _, index in keys[:k])]


def expected_share(rng: random.Random, model: ModelDraft, benchmark: BenchmarkDraft) -> float:
    """The score on a 0..1 scale: a logistic curve of ability against difficulty, above
    the floor that guessing reaches."""
    logit = benchmark.discrimination * (model.ability - benchmark.difficulty) + rng.gauss(0, 0.2)
    return benchmark.floor + (1 - benchmark.floor) / (1 + math.exp(-logit))


def build_result(
    rng: random.Random, model: ModelDraft, benchmark: BenchmarkDraft, share: float, method: str
) -> Result:
    ai_model, target = model.ai_model, benchmark.benchmark
    places = 2 if target.max_score > 1 else 3
    score = Decimal(f"{share * float(target.max_score):.{places}f}")
    recorded_on = ai_model.release_date + datetime.timedelta(days=rng.randint(0, 10))
    status, verified_by, verified_on, notes = Result.Status.SELF_REPORTED, "", None, ""
    source_url = ai_model.announcement_url or demo_url(ai_model.organization.slug, "reports")
    roll = rng.random()
    if roll < 0.10:
        status, verified_by = Result.Status.VERIFIED, "Benchboard curators"
        verified_on = recorded_on + datetime.timedelta(days=rng.randint(14, 120))
        notes = "Re-run with the reference harness; within half a point of the reported score."
    elif roll < 0.16:
        status = Result.Status.THIRD_PARTY
        recorded_on += datetime.timedelta(days=rng.randint(20, 150))
        source_url = demo_url("evals", target.slug, ai_model.slug)
        notes = "Independent evaluation with the benchmark's public harness."
    return Result(
        ai_model=ai_model,
        benchmark=target,
        source_id=None,  # the demo's, set as it is saved (save_results): no default looked up
        score=score,
        normalized_score=target.normalized(score),
        analysis_method=method,
        status=status,
        verified_by=verified_by,
        verified_on=verified_on,
        notes=notes,
        source_url=source_url,
        recorded_on=recorded_on,
    )


# --- Writing and deleting --------------------------------------------------------------------


class SlugTakenError(Exception):
    """A demo slug is already taken by a real row, which the demo must not overwrite."""


@transaction.atomic
def load_demo(*, models: int, benchmarks: int, seed: int) -> DemoSummary:
    """Replace any earlier demo data with the catalogue that these arguments describe."""
    delete_demo()
    data = build_demo(models=models, benchmarks=benchmarks, seed=seed)
    refuse_slug_clashes(data)
    summary = save_demo(data)
    # Bulk writes and copy_into_history send no signals: the result stats are refreshed
    # and cached pages learn of them here.
    refresh_result_stats()
    data_changed()
    return summary


def save_demo(data: DemoData) -> DemoSummary:
    """Write the demo rows; those of models that keep history get a creation record each,
    so that a later change has a state to compare with."""
    with_history(Organization, data.organizations)
    licenses = create_missing(License, data.licenses)
    Provider.objects.bulk_create(data.providers)
    categories = create_missing(Category, data.categories)
    for wave in parents_first([d.ai_model for d in data.ai_models], "fine_tuned_from"):
        with_history(AIModel, wave)
    for wave in parents_first([d.benchmark for d in data.benchmarks], "parent"):
        with_history(Benchmark, wave)
    through = Benchmark.categories.through
    through.objects.bulk_create(
        [
            through(benchmark_id=draft.benchmark.pk, category_id=category.pk)
            for draft in data.benchmarks
            for category in draft.categories
        ],
        batch_size=BATCH_SIZE,
    )
    with_history(Offering, data.offerings)
    results = save_results(data.results, source=standard_source(DEMO))
    return DemoSummary(
        organizations=len(data.organizations),
        licenses=licenses,
        providers=len(data.providers),
        categories=categories,
        ai_models=len(data.ai_models),
        offerings=len(data.offerings),
        benchmarks=len(data.benchmarks),
        results=results,
    )


def _from(source: Source, results: Sequence[Result]) -> Sequence[Result]:
    for result in results:
        result.source = source
    return results


def save_results(results: Iterator[Result], *, source: Source) -> int:
    """Written batch by batch as they are generated, so memory stays flat; each names the
    demo data as its source."""
    # Hundreds of thousands of short-lived instances make the garbage collector re-scan
    # every long-lived object again and again; frozen, those are skipped (about a tenth
    # of the run time at 2000 models).
    gc.freeze()
    try:
        count = sum(
            len(Result.objects.bulk_create(_from(source, batch)))
            for batch in itertools.batched(results, BATCH_SIZE)
        )
    finally:
        gc.unfreeze()
    copy_into_history(Result.objects.filter(source_url__startswith=DEMO_URL_PREFIX))
    return count


def copy_into_history(queryset: models.QuerySet) -> int:
    """One creation history record per row of queryset, in a single INSERT ... SELECT.

    What bulk_create_with_history does row by row in Python, the database does here
    in one statement: at 100,000 results that halves the time of a large demo load.
    """
    history = queryset.model.history.model
    tracked = [field for field in history.tracked_fields]
    select_sql, params = (
        queryset.order_by()
        .values_list(*[field.attname for field in tracked])
        .query.sql_with_params()
    )
    quote = connection.ops.quote_name
    columns = [field.column for field in tracked] + [
        "history_date",
        "history_type",
        "history_change_reason",
        "history_ticket",
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(history._meta.db_table)} ({', '.join(map(quote, columns))}) "
            f"SELECT source.*, %s, %s, %s, %s FROM ({select_sql}) AS source",
            (timezone.now(), "+", DEMO_REASON, "", *params),
        )
        return cursor.rowcount


def with_history[M: models.Model](model: type[M], instances: list[M]) -> list[M]:
    """bulk_create, plus one creation history record per row (one more INSERT a batch)."""
    return bulk_create_with_history(
        instances, model, batch_size=BATCH_SIZE, default_change_reason=DEMO_REASON
    )


def create_missing(model: type[License] | type[Category], instances: list) -> int:
    """Reuse rows that already carry a demo slug: a real benchmark may share a demo
    category, and a real model may use a demo licence. Returns how many were created."""
    existing = model.objects.in_bulk([i.slug for i in instances], field_name="slug")
    missing = [i for i in instances if i.slug not in existing]
    for instance in instances:
        if instance.slug in existing:
            instance.pk = existing[instance.slug].pk
    model.objects.bulk_create(missing)
    return len(missing)


def parents_first(instances: Iterable[models.Model], parent_field: str) -> list[list]:
    """Instances grouped so that each group's parents are in an earlier group: bulk_create
    can only point a foreign key at a row that already has its primary key."""
    depth: dict[int, int] = {}

    def depth_of(instance: models.Model) -> int:
        key = id(instance)
        if key not in depth:
            parent = getattr(instance, parent_field)
            depth[key] = 0 if parent is None else depth_of(parent) + 1
        return depth[key]

    waves: dict[int, list] = {}
    for instance in instances:
        waves.setdefault(depth_of(instance), []).append(instance)
    return [waves[level] for level in sorted(waves)]


def refuse_slug_clashes(data: DemoData) -> None:
    """Demo rows never take over real ones: stop if a real row already has a demo slug."""
    kinds = (
        (Organization, data.organizations),
        (Provider, data.providers),
        (AIModel, [d.ai_model for d in data.ai_models]),
        (Benchmark, [d.benchmark for d in data.benchmarks]),
    )
    for model, instances in kinds:
        slugs = [instance.slug for instance in instances]
        taken = sorted(model.objects.filter(slug__in=slugs).values_list("slug", flat=True))
        if taken:
            raise SlugTakenError(
                f"{model._meta.verbose_name_plural.capitalize()} outside the demo data already "
                f"use these slugs: {', '.join(taken[:10])}."
            )


@transaction.atomic
def delete_demo() -> DemoSummary:
    """Remove every demo row, and what the database cascades from them, and nothing else."""
    organizations = Organization.objects.demo()
    providers = Provider.objects.filter(website__startswith=DEMO_URL_PREFIX)
    ai_models = AIModel.objects.filter(organization__in=organizations)
    benchmarks = Benchmark.objects.filter(paper_url__startswith=DEMO_URL_PREFIX)
    real_benchmarks = Benchmark.objects.exclude(paper_url__startswith=DEMO_URL_PREFIX)
    # Decided before the benchmarks go: a category that a real benchmark uses stays.
    category_ids = list(
        Category.objects.filter(benchmarks__in=benchmarks)
        .exclude(benchmarks__in=real_benchmarks)
        .values_list("pk", flat=True)
        .distinct()
    )
    deleted: Counter[str] = Counter()
    # The benchmarks that keep results of these (a real benchmark a demo model was
    # measured on) count again at the end; the demo benchmarks go.
    touched = set(
        Result.objects.filter(Q(source_url__startswith=DEMO_URL_PREFIX) | Q(ai_model__in=ai_models))
        .exclude(benchmark__in=benchmarks)
        .values_list("benchmark_id", flat=True)
        .distinct()
    )
    for queryset in (
        Result.objects.filter(source_url__startswith=DEMO_URL_PREFIX),
        Offering.objects.filter(Q(provider__in=providers) | Q(ai_model__in=ai_models)),
        # Submissions about demo models or benchmarks go with them (a real model or
        # benchmark a submission names cannot be deleted: it keeps the ticket).
        ResultSubmission.objects.filter(Q(ai_model__in=ai_models) | Q(benchmark__in=benchmarks)),
        ai_models,
        benchmarks,
        Category.objects.filter(pk__in=category_ids),
        # A demo licence that a real model uses stays until that model no longer does.
        License.objects.filter(slug__startswith=DEMO_LICENSE_SLUG_PREFIX, ai_models__isnull=True),
        providers,
        organizations,
    ):
        for chunk in itertools.batched(list(queryset.values_list("pk", flat=True)), BATCH_SIZE):
            # In chunks: the collector that applies each on_delete rule sends every primary
            # key it collected as one parameter list, past SQLite's and PostgreSQL's limits.
            # It needs only the keys, except for a model that keeps history: its deletion
            # record holds the whole row, which simple-history would otherwise fetch again
            # one row at a time.
            rows = queryset.model.objects.filter(pk__in=chunk)
            if not has_history(queryset.model):
                rows = rows.only("pk")
            deleted.update(rows.delete()[1])
    refresh_result_stats(touched)
    data_changed()
    return DemoSummary(
        **{
            name: deleted[model._meta.label]
            for name, model in (
                ("organizations", Organization),
                ("licenses", License),
                ("providers", Provider),
                ("categories", Category),
                ("ai_models", AIModel),
                ("offerings", Offering),
                ("benchmarks", Benchmark),
                ("results", Result),
            )
        }
    )
