"""Parser tests: a table of hand-written layouts with known fields, the real seed file, BBC and properties."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdedup.errors import ConfigError
from newsdedup.model import ParsedArticle
from newsdedup.text.parse import parse_raw, parse_record
from newsdedup.text.repair import repair_text

SEED_DIR = Path("/work/shared/seed")
BBC_DIR = Path("/work/shared/data/bbc")

LAYOUTS: list[tuple[str, str, dict[str, Any]]] = [
    (
        "seed style: repeated headline, bare name, GMT+10, bullets, City, Country: dateline, share footer",
        "Talks stall over fishing rights\n"
        "Talks stall over fishing rights\n"
        "Anna Kowalski\n"
        "18 Nov 2024, 14:55 GMT+10\n"
        "- Negotiators failed to agree on quotas\n"
        "- A new round is planned for December\n"
        "OSLO, Norway: Negotiators failed to agree on fishing quotas on Monday.\n"
        "A new round of talks is planned for December.\n"
        "Share article:\nShare\nTweet\n",
        {
            "title": "Talks stall over fishing rights",
            "author": "Anna Kowalski",
            "published_at": datetime(2024, 11, 18, 4, 55, tzinfo=UTC),
            "published_tz_assumed": False,
            "location": "OSLO, Norway",
            "summary": ("Negotiators failed to agree on quotas", "A new round is planned for December"),
            "body": "Negotiators failed to agree on fishing quotas on Monday.\n\n"
            "A new round of talks is planned for December.",
            "removed": {"share": 3},
        },
    ),
    (
        "By X + Published: ISO with offset",
        "Central bank holds rates steady\n\n"
        "By Peter van der Berg\n"
        "Published: 2024-11-16T10:37:00+01:00\n\n"
        "The central bank kept its main rate unchanged on Thursday, as expected by economists.\n\n"
        "Inflation eased to 2.1% in October.\n",
        {
            "title": "Central bank holds rates steady",
            "author": "Peter van der Berg",
            "published_at": datetime(2024, 11, 16, 9, 37, tzinfo=UTC),
            "published_raw": "2024-11-16T10:37:00+01:00",
            "location": None,
            "body": "The central bank kept its main rate unchanged on Thursday, as expected by economists.\n\n"
            "Inflation eased to 2.1% in October.",
            "source": None,
        },
    ),
    (
        "Headline | Outlet + NAME | OUTLET + section line",
        "Council approves new budget | Daily Herald\n"
        "Maria Garcia | Daily Herald\n"
        "November 16, 2024 10:37 PM EST\n"
        "Local News\n\n"
        "The city council approved a $4 million budget on Tuesday night after a long debate.\n"
        "Sign up for our newsletter\n"
        "© 2024 Daily Herald\n",
        {
            "title": "Council approves new budget",
            "source": "Daily Herald",
            "author": "Maria Garcia",
            "published_at": datetime(2024, 11, 17, 3, 37, tzinfo=UTC),
            "body": "The city council approved a $4 million budget on Tuesday night after a long debate.",
            "removed": {"header": 1, "subscribe": 1, "copyright": 1},
        },
    ),
    (
        "wire story: Headline - Reuters, LONDON (Reuters) -, wrapped credit footer",
        "Oil prices climb as OPEC+ signals output cuts - Reuters\n"
        "By Jane Smith and Ahmed al-Masri, Reuters\n"
        "16/11/2024 10:37 GMT\n\n"
        "LONDON (Reuters) - Oil prices rose on Monday after OPEC+ signalled it could extend cuts.\n\n"
        "Brent crude futures gained 1.2% to $74.10 a barrel by 0930 GMT.\n\n"
        "(Reporting by Jane Smith; Editing by\nMark Potter)\n",
        {
            "title": "Oil prices climb as OPEC+ signals output cuts",
            "source": "Reuters",
            "author": "Jane Smith and Ahmed al-Masri",
            "published_at": datetime(2024, 11, 16, 10, 37, tzinfo=UTC),
            "location": "LONDON",
            "body": "Oil prices rose on Monday after OPEC+ signalled it could extend cuts.\n\n"
            "Brent crude futures gained 1.2% to $74.10 a barrel by 0930 GMT.",
            "removed": {"credit": 2},
        },
    ),
    (
        "US TV site: Updated time-first PST line, BY NAME in caps, AFP dateline, ad + copyright",
        "Storm knocks out power to thousands in California\n"
        "Updated 10:37 AM PST, Saturday November 16, 2024\n"
        "BY JOHN MCDONALD\n\n"
        "SAN FRANCISCO (AFP) – A powerful storm swept across northern California on Friday.\n\n"
        "Utility crews worked through the night.\n\n"
        "Advertisement\n\n"
        "Copyright 2024 NBC Universal. All rights reserved.\n",
        {
            "author": "John McDonald",
            "published_at": datetime(2024, 11, 16, 18, 37, tzinfo=UTC),
            "published_raw": "10:37 AM PST, Saturday November 16, 2024",
            "location": "SAN FRANCISCO",
            "body": "A powerful storm swept across northern California on Friday.\n\n"
            "Utility crews worked through the night.",
            "removed": {"advertisement": 1, "copyright": 1},
        },
    ),
    (
        "hard-wrapped at 72 columns with blank-line paragraphs, AP dateline with date",
        "Scientists find new species of frog in the Andes\n"
        "By Lucy Brown, Associated Press\n"
        "Nov. 16, 2024 at 10:37 a.m. ET\n\n"
        "NEW YORK, Nov 18 (AP) -- Scientists have discovered a new species of\n"
        "frog in the Andes mountains of Peru, a team of researchers said on\n"
        "Monday. The tiny amphibian was found at an altitude of 3,000 metres\n"
        "and measures just two centimetres.\n\n"
        '"It is a remarkable find," said lead author Ana Torres, who has\n'
        "studied amphibians in the region for more than twenty years.\n",
        {
            "author": "Lucy Brown",
            "published_at": datetime(2024, 11, 16, 15, 37, tzinfo=UTC),
            "location": "NEW YORK",
            "body": "Scientists have discovered a new species of frog in the Andes mountains of Peru, a team of "
            "researchers said on Monday. The tiny amphibian was found at an altitude of 3,000 metres and "
            "measures just two centimetres.\n\n"
            '"It is a remarkable find," said lead author Ana Torres, who has studied amphibians in the '
            "region for more than twenty years.",
        },
    ),
    (
        "hard-wrapped with single newlines only: paragraph ends found from line widths",
        "Rail strike called off after late deal\n"
        "Written by Tom O'Neill\n"
        "Nov 16, 2024 08:00 GMT\n"
        "Unions called off a national rail strike late on Sunday after reaching\n"
        "a pay deal with operators, ending weeks of uncertainty.\n"
        "The deal still needs to be approved by members.\n"
        "Ministers welcomed the agreement and said services would run normally\n"
        "from Monday morning across the whole network, including trains.\n"
        "All operators said they were relieved.\n",
        {
            "author": "Tom O'Neill",
            "published_at": datetime(2024, 11, 16, 8, 0, tzinfo=UTC),
            "body": "Unions called off a national rail strike late on Sunday after reaching a pay deal with "
            "operators, ending weeks of uncertainty.\n\n"
            "The deal still needs to be approved by members.\n\n"
            "Ministers welcomed the agreement and said services would run normally from Monday morning "
            "across the whole network, including trains.\n\n"
            "All operators said they were relieved.",
        },
    ),
    (
        "single-newline paragraphs, unwrapped",
        "Museum returns looted bronzes\n"
        "By Chidi Okafor\n"
        "Published 16 November 2024\n"
        "The museum handed back 21 bronze sculptures to Nigeria on Saturday in a ceremony in the capital.\n"
        "Officials called it a historic day.\n"
        "More objects are expected to follow next year, according to the ministry.\n",
        {
            "author": "Chidi Okafor",
            "published_at": datetime(2024, 11, 16, 0, 0, tzinfo=UTC),
            "published_tz_assumed": True,
            "body": "The museum handed back 21 bronze sculptures to Nigeria on Saturday in a ceremony in the "
            "capital.\n\nOfficials called it a historic day.\n\n"
            "More objects are expected to follow next year, according to the ministry.",
        },
    ),
    (
        "CRLF line endings, BOM, no author, no date, em-dash dateline, social footer",
        "\ufeffMystery of the missing statue solved\r\n\r\n"
        "WASHINGTON — A statue missing since 1990 has been found in a garage.\r\n"
        "Its owner said he had no idea it was valuable.\r\n"
        "Share this\r\nFollow us on Twitter @example\r\nLike us on Facebook\r\n",
        {
            "title": "Mystery of the missing statue solved",
            "author": None,
            "published_at": None,
            "published_raw": None,
            "location": "WASHINGTON",
            "body": "A statue missing since 1990 has been found in a garage.\n\n"
            "Its owner said he had no idea it was valuable.",
            "removed": {"share": 3},
        },
    ),
    (
        "date without zone: default_tz applied and flagged",
        "Ferry service resumes\n"
        "By Sofia Rossi\n"
        "Posted: 16/11/2024 10:37\n\n"
        "PARIS, France - The ferry service to Corsica resumed on Saturday after a two-day strike.\n",
        {
            "published_at": datetime(2024, 11, 16, 9, 37, tzinfo=UTC),  # Europe/Paris in winter: +01:00
            "published_raw": "16/11/2024 10:37",
            "published_tz_assumed": True,
            "location": "PARIS, France",
            "body": "The ferry service to Corsica resumed on Saturday after a two-day strike.",
        },
    ),
    (
        "mojibake repaired, typography kept",
        "CafÃ© owner wins â€œbest coffeeâ€\x9d award\n"
        "By Lena MÃ¼ller\n\n"
        "The cafÃ© on Main Street won the award on Friday, its owner said.\n",
        {
            "title": "Café owner wins “best coffee” award",
            "author": "Lena Müller",
            "body": "The café on Main Street won the award on Friday, its owner said.",
        },
    ),
    (
        "footers: related list, newsletter, image credit, tags, copyright; kicker line above headline",
        "Breaking News\n"
        "Wildfire forces evacuations in Greek islands\n"
        "By Nikos Papadakis | Published: 2024-08-02 14:00 CEST\n\n"
        "Photo: Firefighters at work / Getty Images\n"
        "Hundreds of residents were evacuated as a wildfire spread across the island of Evia.\n\n"
        "Firefighting planes from Italy and France joined the effort.\n\n"
        "READ MORE:\n- Heatwave grips southern Europe\n- Tourists flee fires\n\n"
        "Subscribe to our daily briefing\n"
        "Topics: Greece, Wildfires\n"
        "(c) 2024 Example Media Group\n",
        {
            "title": "Wildfire forces evacuations in Greek islands",
            "author": "Nikos Papadakis",
            "published_at": datetime(2024, 8, 2, 12, 0, tzinfo=UTC),
            "body": "Hundreds of residents were evacuated as a wildfire spread across the island of Evia.\n\n"
            "Firefighting planes from Italy and France joined the effort.",
            "removed": {"header": 1, "image": 1, "related": 3, "subscribe": 1, "tags": 1, "copyright": 1},
        },
    ),
    (
        "no header at all (BBC-like): title, blank, body; an ordinary capitalised sentence is not a dateline",
        "Ad sales boost Time Warner profit\n\n"
        "Quarterly profits at US media giant TimeWarner jumped 76% to $1.13bn for the three months.\n\n"
        "Google, the search firm, said its revenue rose too.\n",
        {
            "title": "Ad sales boost Time Warner profit",
            "author": None,
            "location": None,
            "body": "Quarterly profits at US media giant TimeWarner jumped 76% to $1.13bn for the three months.\n\n"
            "Google, the search firm, said its revenue rose too.",
        },
    ),
    (
        "headline with a non-outlet dash suffix is kept whole; IST zone; standfirst before byline",
        "Monsoon rains return - more expected this week\n"
        "Forecasters say the heaviest rain will fall on the western coast over the weekend.\n"
        "By Priya Sharma\n"
        "Nov 16, 2024, 10:37 IST\n\n"
        "MUMBAI: Heavy rain lashed the city on Saturday, flooding several low-lying areas.\n",
        {
            "title": "Monsoon rains return - more expected this week",
            "source": None,
            "author": "Priya Sharma",
            "published_at": datetime(2024, 11, 16, 5, 7, tzinfo=UTC),
            "location": "MUMBAI",
            "body": "Heavy rain lashed the city on Saturday, flooding several low-lying areas.",
        },
    ),
    (
        "a sentence under the headline is not an author; Updated after Published keeps Published",
        "Prices rise again\n"
        "Published: Nov 15, 2024 09:00 UTC\n"
        "Updated: Nov 16, 2024 11:00 UTC\n"
        "Consumer prices rose for a third month in a row in October, the statistics office said.\n",
        {
            "author": None,
            "published_at": datetime(2024, 11, 15, 9, 0, tzinfo=UTC),
            "body": "Consumer prices rose for a third month in a row in October, the statistics office said.",
        },
    ),
]


@pytest.mark.parametrize(("description", "text", "expected"), LAYOUTS, ids=[row[0][:40] for row in LAYOUTS])
def test_layouts(description: str, text: str, expected: dict[str, Any]) -> None:
    tz = "Europe/Paris" if "default_tz" in description else "UTC"
    article = parse_raw(text, default_tz=tz)
    for name, value in expected.items():
        assert getattr(article, name) == value, f"{description}: field {name}"


def test_removed_lines_match_counts() -> None:
    article = parse_raw(LAYOUTS[11][1])
    assert sum(article.removed.values()) == len(article.removed_lines)
    assert "READ MORE:" in article.removed_lines


def test_seed_file_parses_exactly() -> None:
    files = sorted(SEED_DIR.glob("*.txt")) if SEED_DIR.is_dir() else []
    if not files:
        pytest.skip("seed article not available")
    article = parse_raw(files[0].read_text(encoding="utf-8"))
    assert article.title == "China urged to stop North Korea’s support for Ukraine war by NATO, EU"
    assert article.author == "Robert Besser"
    assert article.published_at == datetime(2024, 11, 18, 4, 55, tzinfo=UTC)
    assert article.published_raw == "18 Nov 2024, 14:55 GMT+10"
    assert article.published_tz_assumed is False
    assert article.location == "BRUSSELS, Belgium"
    assert len(article.summary) == 3
    assert all(not s.startswith("-") for s in article.summary)
    assert article.body.startswith("NATO and the European Union are intensifying")
    assert article.body.endswith("potential peace negotiations.")
    assert "Share" not in article.body and "Tweet" not in article.body
    assert article.removed == {"share": 3}
    assert article.source is None
    assert len(article.body.split("\n\n")) == 11


def test_bbc_title_is_first_line() -> None:
    if not BBC_DIR.is_dir():
        pytest.skip("BBC data not available")
    files = sorted(BBC_DIR.glob("*/*.txt"))[:200]
    for path in files:
        text = path.read_bytes().decode("cp1252", errors="replace")
        first = next(line.strip() for line in text.splitlines() if line.strip())
        article = parse_raw(text)
        assert article.title is not None
        assert article.title == first or article.source is not None, path
        assert article.body, path


def test_parse_record_cleans_body() -> None:
    article = parse_record(
        title="Floods hit valley | The Guardian",
        body="BRUSSELS, Belgium: Floods hit the valley and the towns around it on\nMonday.\n\nResidents fled.\nAdvertisement\n",
        published="Published: 2024-11-16 10:37",
        author="By Karl Weber",
        default_tz="Europe/Berlin",
    )
    assert article.title == "Floods hit valley"
    assert article.source == "The Guardian"
    assert article.author == "Karl Weber"
    assert article.published_at == datetime(2024, 11, 16, 9, 37, tzinfo=UTC)
    assert article.published_tz_assumed is True
    assert article.published_raw == "2024-11-16 10:37"
    assert article.location == "BRUSSELS, Belgium"
    assert article.body == "Floods hit the valley and the towns around it on Monday.\n\nResidents fled."
    assert article.removed == {"advertisement": 1}


def test_parse_record_missing_fields() -> None:
    article = parse_record(title=None, body="")
    assert article == ParsedArticle(None, None, None, None, False, None, (), "", None, {}, ())


@pytest.mark.parametrize(
    ("raw", "fixed"),
    [
        ("a\r\nb\rc", "a\nb\nc"),
        ("\ufeffx\x00y\x07z\tq", "xyz\tq"),
        ("Tom &amp; Jerry", "Tom & Jerry"),
        ("donâ€™t", "don’t"),
        ("plain “curly” text", "plain “curly” text"),
    ],
)
def test_repair_text(raw: str, fixed: str) -> None:
    assert repair_text(raw) == fixed


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_parse_raw_never_raises(text: str) -> None:
    article = parse_raw(text)
    assert isinstance(article.body, str)


_LINEISH = st.lists(
    st.one_of(
        st.sampled_from(
            ["", "By John Smith", "Share", "- bullet", "LONDON (Reuters) -", "18 Nov 2024, 14:55 GMT+10"]
        ),
        st.text(alphabet=st.characters(codec="utf-8"), max_size=80),
    ),
    max_size=20,
)


@settings(max_examples=300, deadline=None)
@given(_LINEISH)
def test_parse_raw_never_raises_on_line_structures(lines: list[str]) -> None:
    article = parse_raw("\n".join(lines))
    assert "\r" not in article.body
    assert sum(article.removed.values()) == len(article.removed_lines)


@pytest.mark.parametrize(
    ("text", "field", "expected"),
    [
        ("Talks “resume” in Geneva\nTALKS \"RESUME\" IN  GENEVA\nBy Ana Lopez\n\nThe talks resumed today.\n", "title",
         "Talks “resume” in Geneva"),
        ("Talks resume in Geneva\nBy Ana Lopez\nPublished 16 Nov 2024 | Updated 17 Nov 2024\n\nThe talks resumed.\n",
         "published_raw", "16 Nov 2024"),
        ("Talks resume in Geneva\nBy Ana Lopez · Nov 16, 2024 10:00 GMT\n\nThe talks resumed.\n", "published_at",
         datetime(2024, 11, 16, 10, 0, tzinfo=UTC)),
        ("Talks resume in Geneva\nBy Ana Lopez · Nov 16, 2024 10:00 GMT\n\nThe talks resumed.\n", "author",
         "Ana Lopez"),
        ("Talks resume in Geneva\nBY ANA AL-HASSAN\n\nThe talks resumed.\n", "author", "Ana al-Hassan"),
        ("Talks resume in Geneva\nPosted by Ana Lopez on Nov 16, 2024\n\nThe talks resumed.\n", "author", "Ana Lopez"),
        ("Talks resume in Geneva\nThe Daily Herald\n\nThe talks resumed on Monday.\n", "author", None),
        ("Talks resume in Geneva\nThe Daily Herald\n\nThe talks resumed on Monday.\n", "body",
         "The talks resumed on Monday."),
        ("Talks resume in Geneva\n\nMeanwhile, Geneva - a city of talks - hosted them again on Monday.\n", "location",
         None),
        ("Talks resume in Geneva\n\nNATO is not a place and this sentence has no dateline at all.\n", "location", None),
        ("Talks resume in Geneva\n\nŁÓDŹ, Poland: Talks resumed.\n", "location", "ŁÓDŹ, Poland"),
        ("Talks resume in Geneva\n\nWASHINGTON, District of Columbia — Talks resumed.\n", "location",
         "WASHINGTON, District of Columbia"),
        ("Talks resume in Geneva\nBy Gabriela Novák and Paweł Friedman\n\nTalks resumed.\n", "author",
         "Gabriela Novák and Paweł Friedman"),
        ("Biden - Trump debate set\n\nThe debate is set for Tuesday night.\n", "title", "Biden - Trump debate set"),
        ("", "title", None),
        ("Steel firm to cut jobs\n\nMittal Steel, one of the largest steel makers, could cut 45,000 jobs.\n",
         "author", None),
        ("Steel firm to cut jobs\n\nMittal Steel, one of the largest steel makers, could cut 45,000 jobs.\n",
         "body", "Mittal Steel, one of the largest steel makers, could cut 45,000 jobs."),
        ("Gold falls\n\nBy revaluing its holdings, the IMF may be able to sell gold.\n", "author", None),
    ],
)  # fmt: skip
def test_header_details(text: str, field: str, expected: object) -> None:
    assert getattr(parse_raw(text), field) == expected


def test_parse_record_moves_leading_bullets_to_summary() -> None:
    article = parse_record(title="T", body="- first point\n- second point\n\nThe body text starts here.")
    assert article.summary == ("first point", "second point")
    assert article.body == "The body text starts here."


def test_team_synthetic_raw_corpus(tmp_path: Path) -> None:
    """End-to-end against the project's synthetic raw layouts (fields.jsonl holds the answers)."""
    synth = pytest.importorskip("newsdedup.synth")
    import json

    synth.write_corpus(tmp_path, synth.SynthConfig(n_articles=150, seed=11), fmt="txt")
    fields = [json.loads(line) for line in (tmp_path / "fields.jsonl").read_text("utf-8").splitlines()]
    assert fields
    misses = 0
    for f in fields:
        raw = (tmp_path / "raw" / f["id"]).read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("cp1252")
        a = parse_raw(text)
        stamp = a.published_at.strftime("%Y-%m-%dT%H:%M:%SZ") if a.published_at else None
        ok = (
            a.title == f["title"]
            and a.author == f["author"]
            and a.location == f["location"]
            and stamp == f["published_at"]
            and a.body.startswith(f["body_first_sentence"])
            and a.body.endswith(f["body_last_sentence"])
        )
        misses += not ok
    assert misses <= len(fields) * 0.01


def test_unknown_default_tz_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="Nowhere/Land"):
        parse_raw("Title\n\nBody text here.", default_tz="Nowhere/Land")
    with pytest.raises(ConfigError, match="Nowhere/Land"):
        parse_record(title="T", body="B", default_tz="Nowhere/Land")


# ------------------------------------------------------------------------------------- fast paths = slow paths

BODY_LINES = [
    "",
    "",
    "A plain sentence that ends here.",
    "wrapped continuation in lower case",
    "- a bullet item",
    "1. a numbered item",
    "Short heading",
    "A line of about seventy characters that a hard wrapper would break at the",
    "“Quoted speech,” she said.",
    "x" * 300,
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(BODY_LINES), max_size=14))
def test_join_lines_shortcut_equals_the_rules(lines: list[str]) -> None:
    from newsdedup.text.body import _join_lines, _rejoin

    assert _join_lines(lines) == _rejoin(lines)


# Lines of a body hard-wrapped near 70 columns, with what can make the shortcuts wrong: list items and
# lines starting with a number (possible list items), lower-case continuations, short lines, blank lines.
WRAPPED_LINES = [
    "",
    "The council said on Tuesday that the bridge toll would double from the",
    "start of next year, and that the money would pay for repairs to the deck.",
    "repairs that engineers say cannot wait another winter without risking it",
    "A spokeswoman for the harbour authority declined to comment on the plan.",
    "500 residents signed a petition against the rise within the first week.",
    "- a list item of the kind some outlets put inside their paragraphs",
    "2. a numbered item that a careless wrapper may leave at a line start",
    "Short line.",
    "ends without a full stop and the next line carries the sentence on to",
]


def _rules(lines: list[str]) -> list[str]:
    from newsdedup.text.body import _blocks, _is_blank_separated, _rejoin_rules, _wrap_width

    width = _wrap_width(lines)
    return _rejoin_rules(lines, width, width is not None and _is_blank_separated(_blocks(lines)))


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(WRAPPED_LINES + BODY_LINES), max_size=24))
def test_rejoin_shortcuts_equal_the_line_by_line_rules(lines: list[str]) -> None:
    from newsdedup.text.body import _rejoin

    assert _rejoin(lines) == _rules(lines)


def test_rejoin_shortcuts_are_taken_and_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    from newsdedup.text import body
    from newsdedup.text.body import _rejoin

    wrapped = [WRAPPED_LINES[1], WRAPPED_LINES[2], "", WRAPPED_LINES[4], WRAPPED_LINES[9], WRAPPED_LINES[2]]
    unwrapped = ["First paragraph ends here.", "Second one too!", "“And a quote,” she said."]
    expected = _rules(wrapped)
    with monkeypatch.context() as m:  # both layouts are settled without the line-by-line rules
        m.setattr(body, "_rejoin_rules", None)
        assert _rejoin(wrapped) == expected
        assert _rejoin(unwrapped) == unwrapped
    assert expected == [
        f"{WRAPPED_LINES[1]} {WRAPPED_LINES[2]}",
        f"{WRAPPED_LINES[4]} {WRAPPED_LINES[9]} {WRAPPED_LINES[2]}",
    ]
    with_item = [*wrapped[:2], "", WRAPPED_LINES[4], WRAPPED_LINES[6], WRAPPED_LINES[2]]
    assert _rejoin(with_item) == _rules(with_item)  # the list item decides by the rules
    assert _rules(unwrapped) == unwrapped


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(BODY_LINES[2:]), max_size=8))
def test_single_line_paragraphs_take_the_shortcut_unchanged(paragraphs: list[str]) -> None:
    from newsdedup.text.body import _join_lines, _rejoin

    lines = [x for p in paragraphs for x in (p, "")]
    assert _join_lines(lines) == _rejoin(lines) == paragraphs


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_repair_text_short_field_shortcut_equals_steps(text: str) -> None:
    from newsdedup.text.repair import _repair_text_steps

    assert repair_text(text) == _repair_text_steps(text)


def test_cached_byline_still_checks_each_headline() -> None:
    from newsdedup.text.header import author_from_line

    assert author_from_line("Rosa Marsh", "Council doubles the bridge toll") == ("Rosa Marsh", None)
    # the same line, now under a headline that reads the same: not a byline (the cache holds no headline)
    assert author_from_line("Rosa Marsh", "Rosa Marsh") == (None, None)
    assert author_from_line("Rosa Marsh | Daily Herald", "ROSA MARSH") == (None, None)
    assert author_from_line("Rosa Marsh | Daily Herald", "Another headline") == (
        "Rosa Marsh",
        "Daily Herald",
    )
    assert author_from_line("By Rosa Marsh", "Rosa Marsh") == ("Rosa Marsh", None)  # a "By" line is a byline
