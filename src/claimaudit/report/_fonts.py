"""Fonts embedded in a published page: the Urdu typefaces (and, in the Urdu edition, a Latin face
for ids, URLs and figures), subset to the characters the page shows, as woff2 in ``data:`` URLs.

A page therefore loads no font from anywhere, renders the same on a phone without Urdu fonts,
and Chromium embeds the same subsets in the PDF.

Two Urdu faces: **Noto Naskh Arabic** for running text, tables and charts (``claimaudit-urdu``)
and **Noto Nastaliq Urdu** for headings (``claimaudit-urdu-display``). Nastaliq is the script
Urdu readers expect, but its stacked, sloping joins come out of a PDF scrambled (pdftotext of a
Nastaliq line gives letters out of order, e.g. "گےئ" for "گئے"), so a sentence quoted from the
PDF would be wrong; Naskh copies out letter for letter and its subset is a tenth of the size.

>>> visible_text('<style>p{}</style><p>ایکس &amp; X</p><svg><text>ٹ</text></svg>')
'ایکس & Xٹ'

The text face is found, in order: ``CLAIMAUDIT_URDU_FONT=PATH``; fontconfig (``fc-match``) for
Noto Naskh Arabic, then Noto Nastaliq Urdu; known install paths (Debian's ``fonts-noto-core``,
Homebrew casks, ``~/Library/Fonts``). Subsets are cached under ``<cache>/fonts/`` by font hash and
character set. HarfBuzz's subsetter (``uharfbuzz``) computes a subset, fontTools writes it as woff2
(fontTools alone, without ``uharfbuzz``, takes seconds for Nastaliq's contextual forms).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import io
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from claimaudit import config, paths
from claimaudit._io import atomic_write
from claimaudit.errors import ClaimauditError

URDU_FAMILIES = ("Noto Naskh Arabic", "Noto Nastaliq Urdu")
DISPLAY_FAMILIES = ("Noto Nastaliq Urdu",)
LATIN_FAMILIES = ("DejaVu Sans", "Noto Sans")
_KNOWN = {
    "Noto Nastaliq Urdu": ["NotoNastaliqUrdu-Regular.ttf"],
    "Noto Naskh Arabic": ["NotoNaskhArabic-Regular.ttf"],
    "DejaVu Sans": ["DejaVuSans.ttf"],
    "Noto Sans": ["NotoSans-Regular.ttf"],
}
_FOLDERS = [
    "/usr/share/fonts/truetype/noto",
    "/usr/share/fonts/noto",
    "/usr/share/fonts/google-noto",
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/dejavu",
    "/usr/share/fonts/TTF",
    "/usr/local/share/fonts",
    "/opt/homebrew/share/fonts",
    "/Library/Fonts",
    "~/Library/Fonts",
    "~/.local/share/fonts",
]
#: Arabic-script blocks (Urdu letters, presentation forms, Arabic-Indic digits) and the joiners
#: that shape them: characters the Urdu face draws.
ARABIC_RANGES = "U+0600-06FF, U+0750-077F, U+08A0-08FF, U+FB50-FDFF, U+FE70-FEFF, U+200C-200F"
_ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufefc]")
URDU_FACE = "claimaudit-urdu"
DISPLAY_FACE = "claimaudit-urdu-display"
LATIN_FACE = "claimaudit-latin"
INSTALL_HINT = (
    "install Debian's fonts-noto-core (`apt-get install fonts-noto-core`; other systems: see README, "
    "'Urdu fonts') or set CLAIMAUDIT_URDU_FONT=/path/to/NotoNastaliqUrdu-Regular.ttf"
)


_HEADINGS = ("h1", "h2", "h3")
#: attributes whose text a reader sees: ``data-label`` (``content: attr(data-label)``), ``alt``
_SHOWN_ATTRIBUTES = ("data-label", "alt")


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.headings: list[str] = []
        self._skip = 0
        self._heading = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in ("style", "script", "title"):
            self._skip += 1
        elif tag in _HEADINGS:
            self._heading += 1
        # text the stylesheet shows from attributes (a phone's and a printed card's labels)
        self.parts.extend(value for name, value in attrs if name in _SHOWN_ATTRIBUTES and value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script", "title") and self._skip:
            self._skip -= 1
        elif tag in _HEADINGS and self._heading:
            self._heading -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)
            if self._heading:
                self.headings.append(data)


def _parse(html: str) -> _Text:
    parser = _Text()
    parser.feed(html)
    parser.close()
    return parser


def visible_text(html: str) -> str:
    """The text a reader can see in ``html`` (text nodes, SVG text included; no CSS, no scripts)."""
    return "".join(_parse(html).parts)


def heading_text(html: str) -> str:
    """The text of the page's ``h1``–``h3`` headings (drawn in the display face)."""
    return "".join(_parse(html).headings)


def _fc_match(family: str) -> Path | None:
    """The file fontconfig gives for ``family`` (regular style), if it is that family.

    Asked once per process and fontconfig setting: every chart of a report edition measures its
    text in the page's fonts (:func:`claimaudit.report._finding_charts.fit_svg_text`), and each
    ``fc-match`` is a fork of the whole kernel. A remembered file that is gone is asked again."""
    setting = tuple(os.environ.get(name) for name in ("FONTCONFIG_FILE", "FONTCONFIG_PATH", "PATH"))
    found = _fc_match_once(family, setting)
    if found is not None and not found.is_file():
        _fc_match_once.cache_clear()
        found = _fc_match_once(family, setting)
    return found


@functools.lru_cache(maxsize=64)
def _fc_match_once(family: str, setting: tuple[str | None, ...]) -> Path | None:
    if not shutil.which("fc-match"):
        return None
    try:
        done = subprocess.run(
            ["fc-match", "-f", "%{family}\n%{file}", f"{family}:style=Regular"],
            capture_output=True,
            text=True,
            timeout=20,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    lines = done.stdout.splitlines()
    if done.returncode == 0 and len(lines) >= 2 and family.lower() in lines[0].lower() and Path(lines[1]).is_file():
        return Path(lines[1])
    return None


def find_font(families: tuple[str, ...]) -> Path | None:
    """The first of ``families`` installed on this machine (fontconfig, then known paths)."""
    for family in families:
        found = _fc_match(family)
        if found:
            return found
        for folder in _FOLDERS:
            for name in _KNOWN.get(family, []):
                candidate = Path(folder).expanduser() / name
                if candidate.is_file():
                    return candidate
    return None


class FontMissing(ClaimauditError):
    """No Urdu font on this machine (or ``CLAIMAUDIT_URDU_FONT`` is not a file)."""


def urdu_font() -> Path:
    """The Urdu font file to embed; :class:`FontMissing` says how to get one."""
    env = config.get("CLAIMAUDIT_URDU_FONT")
    if env:
        if Path(env).is_file():
            return Path(env)
        raise FontMissing(f"CLAIMAUDIT_URDU_FONT={env} is not a file; {INSTALL_HINT}")
    found = find_font(URDU_FAMILIES)
    if found is None:
        raise FontMissing(f"no Urdu font (Noto Naskh Arabic or Noto Nastaliq Urdu) found; {INSTALL_HINT}")
    return found


def display_font() -> Path | None:
    """The Urdu heading face (Noto Nastaliq Urdu), or None (headings then use the text face)."""
    return find_font(DISPLAY_FAMILIES)


@functools.cache
def _digest(path: Path, stamp: tuple[int, int]) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def subset_woff2(font: Path, characters: str) -> bytes:
    """``font`` cut down to what ``characters`` need (with every contextual form and mark the
    shaping of those characters can reach), as woff2; cached by font hash and character set."""
    chars = "".join(sorted(set(characters)))
    info = font.stat()
    key = hashlib.sha256(f"{_digest(font, (info.st_mtime_ns, info.st_size))}\n{chars}".encode()).hexdigest()[:32]
    cached = paths.cache_dir() / "fonts" / f"{key}.woff2"
    if cached.is_file():
        return cached.read_bytes()
    data = _subset(font, chars)
    try:
        with atomic_write(cached, "wb") as fh:
            fh.write(data)
    except OSError:  # a read-only cache is no reason not to publish
        pass
    return data


def _subset(font: Path, chars: str) -> bytes:
    """HarfBuzz's subsetter (``uharfbuzz``, the one font services use) computes the subset: the
    glyphs of ``chars`` with every contextual form and mark their shaping can reach (the same glyph
    set and cmap as fontTools' subsetter, in a hundredth of the time for Noto Nastaliq Urdu's
    contextual chains), every layout feature and name record kept (licence, OFL), no hinting;
    fontTools writes it as woff2. Without ``uharfbuzz``, fontTools' own subsetter does both."""
    import logging

    from fontTools.ttLib import TTFont

    logging.getLogger("fontTools").setLevel(logging.ERROR)  # "FFTM NOT subset" and the like
    # the table packer fontTools uses when it writes: its own, also when uharfbuzz is installed
    cfg = {"fontTools.ttLib.tables.otBase:USE_HARFBUZZ_REPACKER": False}
    try:
        import uharfbuzz as hb
    except ImportError:
        hb = None
    if hb is not None:
        keep = hb.SubsetInput()
        for ch in chars:
            keep.unicode_set.add(ord(ch))
        for every in (hb.SubsetInputSets.LAYOUT_FEATURE_TAG, hb.SubsetInputSets.NAME_ID):
            wanted = keep.sets(every)
            wanted.clear()
            wanted.invert()  # the empty set inverted: all of them
        keep.flags = hb.SubsetFlags.NO_HINTING | hb.SubsetFlags.NOTDEF_OUTLINE
        cut = hb.subset(hb.Face(hb.Blob.from_file_path(str(font))), keep)
        if cut is None:
            raise ClaimauditError(
                f"{font}: HarfBuzz could not subset this font; set CLAIMAUDIT_URDU_FONT to another one"
            )
        face = TTFont(io.BytesIO(bytes(cut.blob.data)), cfg=cfg)
    else:
        from fontTools import subset

        options = subset.Options()
        options.flavor = "woff2"
        options.layout_features = ["*"]
        options.name_IDs = ["*"]  # keep the licence and the name (OFL)
        options.hinting = False
        options.notdef_outline = True
        face = TTFont(str(font), cfg=cfg)
        subsetter = subset.Subsetter(options)
        subsetter.populate(text=chars)
        subsetter.subset(face)
    out = io.BytesIO()
    face.flavor = "woff2"
    face.save(out)
    return out.getvalue()


@dataclass(frozen=True)
class Embedded:
    """What :func:`embed_fonts` put in a page."""

    css: str
    urdu_font: Path | None
    display_font: Path | None
    latin_font: Path | None
    bytes_added: int
    missing: str | None = None  # why the Urdu face could not be embedded


def font_css(text: str, *, latin: bool = False, headings: str = "") -> Embedded:
    """``@font-face`` rules for the Urdu faces (Arabic-script characters of ``text`` only, by
    ``unicode-range``; the display face only for those of ``headings``) and, when ``latin``, a
    Latin face for the rest. Empty CSS when ``text`` has no Urdu and ``latin`` is False."""
    arabic = "".join(sorted(set(_ARABIC.findall(text))))
    rules: list[str] = []
    urdu_path = display_path = latin_path = None
    missing = None
    # joiners and the Arabic comma/full stop shape with the letters
    shaping = "\u200c\u200d\u060c\u06d4"
    if arabic:
        try:
            urdu_path = urdu_font()
        except FontMissing as exc:
            missing = str(exc)
        if urdu_path is not None:
            # Naskh sits small beside Latin at the same font-size: drawn 12 % larger
            rules.append(
                _face(
                    URDU_FACE,
                    subset_woff2(urdu_path, arabic + shaping),
                    ARABIC_RANGES,
                    size_adjust="112%" if "Naskh" in urdu_path.name else None,
                )
            )
            in_headings = "".join(sorted(set(_ARABIC.findall(headings))))
            display_path = display_font() if in_headings else None
            if display_path is not None and display_path != urdu_path:
                rules.append(_face(DISPLAY_FACE, subset_woff2(display_path, in_headings + shaping), ARABIC_RANGES))
            else:
                display_path = None
    if latin:
        other = "".join(sorted({c for c in text if not _ARABIC.match(c) and c.isprintable() and not c.isspace()}))
        latin_path = find_font(LATIN_FAMILIES)
        if latin_path is not None and other:
            rules.append(_face(LATIN_FACE, subset_woff2(latin_path, other + " "), None))
    css = "\n".join(rules)
    return Embedded(css, urdu_path, display_path, latin_path, len(css), missing)


def _face(family: str, data: bytes, ranges: str | None, *, size_adjust: str | None = None) -> str:
    url = "data:font/woff2;base64," + base64.b64encode(data).decode("ascii")
    extra = f" unicode-range: {ranges};" if ranges else ""
    extra += f" size-adjust: {size_adjust};" if size_adjust else ""
    return f'@font-face {{ font-family: "{family}"; src: url({url}) format("woff2"); font-display: block;{extra} }}'


_HEAD_END = re.compile(r"</head>", re.IGNORECASE)


def embed_fonts(html: str, *, latin: bool = False) -> tuple[str, Embedded]:
    """``html`` with its fonts embedded in a ``<style>`` before ``</head>`` (nothing added when it
    shows no Urdu and ``latin`` is False). The page's CSS names the faces
    (``claimaudit-urdu``, ``claimaudit-latin``) in its font stacks; without an Urdu font the page
    keeps the system-font fallback and :attr:`Embedded.missing` says why."""
    parsed = _parse(html)
    embedded = font_css("".join(parsed.parts), latin=latin, headings="".join(parsed.headings))
    if not embedded.css:
        return html, embedded
    style = f'<style id="ca-fonts">\n{embedded.css}\n</style>\n'
    match = _HEAD_END.search(html)
    if match is None:
        return style + html, embedded
    return html[: match.start()] + style + html[match.start() :], embedded
