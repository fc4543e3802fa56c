"""/sitemap.xml: the public pages search engines should know about.

Each section is one query whatever the data size; sitemaps without the sites
framework take the domain from the request.
"""

from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet
from django.urls import reverse

from benchmarks.models import Benchmark, Category
from models_registry.models import AIModel, Organization, Provider
from sources.models import Source


class StaticSitemap(Sitemap):
    changefreq = "daily"

    def items(self) -> list[str]:
        return [
            "pages:home",
            "benchmarks:list",
            "benchmarks:category-list",
            "models_registry:list",
            "organizations:list",
            "providers:list",
            "sources:list",
        ]

    def location(self, item: str) -> str:
        return reverse(item)


class BenchmarkSitemap(Sitemap):
    changefreq = "weekly"

    def items(self) -> QuerySet[Benchmark]:
        return Benchmark.objects.only("slug", "updated_at").order_by("pk")

    def lastmod(self, item: Benchmark):
        return item.updated_at


class CategorySitemap(Sitemap):
    changefreq = "weekly"

    def items(self) -> QuerySet[Category]:
        return Category.objects.only("slug", "updated_at").order_by("pk")

    def lastmod(self, item: Category):
        return item.updated_at


class AIModelSitemap(Sitemap):
    changefreq = "weekly"

    def items(self) -> QuerySet[AIModel]:
        return AIModel.objects.only("slug", "updated_at").order_by("pk")

    def lastmod(self, item: AIModel):
        return item.updated_at


class OrganizationSitemap(Sitemap):
    changefreq = "weekly"

    def items(self) -> QuerySet[Organization]:
        return Organization.objects.only("slug", "updated_at").order_by("pk")

    def lastmod(self, item: Organization):
        return item.updated_at


class ProviderSitemap(Sitemap):
    changefreq = "weekly"

    def items(self) -> QuerySet[Provider]:
        return Provider.objects.only("slug", "updated_at").order_by("pk")

    def location(self, item: Provider) -> str:
        return reverse("providers:detail", args=[item.slug])

    def lastmod(self, item: Provider):
        return item.updated_at


class SourceSitemap(Sitemap):
    changefreq = "weekly"

    def items(self) -> QuerySet[Source]:
        return Source.objects.only("slug", "updated_at").order_by("pk")

    def lastmod(self, item: Source):
        return item.updated_at


SITEMAPS = {
    "pages": StaticSitemap,
    "benchmarks": BenchmarkSitemap,
    "categories": CategorySitemap,
    "models": AIModelSitemap,
    "organizations": OrganizationSitemap,
    "providers": ProviderSitemap,
    "sources": SourceSitemap,
}
