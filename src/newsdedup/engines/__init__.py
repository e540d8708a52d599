"""Where the stages run: the local engine is :mod:`newsdedup.pipeline` itself (worker processes on one
machine); :mod:`newsdedup.engines.dask_engine` runs the same stage functions on a Dask cluster."""
