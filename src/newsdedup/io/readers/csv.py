"""The CSV reader (.csv, .csv.gz): a header row naming the fields, then one article per row."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator

from newsdedup.io.digest import READ_BLOCK
from newsdedup.io.readers.base import GZIP_ERRORS, open_binary, os_detail
from newsdedup.io.readers.fields import DEFAULT_PLAN, FieldPlan, plan_for_columns
from newsdedup.io.readers.records import structured_record
from newsdedup.model import InputFile, RawRecord, Reject
from newsdedup.text.encoding import FALLBACK_ERRORS

__all__ = ["read_csv"]


def _csv_encoding(f: InputFile) -> tuple[str, str]:
    """Return (codec, encoding label): UTF-8 if the whole (decompressed) file is valid UTF-8, else cp1252.

    A streaming pre-pass: CSV rows are yielded as they are read, so the encoding must be known before
    the first row (restarting mid-file on a decode error would emit rows twice). Costs a second read.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    bom = False
    try:
        with open_binary(f) as fh:
            first = True
            while block := fh.read(READ_BLOCK):
                if first:
                    bom, first = block.startswith(codecs.BOM_UTF8), False
                decoder.decode(block)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "cp1252", "cp1252"
    except (OSError, *GZIP_ERRORS):
        pass  # the reading pass reports it at the right row
    return "utf-8-sig", ("utf-8-sig" if bom else "utf-8")


def read_csv(f: InputFile, max_bytes: int, plan: FieldPlan = DEFAULT_PLAN) -> Iterator[RawRecord | Reject]:
    """A CSV file's rows (record = row number, header and blank lines not counted); header names are
    matched without case or surrounding spaces, and a row with another field count is "malformed_csv"."""
    codec, encoding = _csv_encoding(f)
    # Process-wide setting; raised so an article up to max_bytes fits in one field.
    csv.field_size_limit(max(max_bytes, 131072))
    rowno = 0
    try:
        with open_binary(f) as raw:
            # newline="" lets the csv module see quoted line breaks; cp1252 has five undefined bytes, read
            # as latin-1 by the fallback handler so a CSV never fails to decode.
            text = io.TextIOWrapper(raw, encoding=codec, errors=FALLBACK_ERRORS, newline="")
            reader = csv.reader(text)  # not DictReader: a row's field count is checked explicitly below
            try:
                header: list[str] = []
                while not header:  # blank lines before the header are not rows (as in csv.DictReader)
                    header = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield Reject(f.rel, None, "malformed_csv", f"header: {exc}")
                return
            fields = [h.strip().lower() for h in header]
            plan = plan_for_columns(plan, fields, fold_case=True)  # once per file: the header is known
            last_error_line = -1
            while True:
                try:
                    row = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:
                    rowno += 1
                    reason = "too_large" if "field limit" in str(exc) else "malformed_csv"
                    yield Reject(f.rel, rowno, reason, f"line {reader.line_num}: {exc}")
                    if reader.line_num == last_error_line:  # no progress: stop rather than loop
                        return
                    last_error_line = reader.line_num
                    continue
                if not row:  # blank line, not a record (as csv.DictReader does)
                    continue
                rowno += 1
                if len(row) != len(fields):
                    yield Reject(
                        f.rel,
                        rowno,
                        "malformed_csv",
                        f"line {reader.line_num}: {len(row)} fields, header has {len(fields)}",
                    )
                    continue
                obj = dict(zip(fields, row, strict=True))
                yield structured_record(obj, f.rel, rowno, encoding, max_bytes, plan)
    except GZIP_ERRORS as exc:
        yield Reject(f.rel, rowno + 1, "truncated", f"{os_detail(exc)} after {rowno} rows")
    except OSError as exc:
        yield Reject(f.rel, rowno + 1 if rowno else None, "unreadable", os_detail(exc))
