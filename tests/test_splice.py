"""``splice``: a file staged from spans of the live file and new bytes is exactly their concatenation,
whatever the live file's size (its blocks are allocated for the live file's size, then cut to what
was written); nothing is staged when every part matches the live file where it would lie."""

from __future__ import annotations

from pathlib import Path

from portal.splice import PREALLOCATE_FROM, Span, splice

HEAD, TAIL = b"head:", b":tail\n"


def _live(tmp_path: Path, pieces: list[bytes]) -> Path:
    live = tmp_path / "live.json"
    live.write_bytes(HEAD + b"".join(pieces) + TAIL)
    return live


def test_a_changed_piece_is_written_the_rest_copied_and_the_file_cut_to_size(tmp_path: Path) -> None:
    pieces = [bytes([65 + i]) * (PREALLOCATE_FROM // 3) for i in range(4)]  # 4/3 MiB: allocated up front
    live = _live(tmp_path, pieces)
    spans = [Span(str(live), len(HEAD) + i * len(pieces[0]), len(pieces[0])) for i in range(4)]
    target = tmp_path / "staged.json"
    shorter = b"changed"
    assert splice(str(target), str(live), [HEAD, spans[0], shorter, spans[2], spans[3], TAIL])
    assert target.read_bytes() == HEAD + pieces[0] + shorter + pieces[2] + pieces[3] + TAIL
    longer = b"x" * (PREALLOCATE_FROM // 2)
    assert splice(str(target), str(live), [HEAD, *spans, longer, TAIL])
    assert target.read_bytes() == HEAD + b"".join(pieces) + longer + TAIL


def test_parts_the_live_file_holds_stage_nothing_and_a_missing_live_file_stages_all(tmp_path: Path) -> None:
    pieces = [b"one,", b"two,", b"three"]
    live = _live(tmp_path, pieces)
    target = tmp_path / "staged.json"
    same = [HEAD, Span(str(live), len(HEAD), 4), b"two,", Span(str(live), len(HEAD) + 8, 5), TAIL]
    assert not splice(str(target), str(live), same) and not target.exists()
    assert splice(str(target), str(live), [*same[:-1]])  # the live file is longer: staged
    assert target.read_bytes() == HEAD + b"".join(pieces)
    assert splice(str(target), str(tmp_path / "none.json"), [HEAD, b"new", TAIL])
    assert target.read_bytes() == HEAD + b"new" + TAIL


def test_without_the_kernel_copy_the_spans_are_read_and_written(tmp_path: Path, monkeypatch) -> None:
    """macOS has no ``os.copy_file_range`` (and some file systems refuse it): the same bytes result."""
    pieces = [bytes([97 + i]) * (PREALLOCATE_FROM + 7) for i in range(3)]  # spans longer than a read
    live = _live(tmp_path, pieces)
    spans = [Span(str(live), len(HEAD) + i * len(pieces[0]), len(pieces[0])) for i in range(3)]
    monkeypatch.delattr("os.copy_file_range")
    target = tmp_path / "staged.json"
    assert splice(str(target), str(live), [HEAD, spans[2], b"new", spans[0], TAIL])
    assert target.read_bytes() == HEAD + pieces[2] + b"new" + pieces[0] + TAIL
