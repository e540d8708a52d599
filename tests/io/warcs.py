"""A small WARC writer for the tests (bytes built by hand, as the WARC 1.0 format says)."""

from __future__ import annotations

import gzip
import uuid

__all__ = ["http_response", "warc_record", "write_warc"]


def http_response(
    payload: bytes, content_type: str = "text/html; charset=utf-8", status: str = "200 OK"
) -> bytes:
    return f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\n\r\n".encode() + payload


def warc_record(rec_type: str, uri: str | None, block: bytes, date: str = "2024-03-01T12:00:00Z") -> bytes:
    headers = [
        "WARC/1.0",
        f"WARC-Type: {rec_type}",
        f"WARC-Record-ID: <urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{rec_type}:{uri}')}>",
        f"WARC-Date: {date}",
    ]
    if uri is not None:
        headers.append(f"WARC-Target-URI: {uri}")
    if rec_type in ("response", "request"):
        headers.append(f"Content-Type: application/http; msgtype={rec_type}")
    else:
        headers.append("Content-Type: application/warc-fields")
    headers.append(f"Content-Length: {len(block)}")
    return ("\r\n".join(headers) + "\r\n\r\n").encode() + block + b"\r\n\r\n"


def write_warc(path: str, records: list[bytes], gz: bool) -> None:
    """Records one after another; gzipped, each record is a gzip member of its own (as crawlers write them)."""
    with open(path, "wb") as fh:
        for rec in records:
            fh.write(gzip.compress(rec) if gz else rec)
