"""The only layer that touches files: discovery, readers, digests, staging, state, the versioned store.

discover.py  command-line paths -> input files (format by name) and skipped paths
remote.py    remote inputs through fsspec (s3://, gs://, http(s)://), open_input (the opener every reader
             uses), the refusal of a remote output
readers/     one input file -> RawRecords and Rejects (txt, jsonl/json, csv, parquet)
digest.py    content digests of input files, for the state ledger
schema.py    the output tables' Arrow schemas
state.py     the retained history and ledger between runs
store.py     the versioned output store: staging, atomic writes, commit
"""
