"""Which periods a chart's axis names: every k-th, chosen from the room and the longest name, and the latest."""

import pytest

from indicators.charts.axis import label_step, label_width, named_periods


def test_the_width_follows_the_longest_name_and_the_font_size():
    assert label_width(["2023", "2023 jan-jun"], 10) == pytest.approx((12 * 0.62 + 0.75) * 10)
    assert label_width([], 10) == pytest.approx(7.5)


@pytest.mark.parametrize(
    "count, slot, width, step",
    [
        (5, 100, 60, 1),  # room for every name
        (16, 44, 97, 3),  # three slots are needed, and 3 divides the 15 steps to the latest period
        (16, 31.5, 98, 5),  # four would fit; five ends on the latest and is at most half as large again
        (24, 21, 98, 5),  # 23 steps: no divisor close by, so the smallest step that fits
        (36, 14, 58, 5),
        (1, 10, 100, 1),
    ],
)
def test_the_step_keeps_names_apart(count, slot, width, step):
    assert label_step(count, slot, width) == step
    assert step * slot >= width or step == 1 and count < 2


@pytest.mark.parametrize(
    "count, step, indexes",
    [
        (16, 3, [0, 3, 6, 9, 12, 15]),
        (24, 5, [0, 5, 10, 15, 23]),  # 20 would stand 3 from the latest: it gives way
        (22, 5, [0, 5, 10, 15, 21]),  # 20 would stand 1 from the latest: it gives way
        (4, 1, [0, 1, 2, 3]),
        (3, 5, [2]),  # not even the first fits beside the latest
        (0, 1, []),
    ],
)
def test_the_first_and_the_latest_are_named_and_no_two_closer_than_the_step(count, step, indexes):
    named = named_periods(count, step)
    assert named == indexes
    assert all(right - left >= step for left, right in zip(named, named[1:]))
