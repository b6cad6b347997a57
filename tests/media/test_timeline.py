"""Times of turns (`media.timeline`): the transcript's own times kept, the others
interpolated by character offset between timed neighbours, extrapolated with the
recording's duration or the neighbouring pace, spread over the recording when the
transcript has none; and the time of a character offset."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from workbench.media.timeline import CHARS_PER_SECOND, fill_times, time_at

NAN = math.nan


def turns(rows: list[tuple[int, int, float | None, float | None]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["start", "end", "t_start", "t_end"])


def test_measured_times_are_kept_and_not_flagged() -> None:
    frame = turns([(0, 10, 0.0, 2.0), (11, 30, 2.5, 6.0)])
    out = fill_times(frame, duration=10.0)
    assert out[["t_start", "t_end"]].values.tolist() == [[0.0, 2.0], [2.5, 6.0]]
    assert not out["interpolated"].any()
    assert frame["t_start"].tolist() == [0.0, 2.5]  # the input is not changed


def test_a_turn_between_two_timed_ones_is_placed_by_characters() -> None:
    # Anchors: offset 10 at 2 s (end of the first), offset 110 at 12 s (start of the third):
    # 0.1 s per character in between.
    frame = turns([(0, 10, 0.0, 2.0), (20, 60, None, None), (110, 120, 12.0, 13.0)])
    out = fill_times(frame)
    assert out.loc[1, "t_start"] == pytest.approx(3.0)
    assert out.loc[1, "t_end"] == pytest.approx(7.0)
    assert out["interpolated"].tolist() == [False, True, False]


def test_several_untimed_turns_share_the_gap_in_proportion() -> None:
    frame = turns([(0, 10, 0.0, 1.0), (10, 20, NAN, NAN), (20, 50, NAN, NAN),
                   (50, 60, 5.0, 6.0)])
    out = fill_times(frame)
    assert out["t_start"].tolist() == pytest.approx([0.0, 1.0, 2.0, 5.0])
    assert out["t_end"].tolist() == pytest.approx([1.0, 2.0, 5.0, 6.0])


def test_a_turn_timed_by_its_start_only_gets_its_end_estimated() -> None:
    # Text with [hh:mm:ss] marks: starts only.
    frame = turns([(0, 40, 0.0, None), (50, 90, 10.0, None)])
    out = fill_times(frame, duration=20.0)
    assert out.loc[0, "t_start"] == 0.0  # measured, kept
    assert out.loc[0, "t_end"] == pytest.approx(8.0)  # 40/50 of the way to 10 s
    assert out.loc[1, "t_end"] == pytest.approx(20.0)  # the end of the recording
    assert out["interpolated"].all()  # each row has an estimated time
    # ... but each start is the mark's: only the ends are estimates
    assert not out["start_interpolated"].any() and out["end_interpolated"].all()
    # a passage from a marked start is measured at its start, estimated at its end
    assert time_at(out, 50, side="start") == (10.0, False)
    assert time_at(out, 90, side="end") == (pytest.approx(20.0), True)


def test_before_the_first_and_after_the_last_timed_turn_with_a_duration() -> None:
    frame = turns([(0, 20, None, None), (20, 40, 10.0, 12.0), (40, 80, None, None)])
    out = fill_times(frame, duration=30.0)
    assert out.loc[0, ["t_start", "t_end"]].tolist() == pytest.approx([0.0, 10.0])
    assert out.loc[2, ["t_start", "t_end"]].tolist() == pytest.approx([12.0, 30.0])
    assert out["interpolated"].tolist() == [True, False, True]


def test_without_a_duration_the_neighbouring_pace_carries_on() -> None:
    # The timed turn speaks 20 characters in 4 s: 0.2 s per character.
    frame = turns([(0, 10, None, None), (10, 30, 5.0, 9.0), (30, 40, None, None)])
    out = fill_times(frame)
    assert out.loc[0, ["t_start", "t_end"]].tolist() == pytest.approx([3.0, 5.0])
    assert out.loc[2, ["t_start", "t_end"]].tolist() == pytest.approx([9.0, 11.0])


def test_extrapolation_never_goes_below_zero() -> None:
    frame = turns([(0, 100, None, None), (100, 110, 1.0, 2.0)])
    out = fill_times(frame)
    assert out.loc[0, "t_start"] == 0.0


def test_a_single_time_and_no_pace_uses_the_default_pace() -> None:
    frame = turns([(0, 30, 0.0, None), (30, 60, None, None)])
    out = fill_times(frame)
    assert out.loc[1, "t_end"] == pytest.approx(60 / CHARS_PER_SECOND)


def test_a_recording_shorter_than_the_transcript_is_not_used_for_the_tail() -> None:
    frame = turns([(0, 10, 0.0, 2.0), (10, 20, 2.0, 40.0), (20, 30, None, None)])
    out = fill_times(frame, duration=30.0)  # the transcript says 40 s: the file is cut
    assert out.loc[2, "t_start"] == pytest.approx(40.0)
    assert out.loc[2, "t_end"] > 40.0


def test_no_time_at_all_is_spread_over_the_duration_by_length() -> None:
    frame = turns([(0, 10, None, None), (10, 40, None, None)])
    out = fill_times(frame, duration=8.0)
    assert out["t_start"].tolist() == pytest.approx([0.0, 2.0])
    assert out["t_end"].tolist() == pytest.approx([2.0, 8.0])
    assert out["interpolated"].all()


def test_no_time_and_no_duration_stays_untimed() -> None:
    out = fill_times(turns([(0, 10, None, None)]), duration=None)
    assert out["t_start"].isna().all() and not out["interpolated"].any()
    assert fill_times(turns([(0, 10, None, None)]), duration=0.0)["t_start"].isna().all()


def test_an_overlap_going_back_in_time_does_not_bend_its_neighbours() -> None:
    # Turn 2 overlaps turn 1 (two speakers at once): its times go back.
    frame = turns([(0, 10, 0.0, 5.0), (11, 20, 3.0, 4.0), (21, 30, None, None),
                   (31, 40, 8.0, 9.0)])
    out = fill_times(frame)
    assert out.loc[1, ["t_start", "t_end"]].tolist() == [3.0, 4.0]  # its own, kept
    row = out.loc[2]
    assert 5.0 <= row["t_start"] <= row["t_end"] <= 8.0


def test_rows_keep_their_order_and_other_columns() -> None:
    frame = turns([(50, 60, 5.0, 6.0), (0, 10, None, None)])
    frame["speaker"] = ["B", "A"]
    out = fill_times(frame, duration=10.0)
    assert out["speaker"].tolist() == ["B", "A"]
    assert out.loc[1, "t_start"] == 0.0


def test_an_empty_frame() -> None:
    out = fill_times(turns([]), duration=3.0)
    assert out.empty and "interpolated" in out.columns


def test_time_at_an_offset() -> None:
    timeline = fill_times(turns([(0, 10, 0.0, 2.0), (20, 40, 4.0, 8.0)]))
    assert time_at(timeline, 0, side="start") == (0.0, False)
    assert time_at(timeline, 40, side="end") == (8.0, False)
    assert time_at(timeline, 30, side="start") == (pytest.approx(6.0), True)  # inside
    assert time_at(timeline, 15, side="start") == (4.0, False)  # a gap: the next start
    assert time_at(timeline, 15, side="end") == (2.0, False)  # … or the previous end
    assert time_at(timeline, 99, side="start") == (8.0, False)  # after the last turn
    with pytest.raises(ValueError):
        time_at(fill_times(turns([(0, 10, None, None)])), 5, side="start")
