"""Pure text stages: bytes -> text -> parsed article -> matching text, and their kernels.

- :mod:`~newsdedup.text.encoding`: bytes -> text (encoding detection, with the reason when it fails);
- :mod:`~newsdedup.text.repair`: control characters, line breaks, mojibake and HTML entities fixed;
- :mod:`~newsdedup.text.parse`: a raw article or a structured record -> a
  :class:`~newsdedup.model.ParsedArticle`, with the rules for its parts in :mod:`~newsdedup.text.header`
  (headline, outlet, byline, dateline), :mod:`~newsdedup.text.body` (boilerplate lines, re-joined
  paragraphs), :mod:`~newsdedup.text.lines` (the shape of one line) and :mod:`~newsdedup.text.dates`
  (timestamps and zones);
- :mod:`~newsdedup.text.boilerplate`: fixed boilerplate patterns and per-source learned lines;
- :mod:`~newsdedup.text.normalize`: the matching text dedup and clustering compare;
- :mod:`~newsdedup.text.kernels`: the compiled kernels behind repair, normalize and the MinHash sketches.
"""
