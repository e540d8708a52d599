"""The report of a real output folder (two runs over the hand-made corpus): every section holds what the
corpus plants, the near-threshold pairs are the planted ones, the CLI writes both formats, and nothing from
the articles reaches the page unescaped."""

import json
import re
from pathlib import Path

import pytest

from newsdedup.cli import main
from newsdedup.report import build_report, write_report
from newsdedup.report.render import render_html
from tests.report.corpus import XSS_BODY_TAIL, XSS_SOURCE, XSS_TITLE, XSS_URL


@pytest.fixture(scope="module")
def report(report_output: Path) -> dict:
    return build_report(report_output)


def _pair(pairs: list[dict], a: str, b: str) -> dict:
    return next(p for p in pairs if {p["left_id"], p["right_id"]} == {a, b})


def test_summary_counts_the_latest_run(report: dict) -> None:
    s = report["summary"]
    assert s["counts"]["accepted"] == 3 and s["counts"]["rejected"] == 0
    assert s["last_outcome"]["status"] == "committed"
    assert s["last_outcome"]["run_id"] == s["run_id"] == report["version"]


def test_duplicate_rates_per_source_and_day(report: dict) -> None:
    d = report["duplicate_rates"]
    # a2, a3, a4 copy a1; x2 copies x1
    assert (d["articles"], d["duplicates"]) == (14, 4)
    by_source = {r["source"]: r for r in d["per_source"]}
    assert (by_source["Valley Post"]["articles"], by_source["Valley Post"]["duplicates"]) == (2, 1)
    assert by_source["Inland Echo"] == {
        "source": "Inland Echo",
        "articles": 3,
        "duplicates": 1,
        "rate": 0.3333,
    }
    by_day = {r["day"]: r for r in d["per_day"]}
    assert sum(r["articles"] for r in d["per_day"]) == 14
    assert by_day["2025-03-06"]["duplicates"] == 1


def test_largest_group_names_its_canonical_and_why(report: dict) -> None:
    g = report["largest_groups"][0]
    assert g["size"] == 4 and g["canonical"]["article_id"] == "a1"
    assert "earliest" in g["canonical_reason"]
    members = [m["article_id"] for m in g["members"]]
    assert sorted(members) == ["a2", "a3", "a4"] and members[0] == "a3"  # least similar first
    assert g["members"][0]["dup_method"] == "near"
    assert g["members"][0]["dup_similarity"] == pytest.approx(0.536, abs=0.001)


def test_near_threshold_pairs_are_the_planted_ones(report: dict) -> None:
    n = report["near_threshold"]
    above = _pair(n["above"], "a1", "a3")
    assert above["similarity"] == pytest.approx(0.536, abs=0.001) and above["method"] == "near"
    assert all(0.5 <= p["similarity"] < 0.6 for p in n["above"] if p["method"] == "near")
    below = _pair(n["below"], "b1", "b2")
    assert below["similarity"] == pytest.approx(0.441, abs=0.001) and below["threshold"] == 0.5
    assert all(0.4 <= p["similarity"] < 0.5 for p in n["below"])
    # every canonical with retained text was searched: 14 articles, 4 of them copies
    assert n["searched"]["canonicals"] == 10 and n["searched"]["verified"] == n["searched"]["candidates"] > 0
    # side by side: the texts are there, with the replaced words marked on both sides
    assert below["left"]["title"] == "Ferry timetable changes for spring"
    assert sum(1 for _, changed in below["left_diff"] if changed) == 9
    assert sum(1 for _, changed in below["right_diff"] if changed) == 9


def test_topics_and_their_timeline(report: dict) -> None:
    topics = report["topics"]
    assert topics and all(t["label"] and t["keywords"] and t["size"] >= 1 for t in topics)
    biggest = topics[0]
    assert biggest["representative"]["article_id"]
    assert sum(s["articles"] for s in biggest["sources"]) <= biggest["size"]
    timeline = report["topic_timeline"]
    assert set(timeline["series"]) == {t["topic_id"] for t in topics}
    assert all(len(v) == len(timeline["days"]) for v in timeline["series"].values())


def test_themes_and_the_theme_of_each_topic(report: dict) -> None:
    themes = report["themes"]
    assert themes and all(
        h["label"] and h["n_topics"] >= 1 and h["n_articles"] >= h["n_topics"] for h in themes
    )
    shown = {f"H{i + 1}" for i in range(len(themes))}
    ids = {h["theme_id"] for h in themes}
    # each topic names its theme: its row among those shown (H1, ...), else its id
    assert all(t["theme"] in shown or t["theme"] not in ids for t in report["topics"])
    assert any(t["theme"] in shown for t in report["topics"])


def test_runs_show_time_and_memory_per_step(report: dict) -> None:
    runs = report["runs"]
    assert len(runs) == 2 and runs[0]["run_id"] < runs[1]["run_id"]
    for r in runs:
        assert {"read", "dedup", "cluster", "write"} <= set(r["steps"])
        assert all(s["seconds"] is not None and s["peak_rss_mb"] > 0 for s in r["steps"].values())


def test_cli_writes_html_and_json(report_output: Path, tmp_path: Path) -> None:
    assert main(["report", str(report_output), "--quiet"]) == 0
    page = (report_output / "report.html").read_text(encoding="utf-8")
    for section in ("summary", "duplicate-rates", "largest-groups", "near-threshold", "topics", "runs"):
        assert f'id="{section}"' in page
    assert page.count("<svg") >= 4 and "<script" not in page.replace("&lt;script", "")
    assert len(page.encode()) < 3_000_000
    out = tmp_path / "r.json"
    assert main(["report", str(report_output), "--format", "json", "--out", str(out), "--quiet"]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["version"] == json.loads((report_output / ".last_run.json").read_text())["run_id"]
    assert not list(tmp_path.glob("*.tmp")) and not list(report_output.glob(".report*.tmp"))


def test_cli_exit_codes(tmp_path: Path) -> None:
    assert main(["report", str(tmp_path / "missing")]) == 2
    assert main(["report", str(tmp_path)]) == 2  # no committed run
    assert main(["report", str(tmp_path), "--format", "pdf"]) == 2


def test_nothing_from_the_articles_is_markup(report_output: Path, tmp_path: Path) -> None:
    page = write_report(report_output, tmp_path / "r.html").read_text(encoding="utf-8")
    for payload in ("<img src=x", "<script>window", "<svg onload", "<b onmouseover"):
        assert payload not in page
    hrefs = re.findall(r'<a href="([^"]*)"', page)
    assert hrefs and all(h.startswith(("http://", "https://")) for h in hrefs)


def test_render_escapes_every_field_a_report_can_hold(report: dict) -> None:
    """Payloads put by hand in every text field of the report's data, whatever the run kept of them."""
    bad = XSS_TITLE + XSS_BODY_TAIL
    doctored = json.loads(json.dumps(report))
    group = doctored["largest_groups"][0]
    group["canonical"].update(title=bad, source=XSS_SOURCE, url=XSS_URL, article_id=bad)
    group["canonical_reason"] = bad
    pair = doctored["near_threshold"]["below"][0]
    pair["left_diff"] = [[bad, True], [bad, False]]
    pair["right"]["url"] = "JaVaScRiPt:alert(1)"
    topic = doctored["topics"][0]
    topic.update(label=bad, keywords=[bad, "</script>"])
    topic["sources"] = [{"source": XSS_SOURCE, "articles": 1}]
    doctored["duplicate_rates"]["per_source"][0]["source"] = bad
    doctored["summary"]["reject_reasons"] = {bad: 1}
    # an article the table no longer has, and no recorded outcome, still render
    topic["representative"] = {
        "article_id": bad,
        "title": None,
        "source": None,
        "url": None,
        "published_at": None,
    }
    doctored["summary"]["last_outcome"] = None
    page = render_html(doctored)
    assert "<img src=x" not in page and "<script>window" not in page and "<b onmouseover" not in page
    assert "&lt;img src=x onerror=&#34;window.__xss=1&#34;&gt;" in page
    assert "javascript:" not in page.lower().replace("window.__xss", "")
