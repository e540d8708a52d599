"""The progress line shows only on a terminal."""

import io

from newsdedup.run.progress import Progress


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_silent_when_not_a_terminal() -> None:
    stream = io.StringIO()
    p = Progress(stream=stream, interval=0.0)
    p.update("reading records", 5, 10)
    p.clear()
    assert stream.getvalue() == ""


def test_shows_and_clears_on_a_terminal() -> None:
    stream = _Tty()
    p = Progress(stream=stream, interval=0.0)
    p.update("reading records", 5, 10)
    assert "reading records: 5/10" in stream.getvalue()
    p.clear()
    assert stream.getvalue().endswith("\r\x1b[2K")


def test_disabled_by_flag_even_on_a_terminal() -> None:
    stream = _Tty()
    Progress(enabled=False, stream=stream, interval=0.0).update("x", 1)
    assert stream.getvalue() == ""
