"""nbconvert's last step of an HTML export, without building a BeautifulSoup tree.

nbconvert 7's ``HTMLExporter.from_notebook_node`` renders its template, parses the page with
``BeautifulSoup(html, features="html.parser")``, gives ``img`` without ``alt`` a placeholder alt text
and the notebook's input/output areas ``tabindex="0"``, and returns ``str(soup)``: that round trip
rewrites the whole page (attributes sorted, entities decoded and re-escaped, void elements closed with
``/>``, blank text collapsed). For a run's ten pages it costs ~1.5 s of CPU, most of the export.

:func:`reserialize` writes the same string in one pass: Beautiful Soup's own parser class
(``BeautifulSoupHTMLParser``, so tokens, character references, duplicate attributes and void elements
are handled by its code) feeds a stream that keeps only the stack of open tags and writes each piece as
``Tag.decode`` would. It is used only with the Beautiful Soup and nbconvert versions it was checked
against (:data:`CHECKED`); tests compare it with ``str(BeautifulSoup(...))`` on every published page
and on markup chosen to hit each rule.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

#: (beautifulsoup4, nbconvert) versions whose behaviour :func:`reserialize` reproduces.
CHECKED = (("4.15.0", "7.17.2"),)

MISSING_ALT = "No description has been provided for this image"
_ASCII_SPACES = "\x20\x0a\x09\x0c\x0d"  # BeautifulSoup.ASCII_SPACES
_FOCUSABLE = ("jp-Cell-inputWrapper", "jp-OutputArea-output")  # under .jp-Notebook, on a div


def supported() -> bool:
    """Whether the installed Beautiful Soup and nbconvert are the versions :func:`reserialize` copies."""
    import bs4
    import nbconvert

    return (bs4.__version__, nbconvert.__version__) in CHECKED


class _Opened:
    """What ``is_empty_element`` of the tag just opened answers (Beautiful Soup's parser asks it)."""

    __slots__ = ("is_empty_element",)

    def __init__(self, empty: bool) -> None:
        self.is_empty_element = empty


class _Stream:
    """The subset of ``BeautifulSoup``'s tree-building API that its html.parser driver calls,
    writing the document as ``str(soup)`` would instead of building it."""

    def __init__(self, builder: Any) -> None:
        from bs4.dammit import EntitySubstitution
        from bs4.element import CharsetMetaAttributeValue, ContentMetaAttributeValue

        self.builder = builder
        self.contains_replacement_characters = False
        self.current_data: list[str] = []
        self.out: list[str] = []
        self.missing_alt = 0
        self._stack: list[tuple[str, bool, bool]] = []  # name, void, has class jp-Notebook
        self._open: Counter[str] = Counter()
        self._preserve = 0  # open <pre>/<textarea>
        self._notebooks = 0  # open elements of class jp-Notebook
        self._escape = EntitySubstitution.substitute_xml
        self._quote = EntitySubstitution.quoted_attribute_value
        self._charset = CharsetMetaAttributeValue
        self._content = ContentMetaAttributeValue
        self._preserving = builder.preserve_whitespace_tags
        self._raw_text = {"script", "style"}  # HTMLFormatter's cdata_containing_tags

    # --- what BeautifulSoupHTMLParser calls ------------------------------------------------------

    def handle_starttag(self, name: str, namespace: Any, nsprefix: Any, attrs: Any, **_where: Any) -> _Opened:
        self.endData()
        builder = self.builder
        # Tag.__init__: multi-valued attributes (class, rel, ...) become lists; <meta> charsets
        attrs = builder._replace_cdata_list_attribute_values(name, attrs) if attrs else {}
        if name == "meta":
            charset = attrs.get("charset")
            equiv = attrs.get("http-equiv")
            equiv = [] if equiv is None else equiv if isinstance(equiv, list) else [equiv]
            if charset is not None:
                attrs["charset"] = self._charset(charset)
            elif attrs.get("content") is not None and any(x.lower() == "content-type" for x in equiv):
                attrs["content"] = self._content(attrs["content"])
        classes = attrs.get("class", ())
        if isinstance(classes, str):
            classes = classes.split()
        # HTMLExporter's soup.select(...) edits
        if name == "img" and "alt" not in attrs:
            attrs["alt"] = MISSING_ALT
            self.missing_alt += 1
        if name == "div" and self._notebooks and any(c in classes for c in _FOCUSABLE):
            attrs["tabindex"] = "0"
        void = builder.can_be_empty_element(name)
        self.out.append(self._start(name, attrs, void))
        notebook = "jp-Notebook" in classes
        self._stack.append((name, void, notebook))
        self._open[name] += 1
        if name in self._preserving:
            self._preserve += 1
        if notebook:
            self._notebooks += 1
        return _Opened(void)

    def handle_endtag(self, name: str, nsprefix: Any = None) -> None:
        self.endData()
        # BeautifulSoup._popToTag: close up to the most recent open tag of that name, if any
        while self._stack and self._open.get(name):
            if self._pop() == name:
                break

    def handle_data(self, data: str) -> None:
        self.current_data.append(data)

    def endData(self, container: Any = None) -> None:
        if not self.current_data:
            return
        data = "".join(self.current_data)
        self.current_data = []
        if not self._preserve and not data.strip(_ASCII_SPACES):
            data = "\n" if "\n" in data else " "
        if container is not None:  # comment, doctype, CDATA, declaration, processing instruction
            self.out.append(container.PREFIX + data + container.SUFFIX)
        elif self._stack and self._stack[-1][0] in self._raw_text:
            self.out.append(data)
        else:
            self.out.append(self._escape(data))

    # --- writing -----------------------------------------------------------------------------------

    def _pop(self) -> str:
        name, void, notebook = self._stack.pop()
        self._open[name] -= 1
        if name in self._preserving:
            self._preserve -= 1
        if notebook:
            self._notebooks -= 1
        if not void:
            self.out.append(f"</{name}>")
        return name

    def _start(self, name: str, attrs: dict[str, Any], void: bool) -> str:
        # Tag._format_tag with the "minimal" formatter and eventual_encoding="utf-8"
        parts = []
        for key, value in sorted(attrs.items()):
            if isinstance(value, (list, tuple)):
                value = " ".join(value)
            elif not isinstance(value, str):
                value = str(value)
            elif isinstance(value, (self._charset, self._content)):
                value = value.substitute_encoding("utf-8")
            parts.append(f"{key}={self._quote(self._escape(value))}")
        attributes = " " + " ".join(parts) if parts else ""
        return f"<{name}{attributes}{'/' if void else ''}>"

    def close(self) -> str:
        # BeautifulSoup._feed's end: the last text, then every tag still open
        self.endData()
        while self._stack:
            self._pop()
        return "".join(self.out)


def reserialize(html: str) -> tuple[str, int]:
    """``str(soup)`` of nbconvert's ``BeautifulSoup(html, features="html.parser")`` after its
    ``select`` edits, and how many images got the placeholder alt text."""
    from bs4.builder._htmlparser import BeautifulSoupHTMLParser, HTMLParserTreeBuilder

    builder = HTMLParserTreeBuilder()
    builder.store_line_numbers = False  # positions are not written
    stream = _Stream(builder)
    args, kwargs = builder.parser_args
    parser = BeautifulSoupHTMLParser(stream, *args, **kwargs)
    parser.feed(html)
    parser.close()
    return stream.close(), stream.missing_alt
