"""Brand colours: #RRGGBB parsing and the WCAG contrast rule that keeps text readable."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

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


@dataclass(frozen=True)
class ContrastCheck:
    """How readable the chosen text colour is on a background, as the brand page shows it."""

    background: str
    text: str
    # Rounded down to one decimal, so the figure shown never reads as passing when it does not.
    ratio: float
    passes: bool

    @property
    def text_is_light(self) -> bool:
        return self.text == TEXT_LIGHT


def contrast_check(background: str) -> ContrastCheck:
    """Return the best text colour on a #RRGGBB background, its ratio and the WCAG AA verdict."""
    text, ratio = best_text_colour(background)
    passes = ratio >= MIN_CONTRAST
    # The epsilon undoes float error (4.6 * 10 == 45.99...); a failing figure stays below 4.5.
    shown = math.floor(ratio * 10 + 1e-9) / 10
    return ContrastCheck(
        background=background.lower(),
        text=text,
        ratio=shown if passes else min(shown, MIN_CONTRAST - 0.1),
        passes=passes,
    )


def colour_variables(primary: str, accent: str) -> dict[str, str]:
    """Return the CSS custom properties of a brand's colours and of the text chosen on them."""
    return {
        "--brand": primary.lower(),
        "--brand-contrast": best_text_colour(primary)[0],
        "--accent": accent.lower(),
        "--accent-contrast": best_text_colour(accent)[0],
    }
