"""A real font file for the font tests (Debian's fonts-dejavu-core comes with Chromium's
dependencies; any installed TrueType font will do)."""

from __future__ import annotations

import glob

import pytest

FONT_SCRIPT = """(family) => [document.fonts.check('16px "' + family + '"'),
    Array.from(document.fonts).filter(f => f.family.replace(/"/g, '') === family)
        .map(f => f.status),
    getComputedStyle(document.documentElement).getPropertyValue('--pg-default-font-family')
        .trim()]"""


def font_file() -> str:
    found = sorted(glob.glob("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
                   + glob.glob("/usr/share/fonts/truetype/**/*.ttf", recursive=True))
    if not found:
        pytest.fail("no TrueType font under /usr/share/fonts (apt-get install fonts-dejavu-core)",
                    pytrace=False)
    return found[0]
