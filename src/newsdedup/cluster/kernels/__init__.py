"""Compiled kernels of story clustering (numba), beside the Python steps they speed up (see ``cluster``).

Each walks per-document or per-cluster lists whose lengths vary, which numpy cannot vectorise: ``terms``
(a document's weighted terms from its bytes), ``columns`` (each document's best terms by the run's IDF),
``knn`` (candidate neighbours and the kNN graph), ``linkage`` (average linkage, with its merge heap in
``heap``), ``centroid`` (cosine to the cluster centroid) and ``rank`` (the top-k selection they share).
Arrays that travel together are passed as the small named tuples of ``shared``. Everything is
deterministic: ties break on the smaller index.
"""
