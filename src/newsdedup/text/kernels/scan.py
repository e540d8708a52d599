"""Compiled kernel for text repair: one pass that tells which repairs a text needs
(:func:`newsdedup.text.repair.repair_text` skips every step a clean text does not need)."""

from __future__ import annotations

import numpy as np

from newsdedup.jit import njit
from newsdedup.text.kernels.swar import HIGH_BITS, ONES_X01, ONES_X20, ONES_X26, load8

__all__ = ["SCAN_AMPERSAND", "SCAN_CONTROL", "SCAN_CR", "SCAN_LINE_SEP", "SCAN_MOJIBAKE", "scan_text"]

# scan_text flags
SCAN_CR = 1  # "\r"
SCAN_LINE_SEP = 2  # U+2028 / U+2029
SCAN_MOJIBAKE = 4  # one of the mojibake markers "Ã", "Â", "â€", "ï»¿"
SCAN_CONTROL = 8  # a character repair_text deletes: C0 (not \t \n \r), DEL, C1, surrogate, U+FEFF/FFFE/FFFF
SCAN_AMPERSAND = 16  # "&" (a possible HTML entity)


@njit
def scan_text(buf: np.ndarray) -> int:  # pragma: no cover - compiled
    """One pass over UTF-8 bytes (lone surrogates encoded with "surrogatepass"): the SCAN_* flags of what
    the text contains, so clean text skips every repair step at once."""
    flags = 0
    n = len(buf)
    i = 0
    while i < n:
        # skip 8 bytes at a time while all are printable ASCII other than "&" (the common case): flag bytes
        # below 0x20, at or above 0x7F, or equal to 0x26, with the usual SWAR tests
        if i + 8 <= n:
            w = load8(buf, i)
            low = (w - ONES_X20) & ~w & HIGH_BITS
            high = ((w + ONES_X01) | w) & HIGH_BITS
            amp = w ^ ONES_X26
            amp = (amp - ONES_X01) & ~amp & HIGH_BITS
            if (low | high | amp) == 0:
                i += 8
                continue
        j = i
        c = buf[j]
        i += 1
        if c >= 0x20 and c < 0x7F:
            if c == 0x26:
                flags |= SCAN_AMPERSAND
            continue
        if c < 0x80:
            if c == 0x0D:
                flags |= SCAN_CR
            elif c != 0x09 and c != 0x0A:
                flags |= SCAN_CONTROL
            continue
        c1 = buf[j + 1] if j + 1 < n else 0
        if c == 0xC2:
            if c1 >= 0x80 and c1 <= 0x9F:
                flags |= SCAN_CONTROL
        elif c == 0xC3:
            if c1 == 0x83 or c1 == 0x82:
                flags |= SCAN_MOJIBAKE
            elif (
                j + 4 < n and c1 == 0xA2 and buf[j + 2] == 0xE2 and buf[j + 3] == 0x82 and buf[j + 4] == 0xAC
            ):
                flags |= SCAN_MOJIBAKE  # "â€"
            elif (
                j + 5 < n
                and c1 == 0xAF
                and buf[j + 2] == 0xC2
                and buf[j + 3] == 0xBB
                and buf[j + 4] == 0xC2
                and buf[j + 5] == 0xBF
            ):
                flags |= SCAN_MOJIBAKE  # "ï»¿"
        elif c == 0xE2:
            if c1 == 0x80 and j + 2 < n and (buf[j + 2] == 0xA8 or buf[j + 2] == 0xA9):
                flags |= SCAN_LINE_SEP
        elif c == 0xED:
            if c1 >= 0xA0:
                flags |= SCAN_CONTROL
        elif (
            c == 0xEF
            and j + 2 < n
            and (
                (c1 == 0xBB and buf[j + 2] == 0xBF)
                or (c1 == 0xBF and (buf[j + 2] == 0xBE or buf[j + 2] == 0xBF))
            )
        ):
            flags |= SCAN_CONTROL
    return flags
