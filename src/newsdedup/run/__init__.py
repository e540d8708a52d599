"""The run layer, the only one with processes and threads: the job as a list of steps, the engines, the
manifest.

Calling the package, ``newsdedup.run(inputs, output, config=None, *, full_refresh=False, progress=None)``,
runs the job: it is :func:`newsdedup.api.run` (the package root makes the package callable).

- :mod:`.pipeline`: :func:`~newsdedup.run.pipeline.run`, the job; its step list fits on one screen.
- The steps, in order: :mod:`.discover_step`, :mod:`.read_step` (read, then parse with learned boilerplate),
  :mod:`.dedup_step`, :mod:`.cluster_step`, :mod:`.write_step` (with :mod:`.state_writer`),
  :mod:`.manifest`; :mod:`.context` holds what every step reads.
- The read path: :mod:`.tasks` (what a worker does with one task), :mod:`.articles` (record -> parsed
  article -> staged row), :mod:`.collect` (chunks put together, the first-wins id rule), :mod:`.learn`
  (boilerplate learned over the whole run).
- Where work runs: :mod:`.parallel` (the process pool, thread maps, a background thread), :mod:`.engines`
  (local and Dask behind one interface), :mod:`.dask_engine`.
- :mod:`.steps` (timing and counting of steps) and :mod:`.progress` (a terminal progress line).
"""
