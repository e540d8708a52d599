"""Remote inputs against a local S3 server (moto's server mode): the same corpus run from local disk and from
``s3://``, the bytes the server sent, and a second run over the bucket (nothing new).

    .venv/bin/python benchmarks/bench_remote.py --corpus DIR [--n-jobs 2] [--chunk-bytes 1048576]

``DIR`` holds the inputs (e.g. ``python -m newsdedup.synth --n 10000 --format txt --out DIR``: ``raw/`` and
``fields.jsonl``). Needs ``pip install 'newsdedup[test]'`` (moto, s3fs). A localhost server measures the
job's own overhead for remote reads (requests, listing, range reads), not a network.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

for _k, _v in {
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
}.items():
    os.environ[_k] = _v


def _served_bytes() -> list[int]:
    """Patch moto's object responses to count the body bytes sent for GETs (whole or ranged)."""
    from moto.s3.responses import S3Response

    sent = [0]
    original = S3Response.key_response

    def key_response(self: S3Response, request: Any, *args: Any, **kwargs: Any) -> Any:
        status, headers, content = original(self, request, *args, **kwargs)
        if request.method == "GET" and isinstance(content, bytes | bytearray):
            sent[0] += len(content)
        return status, headers, content

    S3Response.key_response = key_response  # type: ignore[method-assign]
    return sent


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--n-jobs", type=int, default=2)
    ap.add_argument("--chunk-bytes", type=int, default=1 << 20)
    args = ap.parse_args()

    import boto3
    from moto.server import ThreadedMotoServer

    from newsdedup.params import Config, InputConfig, RunConfig
    from newsdedup.run.pipeline import run

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    client.create_bucket(Bucket="bench")
    inputs = sorted(p for p in args.corpus.iterdir() if p.name in ("raw", "fields.jsonl"))
    t0 = time.perf_counter()
    n_objects = total = 0
    for top in inputs:
        for path in [top] if top.is_file() else sorted(p for p in top.rglob("*") if p.is_file()):
            key = "corpus/" + path.relative_to(args.corpus).as_posix()
            data = path.read_bytes()
            client.put_object(Bucket="bench", Key=key, Body=data)
            n_objects, total = n_objects + 1, total + len(data)
    print(f"uploaded {n_objects} objects, {total} bytes in {time.perf_counter() - t0:.1f} s")
    sent = _served_bytes()
    opts = {"endpoint_url": endpoint, "key": "bench", "secret": "bench"}
    run_cfg = RunConfig(n_jobs=args.n_jobs, chunk_bytes=args.chunk_bytes)
    with tempfile.TemporaryDirectory() as tmp:
        for label, paths, config in [
            ("local", [str(p) for p in inputs], Config(run=run_cfg)),
            (
                "s3",
                [f"s3://bench/corpus/{p.name}" for p in inputs],
                Config(input=InputConfig(storage_options=opts), run=run_cfg),
            ),
        ]:
            out = Path(tmp) / label
            for attempt in ("first", "again"):
                sent[0] = 0
                t = time.perf_counter()
                result = run(paths, out, config)
                seconds = time.perf_counter() - t
                print(
                    f"{label:5s} {attempt:5s} {result.status:11s} {result.counts.get('accepted', 0):6d} accepted "
                    f"{seconds:7.2f} s  served {sent[0]} bytes ({sent[0] / max(total, 1):.2f} x corpus)"
                )
    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
