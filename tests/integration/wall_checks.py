"""What the wall's layout tests measure in the DOM, as one script (also used to look at a live wall by hand)."""

from pathlib import Path

# Returns {scroll, overflow, clipped, overlap, small, fill, unfit}: lists of offenders (text, sizes) and the share
# of the screen covered by the header, tiles and panels. `u` is one pixel of a 1080-line screen.
CHECK_JS = (Path(__file__).with_name("wall_checks.js")).read_text(encoding="utf-8")


def set_viewport(driver, width: int, height: int) -> None:
    """Make the page's viewport (not the window) width × height: headless Chromium's window has chrome of its own,
    and `vh` units follow the real viewport, so emulating a size would not test the stylesheet."""
    driver.set_window_size(width, height)
    inner_w, inner_h = driver.execute_script("return [window.innerWidth, window.innerHeight];")
    driver.set_window_size(width + (width - inner_w), height + (height - inner_h))
