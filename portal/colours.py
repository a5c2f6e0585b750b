"""Brand colours: #RRGGBB parsing and the WCAG contrast rule that keeps text readable."""

from __future__ import annotations

import re

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
TEXT_LIGHT = "#ffffff"
# Near-black rather than pure black: softer on screens, still dark enough to pass on light brands.
TEXT_DARK = "#111111"
# WCAG 2.x level AA for normal-size text.
MIN_CONTRAST = 4.5


def is_hex_colour(value: str) -> bool:
    """Tell whether the value is a #RRGGBB colour."""
    return bool(HEX_COLOUR.match(value or ""))


def relative_luminance(colour: str) -> float:
    """Return the WCAG relative luminance of a #RRGGBB colour (0 black .. 1 white)."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    red, green, blue = linear
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: str, second: str) -> float:
    """Return the WCAG contrast ratio of two #RRGGBB colours (1 .. 21)."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def best_text_colour(background: str) -> tuple[str, float]:
    """Return the text colour (white or near-black) reading best on the background, and its ratio."""
    candidates = [(text, contrast_ratio(text, background)) for text in (TEXT_LIGHT, TEXT_DARK)]
    return max(candidates, key=lambda pair: pair[1])


def readable_text_colour(background: str) -> str | None:
    """Return the text colour for the background, or None when neither reaches WCAG AA."""
    text, ratio = best_text_colour(background)
    return text if ratio >= MIN_CONTRAST else None
