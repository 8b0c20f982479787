"""Every vendored file ships with its licence: each file under ``web/static/vendor/`` is listed in the folder's
README with a licence file that is there (and every licence file named is there), and the embedded fonts of the
documents carry theirs. A file dropped in without its licence fails here."""

from __future__ import annotations

import re
from pathlib import Path

import ansinh

ROOT = Path(ansinh.__file__).parent
VENDOR = ROOT / "web" / "static" / "vendor"
FONTS = ROOT / "review" / "documents" / "fonts"


def _is_licence(path: Path) -> bool:
    return bool(re.search(r"LICEN[CS]E|NOTICE", path.name, re.IGNORECASE))


def _readme_rows() -> dict[str, str]:
    """File → the README table row that lists it (first column, in backticks)."""
    rows: dict[str, str] = {}
    for line in (VENDOR / "README.md").read_text(encoding="utf-8").splitlines():
        found = re.match(r"\|\s*`([^`]+)`\s*\|", line)
        if found:
            rows[found.group(1)] = line
    return rows


def test_every_vendored_file_is_listed_with_a_licence_that_is_there() -> None:
    rows = _readme_rows()
    shipped = [p for p in VENDOR.iterdir() if p.is_file() and p.name != "README.md" and not _is_licence(p)]
    assert shipped, "the vendor folder holds the front-end libraries"
    for path in shipped:
        assert path.name in rows, f"{path.name} is not listed in vendor/README.md"
        named = re.findall(r"`([^`]+)`", rows[path.name].split("|")[4])
        licences = [n for n in named if _is_licence(Path(n))]
        assert licences, f"{path.name}: no licence file named in its README row"
        for name in licences:
            assert (VENDOR / name).is_file(), f"{path.name}: its licence {name} is missing"
            assert (VENDOR / name).stat().st_size > 100, f"{name} is not a licence text"


def test_every_licence_file_of_the_vendor_folder_belongs_to_a_listed_file() -> None:
    text = (VENDOR / "README.md").read_text(encoding="utf-8")
    for path in VENDOR.iterdir():
        if _is_licence(path):
            assert f"`{path.name}`" in text, f"{path.name} is not named in vendor/README.md"


def test_the_embedded_fonts_carry_their_licence() -> None:
    fonts = sorted(FONTS.glob("*.ttf"))
    assert fonts
    licences = [p for p in FONTS.iterdir() if _is_licence(p)]
    assert licences, "the fonts folder has no licence"
    text = " ".join(p.read_text(encoding="utf-8", errors="replace") for p in licences)
    for font in fonts:
        family = font.stem.split("-")[0].removesuffix("Sans")  # DejaVuSans-Bold → DejaVu
        assert family in text, f"{font.name}: no licence names {family}"
