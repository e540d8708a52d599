"""Field mapping ([input.fields], input.preset) in the structured readers: presets for NewsAPI, news-please,
GDELT and CC-NEWS exports, dotted paths, candidates in order, the ``extra`` column, headline-only records."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from newsdedup.config import config_from_dict
from newsdedup.io.discover import discover
from newsdedup.io.readers import DEFAULT_PLAN, FieldPlan, compile_plan, read_file
from newsdedup.model import RawRecord, Reject

NEWSAPI = [
    {
        "source": {"id": "bbc-news", "name": "BBC News"},
        "author": "Jane Doe",
        "title": "Larkin Foods buys Greenvale Grocers",
        "description": "The grocer agreed to a $1bn deal.",
        "url": "https://www.bbc.co.uk/news/business-1",
        "urlToImage": "https://ichef.bbci.co.uk/1.jpg",
        "publishedAt": "2024-05-13T11:33:20Z",
        "content": "Larkin Foods has agreed to buy Greenvale Grocers for $1bn... [+2100 chars]",
    },
    {
        "source": {"id": None, "name": "Reuters"},
        "author": None,
        "title": "Storm Ingrid floods Greystone",
        "description": "Hundreds of homes were flooded.",
        "url": "https://www.reuters.com/world/storm-1",
        "urlToImage": None,
        "publishedAt": 1715600000000,  # epoch milliseconds
        "content": None,  # body falls back to the description
    },
]


def _read(tmp_path: Path, name: str, data: bytes, plan: FieldPlan = DEFAULT_PLAN) -> list[RawRecord | Reject]:
    folder = tmp_path / name.replace(".", "_")  # one folder per file read
    folder.mkdir()
    (folder / name).write_bytes(data)
    files, _ = discover([folder])
    return [item for f in files for item in read_file(f, plan=plan)]


def _plan(**input_table: Any) -> FieldPlan:
    return compile_plan(config_from_dict({"input": input_table}).input.field_candidates())


def _jsonl(rows: list[dict[str, Any]]) -> bytes:
    return b"".join(json.dumps(r).encode() + b"\n" for r in rows)


@pytest.mark.parametrize(
    "input_table",
    [
        {"preset": "newsapi"},
        {
            "fields": {
                "source": "source.name",
                "body": ["content", "description"],
                "summary": "description",
                "published_at": "publishedAt",
                "id": "url",
            }
        },
    ],
    ids=["preset", "mapping"],
)
def test_newsapi_export_loads_without_rejects(tmp_path: Path, input_table: dict[str, Any]) -> None:
    got = _read(tmp_path, "newsapi.jsonl", _jsonl(NEWSAPI), _plan(**input_table))
    assert all(isinstance(r, RawRecord) for r in got)
    a, b = got
    assert isinstance(a, RawRecord) and isinstance(b, RawRecord)
    assert (a.source, b.source) == ("BBC News", "Reuters")
    assert a.body is not None and a.body.startswith("Larkin Foods has agreed")
    assert b.body == "Hundreds of homes were flooded."  # content null: the next candidate
    assert (a.published, b.published) == ("2024-05-13T11:33:20Z", "1715600000000")
    assert a.summary == "The grocer agreed to a $1bn deal."
    assert a.extra == '{"urlToImage":"https://ichef.bbci.co.uk/1.jpg"}'
    assert b.extra is None  # null values are not kept
    if "fields" in input_table:  # id = "url": the URL as given
        assert a.article_id == "https://www.bbc.co.uk/news/business-1" and a.has_id


def test_newsapi_without_mapping_is_rejected_as_wrong_type(tmp_path: Path) -> None:
    """The default mapping reads `source` as a string: an object there is a wrong type (the preset fixes it)."""
    got = _read(tmp_path, "newsapi.jsonl", _jsonl(NEWSAPI))
    assert [r.reason for r in got if isinstance(r, Reject)] == ["wrong_type", "wrong_type"]


def test_user_field_overrides_the_preset(tmp_path: Path) -> None:
    plan = _plan(preset="newsapi", fields={"source": "source.id", "body": "description"})
    a, b = _read(tmp_path, "n.jsonl", _jsonl(NEWSAPI), plan)
    assert isinstance(a, RawRecord) and isinstance(b, RawRecord)
    assert (a.source, b.source) == ("bbc-news", None)
    assert a.body == "The grocer agreed to a $1bn deal."
    assert a.extra is not None and "content" in json.loads(a.extra)  # no longer mapped: kept in extra


def test_news_please_and_ccnews(tmp_path: Path) -> None:
    news_please = {
        "title": "Tram opens",
        "maintext": "The Ridgeford tram opened on Monday.",
        "description": "A new line.",
        "date_publish": "2024-05-13 08:00:00",
        "date_modify": None,
        "source_domain": "metro.example.com",
        "url": "https://metro.example.com/tram",
        "authors": ["Ann Lee", "Bo Chan"],
        "language": "en",
    }
    (r,) = _read(tmp_path, "np.jsonl", _jsonl([news_please]), _plan(preset="news-please"))
    assert isinstance(r, RawRecord)
    assert (r.title, r.body, r.source, r.author) == (
        "Tram opens",
        "The Ridgeford tram opened on Monday.",
        "metro.example.com",
        "Ann Lee, Bo Chan",
    )
    assert r.published == "2024-05-13 08:00:00" and r.extra == '{"language":"en"}'
    cc = {
        "url": "https://x.example.org/a",
        "warc_date": "2024-05-13T09:00:00Z",
        "title": "T",
        "text": "Body.",
    }
    (c,) = _read(tmp_path, "cc.jsonl", _jsonl([cc]), _plan(preset="ccnews"))
    assert isinstance(c, RawRecord)
    assert (c.body, c.published, c.url, c.extra) == ("Body.", "2024-05-13T09:00:00Z", cc["url"], None)


def test_gdelt_gkg_csv(tmp_path: Path) -> None:
    """GKG columns (case as GDELT writes them): the title from V2ExtrasXML's PAGE_TITLE element, DATE as a
    14-digit stamp, the themes kept in extra; an Events row with neither title nor text is missing_text."""
    path = tmp_path / "gkg.csv"
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(
            ["GKGRECORDID", "DATE", "SourceCommonName", "DocumentIdentifier", "V2Themes", "V2ExtrasXML"]
        )
        w.writerow(
            [
                "20240513083000-42",
                "20240513083000",
                "bbc.co.uk",
                "https://www.bbc.co.uk/news/x",
                "ECON_STOCKMARKET,1;TAX_FNCACT,9",
                "<PAGE_LINKS></PAGE_LINKS><PAGE_TITLE>Markets slide on rate fears</PAGE_TITLE>",
            ]
        )
        w.writerow(["20240513083000-43", "20240513083000", "x.com", "https://x.com/a", "", ""])
    files, _ = discover([tmp_path])
    got = [item for f in files for item in read_file(f, plan=_plan(preset="gdelt"))]
    r, rej = got
    assert isinstance(r, RawRecord) and isinstance(rej, Reject)
    assert (r.article_id, r.title, r.body, r.source, r.url, r.published) == (
        "20240513083000-42",
        "Markets slide on rate fears",
        None,
        "bbc.co.uk",
        "https://www.bbc.co.uk/news/x",
        "20240513083000",
    )
    assert r.extra == '{"v2themes":"ECON_STOCKMARKET,1;TAX_FNCACT,9"}'  # CSV header names are lower-cased
    assert rej.reason == "missing_text"


def test_headline_only_aggregator_csv_with_the_default_mapping(tmp_path: Path) -> None:
    """title, url, publisher, timestamp (epoch ms): every row accepted with the default mapping."""
    data = (
        b"TITLE,URL,PUBLISHER,TIMESTAMP,CATEGORY\n"
        b"Fed holds rates,https://a.example.com/1,Reuters,1394470370698,b\n"
        b"Fed holds rates steady,https://b.example.com/2,,1394470371207,b\n"
    )
    a, b = _read(tmp_path, "agg.csv", data)
    assert isinstance(a, RawRecord) and isinstance(b, RawRecord)
    assert (a.title, a.body, a.source, a.published) == ("Fed holds rates", None, "Reuters", "1394470370698")
    assert b.source is None and b.extra == '{"category":"b"}'


def test_candidates_dotted_names_and_literal_dotted_columns(tmp_path: Path) -> None:
    plan = _plan(fields={"body": ["content", "description"], "source": "source.name"})
    rows = b'source.name,content,description\nOutlet A,,"From the description."\n'
    (r,) = _read(tmp_path, "a.csv", rows, plan)
    assert isinstance(r, RawRecord)
    assert (r.source, r.body, r.extra) == ("Outlet A", "From the description.", None)


def test_parquet_mapping_and_extra(tmp_path: Path) -> None:
    table = pa.table(
        {
            "headline": ["Bridge toll vote"],
            "story": ["The council votes today."],
            "ts": pa.array([1715600000], pa.int64()),  # epoch seconds
            "section": ["local"],
        }
    )
    pq.write_table(table, tmp_path / "a.parquet")
    plan = _plan(fields={"title": "headline", "body": "story", "published_at": "ts"})
    files, _ = discover([tmp_path])
    (r,) = [item for f in files for item in read_file(f, plan=plan)]
    assert isinstance(r, RawRecord)
    assert (r.title, r.body, r.published, r.extra) == (
        "Bridge toll vote",
        "The council votes today.",
        "1715600000",
        '{"section":"local"}',
    )


def test_default_mapping_keeps_todays_behaviour(tmp_path: Path) -> None:
    rows = [
        {"id": "a", "title": "T", "body": "", "text": "From text.", "date": "2024-01-02", "x": 1},
        {"id": 5, "body": "B.", "published_at": "2024-01-03", "date": "ignored"},
        {"id": "c", "body": 7},
    ]
    a, b, c = _read(tmp_path, "f.jsonl", _jsonl(rows))
    assert isinstance(a, RawRecord) and isinstance(b, RawRecord) and isinstance(c, Reject)
    assert (a.body, a.published, a.extra) == ("From text.", "2024-01-02", '{"x":1}')
    assert (b.article_id, b.published, b.extra) == ("5", "2024-01-03", None)
    assert c.reason == "wrong_type" and c.detail == "body is int, expected string"


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"fields": {"headline": "title"}}, "unknown field 'headline'"),
        ({"preset": "newsapi2"}, "preset must be one of"),
        ({"fields": {"body": []}}, "fields.body must be"),
        ({"fields": {"body": "a..b"}}, "fields.body must be"),
        ({"source_from": ["folder", "folder"]}, "source_from must list distinct"),
        ({"unsupported": "warn"}, "unsupported must be one of"),
    ],
)
def test_bad_mapping_config_is_refused_at_load(table: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        config_from_dict({"input": table})


def test_mapping_from_a_toml_file_and_the_environment(tmp_path: Path) -> None:
    from newsdedup.config import load_config

    path = tmp_path / "c.toml"
    path.write_text(
        '[input]\npreset = "newsapi"\n[input.fields]\nbody = ["content", "description"]\nid = "url"\n'
    )
    config = load_config(path, environ={"NEWSDEDUP_INPUT__SOURCE_FROM": '["url"]'})
    assert config.input.fields == (("body", ("content", "description")), ("id", ("url",)))
    assert config.input.field_candidates()["source"] == ("source.name", "source.id")  # from the preset
    assert config.input.source_from == ("url",)
    env = load_config(None, environ={"NEWSDEDUP_INPUT__FIELDS": '{title = "headline"}'})
    assert env.input.field_candidates()["title"] == ("headline",)
