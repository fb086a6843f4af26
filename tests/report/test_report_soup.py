"""The export's one-pass page writer (report/_soup.py) writes exactly what nbconvert's BeautifulSoup
round trip writes: on markup chosen to hit each of Beautiful Soup's rules, and on whole exported pages
(claimaudit's exporter against nbconvert's own HTMLExporter with the same settings)."""

from __future__ import annotations

import base64

import pytest
from bs4 import BeautifulSoup
from nbconvert import HTMLExporter
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from claimaudit.report import _export, _soup

pytestmark = pytest.mark.skipif(not _soup.supported(), reason="another bs4/nbconvert: nbconvert's own path is used")


def nbconvert_round_trip(html: str) -> str:
    """What nbconvert 7.17.2's HTMLExporter.from_notebook_node does after its template."""
    soup = BeautifulSoup(html, features="html.parser")
    for elem in soup.select("img:not([alt])"):
        elem.attrs["alt"] = "No description has been provided for this image"
    for elem in soup.select(".jp-Notebook div.jp-Cell-inputWrapper"):
        elem.attrs["tabindex"] = "0"
    for elem in soup.select(".jp-Notebook div.jp-OutputArea-output"):
        elem.attrs["tabindex"] = "0"
    return str(soup)


MARKUP = [
    "<!DOCTYPE html>\n<html><head><meta charset='UTF-8'><title>a &amp; b</title></head><body></body></html>",
    '<meta http-equiv="Content-Type" content="text/html; charset=latin-1"><meta name="x" content="y">',
    '<p class="  b   a " id=x data-z="1" title=\'say "hi"\' alt="it\'s &quot;so&quot;">text</p>',
    "<div><p>unclosed <b>bold <i>both</b> after</div> trailing",
    "<br><br/></br><img src=a.png><img src=b.png alt=''><hr><input disabled><p/>x",
    "</p>stray end tags</span><div></div></div>",
    "<pre>\n\n  kept   \n</pre>\n\n   \n<textarea>  </textarea><span>   </span><span>\n \n</span>",
    "<script>if (a < b && c > d) { x = '</div>'; }</script><style>p > a { content: '&amp;'; }</style>",
    "<p>&lt;tag&gt; &amp;amp; &nbsp;&copy;&#169;&#xA9;&#0;&#128;&#99999999;&unknown; &amp</p>",
    "<!-- a comment --><!----><!--   --><![CDATA[raw <x>]]><?php echo 1 ?><!ELEMENT br EMPTY>",
    '<p a="1" a="2" B="3">duplicate and upper-case attributes</p><DIV CLASS="Up">upper</DIV>',
    '<div class="jp-Notebook"><div class="jp-Cell jp-Cell-inputWrapper">in</div>'
    '<section><div class="jp-OutputArea-output x" tabindex="5">out</div></section></div>'
    '<div class="jp-Cell-inputWrapper">not under a notebook</div><span class="jp-OutputArea-output">span</span>',
    '<svg viewBox="0 0 10 10"><text x="1" y="2">ٹ &amp; X</text><path d="M0 0L1 1"/><foreignObject/></svg>',
    '<table><tr><td rel="a b" headers="h1  h2" accept-charset="x y">1</table><template><p>&amp;</p></template>',
    "<a href='?a=1&b=2&amp;c=3'>link</a><ruby>漢<rp>(</rp><rt>kan</rt><rp>)</rp></ruby>",
    "< not a tag <3 a<b </ > <a <b>c</b> <!doctype html>",
    "",
    "plain text only & more",
]


@pytest.mark.parametrize("html", MARKUP)
def test_the_one_pass_writer_writes_what_beautifulsoup_writes(html):
    assert _soup.reserialize(html)[0] == nbconvert_round_trip(html)


def test_it_counts_the_images_given_the_placeholder_alt_text():
    text, missing = _soup.reserialize('<img src="a.png"><img src="b.png" alt="b"><IMG SRC="c.png">')
    assert missing == 2
    assert text.count('alt="No description has been provided for this image"') == 2


def notebook():
    png = base64.b64encode(b"\x89PNG\r\n\x1a\n synthetic").decode()
    nb = new_notebook(
        cells=[
            new_markdown_cell("# A *synthetic* page\n\nText with `code`, a [link](https://example.org/?a=1&b=2)"),
            new_markdown_cell("| a | b |\n|---|---|\n| 1 < 2 | x & y |\n\n<div class='note'>raw html</div>"),
            new_code_cell(
                "x = {'a': 1}  # synthetic\nprint('<b>')",
                execution_count=1,
                outputs=[
                    new_output("stream", name="stdout", text="<b>\n  spaced   out\n"),
                    new_output(
                        "display_data",
                        data={"text/html": "<table><tr><td>1</td></tr></table>", "text/plain": "table"},
                    ),
                    new_output("display_data", data={"image/png": png, "text/plain": "img"}),
                    new_output("execute_result", data={"text/plain": "{'a': 1}"}, execution_count=1),
                ],
            ),
        ]
    )
    nb.metadata["language_info"] = {"name": "python", "pygments_lexer": "ipython3"}
    return nb


@pytest.mark.parametrize("show_code", [True, False])
def test_claimaudit_exporter_writes_what_nbconvert_own_exporter_writes(show_code):
    ours = _export._exporter(HTMLExporter, show_code=show_code)
    assert type(ours) is not HTMLExporter  # the one-pass writer is in use
    plain = HTMLExporter(
        template_name=_export.TEMPLATE,
        extra_template_basedirs=[str(_export.template_dir())],
        exclude_input=not show_code,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
    )
    meta = {"claimaudit": {"title": "t", "show_code": show_code, "lang": "en", "dir": "ltr", "t": {}}}
    fast, _ = ours.from_notebook_node(notebook(), resources={"claimaudit": dict(meta["claimaudit"])})
    slow, _ = plain.from_notebook_node(notebook(), resources={"claimaudit": dict(meta["claimaudit"])})
    assert fast == slow
    assert "spaced   out" in fast


def test_with_other_library_versions_nbconvert_own_path_is_used(monkeypatch):
    monkeypatch.setattr(_soup, "CHECKED", (("0.0", "0.0"),))
    _export._streaming.cache_clear()
    try:
        assert _export._streaming(HTMLExporter) is HTMLExporter
    finally:
        _export._streaming.cache_clear()
