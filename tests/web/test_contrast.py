"""The stylesheet's text colours meet WCAG 2.2 AA (4.5:1) on the backgrounds they are used on."""

from __future__ import annotations

import re
from pathlib import Path

import ansinh

CSS = (Path(ansinh.__file__).parent / "web" / "static" / "ansinh" / "app.css").read_text(encoding="utf-8")


def _colour(name: str) -> str:
    match = re.search(rf"--{name}:\s*(#[0-9a-fA-F]{{6}})", CSS)
    assert match, name
    return match.group(1)


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_it_uses_text_colours_with_enough_contrast():
    pairs = [
        ("text", "#ffffff"),
        ("secondary-text", "#ffffff"),
        ("link", "#ffffff"),
        ("link-visited", "#ffffff"),
        ("error", "#ffffff"),
        ("text", "panel"),
        ("secondary-text", "panel"),
        ("link", "panel"),
        ("text", "focus"),
        ("text", "warning-bg"),
        ("error", "panel"),
    ]
    for fg, bg in pairs:
        background = bg if bg.startswith("#") else _colour(bg)
        assert contrast(_colour(fg), background) >= 4.5, (fg, bg)
    # White text on the header and on the green button.
    assert contrast("#ffffff", _colour("header")) >= 4.5
    assert contrast("#ffffff", _colour("success")) >= 4.5


def test_it_shows_a_focus_style_for_every_interactive_element():
    for selector in ("a:focus", ".button:focus", "input:focus", ".link-button:focus", ".checkbox input:focus"):
        assert selector in CSS, selector
