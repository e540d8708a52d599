"""`python -m newsdedup.synth --n 20000 --out DIR --format jsonl|txt [--gzip] [--seed 0]`."""

from newsdedup.synth.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
