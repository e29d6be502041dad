"""Colours of the wall: every status, tone and text colour legible on its dark panels (WCAG 2 AA, 4.5:1)."""

import pytest

from layouts.theme import TONE_COLORS, WALL_BG, WALL_PANEL, WALL_STATUS_COLORS, contrast_ratio


def test_contrast_ratio_of_known_pairs():
    # the two extremes and a pair worked out by hand from the WCAG relative-luminance formula
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert contrast_ratio("#ffffff", "#777777") == contrast_ratio("#777777", "#ffffff")


@pytest.mark.parametrize("background", [WALL_BG, WALL_PANEL])
def test_wall_colours_keep_4_5_to_1_on_the_dark_panels(background):
    colours = {**{f"status {k}": v for k, v in WALL_STATUS_COLORS.items() if k in
                  ("normal", "warning", "overdue", "on_time", "late", "not_started")},
               **{f"tone {k}": v for k, v in TONE_COLORS["wall"].items()}, "text": "#e8eaed"}  # fmt: skip
    weak = {name: round(contrast_ratio(c, background), 2) for name, c in colours.items()
            if contrast_ratio(c, background) < 4.5}  # fmt: skip
    assert weak == {}


def test_desk_tones_keep_4_5_to_1_on_white():
    assert all(contrast_ratio(c, "#ffffff") >= 4.5 for c in TONE_COLORS["desk"].values())


def test_count_heatmap_scale_grows_in_steps():
    from layouts.figures import _nice_ceiling

    assert [_nice_ceiling(v) for v in (0, 1, 5, 6, 11, 21, 51, 180, 201)] == [5, 5, 5, 10, 20, 50, 100, 200, 500]
