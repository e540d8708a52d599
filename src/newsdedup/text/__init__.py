"""Pure text stages: bytes -> text -> parsed article -> matching text, and their kernels."""
