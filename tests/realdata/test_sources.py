"""The source pages on the real LLM Stats snapshot, as its import recorded it."""

import re
from collections import Counter

from sources.models import ImportRun, RunAnomaly


def text(content: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", content))


def test_the_list_shows_llm_stats_with_its_licence_and_freshness(client):
    content = client.get("/sources/").content.decode()
    row = next(
        row for row in re.findall(r"<tr>(.*?)</tr>", content, re.S) if ">LLM Stats</a>" in row
    )
    assert '<a href="/sources/llm-stats/">LLM Stats</a>' in row
    assert '<a href="https://creativecommons.org/licenses/by/4.0/" rel="external noopener">' in row
    assert "CC BY 4.0" in row
    assert "Credit: LLM Stats" in row
    assert "Frozen since Oct 2025" in row


def test_the_page_shows_the_run_and_its_anomalies_by_kind(client):
    run = ImportRun.objects.get(source__slug="llm-stats")
    expected = Counter(RunAnomaly.objects.filter(run=run).values_list("kind", flat=True))
    assert run.anomaly_count == sum(expected.values()) > 100
    assert len(expected) > 10

    content = client.get("/sources/llm-stats/").content.decode()

    runs = content.split('class="catalog-table run-table"', 1)[1].split("</table>", 1)[0]
    assert runs.count('<th scope="row">') == 1
    assert text(runs).count(f" {run.anomaly_count} ") == 1
    anomalies = content.split('aria-labelledby="anomalies"', 1)[1].split("</section>", 1)[0]
    shown = re.findall(
        r'<summary><span class="anomaly-kind-name">([^<]+)</span> <span class="count">(\d+)',
        anomalies,
    )
    assert {kind: int(count) for kind, count in shown} == {
        kind[0].upper() + kind[1:]: count for kind, count in expected.items()
    }
    assert [int(count) for _, count in shown] == sorted(expected.values(), reverse=True)
    assert f"{run.anomaly_count} anomalies of {len(expected)} kinds" in text(anomalies)
    # Each kind's anomalies are listed under it, messages escaped as written.
    assert anomalies.count('<details class="anomaly-kind">') == len(expected)
