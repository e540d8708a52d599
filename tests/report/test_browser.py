"""The report in a real headless browser: Debian's Chromium driven by playwright (the system browser, no
download). The page loads with no console error, its charts render, its sections are there, and the script
payloads the corpus put in headlines, bodies, sources and urls never run.

Skipped, with the reason, when playwright or /usr/bin/chromium is missing (``make test`` installs
Chromium with apt when it can). ``REPORT_SCREENSHOT=path`` also saves a screenshot of the page (README's
docs/report.png is one of the bundled sample's report).
"""

import os
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from newsdedup.report import write_report

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SECTIONS = ("summary", "duplicate-rates", "largest-groups", "near-threshold", "topics", "runs")


def _browser_or_skip() -> Any:
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: `apt-get install chromium` (make test does it when it can)")
    return sync_api


def open_report(path: Path, screenshot: Path | None = None) -> dict[str, Any]:
    """Load ``path`` in headless Chromium; what the page showed and logged."""
    sync_api = _browser_or_skip()
    errors: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.on("console", lambda m: errors.append(m.text) if m.type in ("error", "warning") else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on(
                "request", lambda r: None if r.url.startswith(("file:", "data:")) else errors.append(r.url)
            )
            page.goto(path.resolve().as_uri(), wait_until="load")
            seen = page.evaluate(
                """(sections) => ({
                    xss: window.__xss === undefined ? null : String(window.__xss),
                    sections: sections.filter(s => document.getElementById(s) !== null),
                    charts: [...document.querySelectorAll('.chart svg')].map(s => {
                        const r = s.getBoundingClientRect(); return [r.width, r.height,
                        s.querySelectorAll('path, rect, use').length]; }),
                    images: document.querySelectorAll('img, script, iframe, object, embed').length,
                    hrefs: [...document.querySelectorAll('a[href]')].map(a => a.href),
                    text: document.body.innerText,
                })""",
                list(SECTIONS),
            )
            if screenshot is not None:
                page.screenshot(path=str(screenshot), full_page=False)
        finally:
            browser.close()
    return {**seen, "errors": errors}


def test_report_renders_in_chromium_and_runs_no_injected_script(report_output: Path, tmp_path: Path) -> None:
    path = write_report(report_output, tmp_path / "report.html")
    shot = os.environ.get("REPORT_SCREENSHOT")
    seen = open_report(path, Path(shot) if shot else None)
    assert seen["errors"] == []
    assert seen["xss"] is None, f"an injected script ran: window.__xss = {seen['xss']}"
    assert seen["images"] == 0
    assert all(h.startswith(("http://", "https://")) for h in seen["hrefs"]) and seen["hrefs"]
    assert seen["sections"] == list(SECTIONS)
    assert len(seen["charts"]) >= 5
    assert all(w > 200 and h > 100 and marks > 3 for w, h, marks in seen["charts"])
    # the planted near-threshold pairs and the payload headline are shown, as text
    assert "Ferry timetable changes for spring" in seen["text"]
    assert "Old tide mill back in business" in seen["text"]
    # the payload headline, as the run kept it, is on the page as text
    articles = pd.read_parquet(report_output / "articles", columns=["article_id", "title"])
    kept_title = articles.set_index("article_id").at["x1", "title"]
    assert "Harbour" in kept_title and kept_title in seen["text"]
