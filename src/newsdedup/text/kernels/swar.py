"""Eight bytes at a time (SWAR, "SIMD within a register"): the word load and the masks of the byte tests that
the scanning kernels share."""

from __future__ import annotations

import numpy as np

from newsdedup.jit import njit

__all__ = ["HIGH_BITS", "ONES_X01", "ONES_X20", "ONES_X21", "ONES_X26", "load8"]

#: Every byte 0x01, 0x20, 0x21 or 0x26 (for "is a byte below c" tests), and every byte's high bit.
ONES_X01 = np.uint64(0x0101010101010101)
ONES_X20 = np.uint64(0x2020202020202020)
ONES_X21 = np.uint64(0x2121212121212121)
ONES_X26 = np.uint64(0x2626262626262626)
HIGH_BITS = np.uint64(0x8080808080808080)


@njit
def load8(buf: np.ndarray, pos: int) -> np.uint64:
    """Bytes ``pos:pos + 8`` of ``buf`` as a little-endian uint64 (compiles to one unaligned load).

    The index is unsigned on purpose: with a signed one numba adds a negative-index check to each of the
    eight byte reads, which keeps LLVM from merging them into one load."""
    p = np.uint64(pos)
    return (
        np.uint64(buf[p])
        | (np.uint64(buf[p + np.uint64(1)]) << np.uint64(8))
        | (np.uint64(buf[p + np.uint64(2)]) << np.uint64(16))
        | (np.uint64(buf[p + np.uint64(3)]) << np.uint64(24))
        | (np.uint64(buf[p + np.uint64(4)]) << np.uint64(32))
        | (np.uint64(buf[p + np.uint64(5)]) << np.uint64(40))
        | (np.uint64(buf[p + np.uint64(6)]) << np.uint64(48))
        | (np.uint64(buf[p + np.uint64(7)]) << np.uint64(56))
    )
