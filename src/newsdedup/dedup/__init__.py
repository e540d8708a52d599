"""Pure duplicate detection: sketches, LSH, verification, groups and the canonical rule."""
