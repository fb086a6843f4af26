"""The compiled-template cache of the report's Jinja environment (report/_render.py)."""

from __future__ import annotations

from pathlib import Path

import jinja2
import jinja2.bccache
import pytest

from claimaudit.report import _render


def _compiles(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []
    real = jinja2.Environment.compile

    def counted(self, source, name=None, filename=None, raw=False, defer_init=False):
        seen.append(name)
        return real(self, source, name, filename, raw, defer_init)

    monkeypatch.setattr(jinja2.Environment, "compile", counted)
    return seen


def test_templates_are_compiled_once_and_render_the_same_from_the_cache(
    isolated_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = _compiles(monkeypatch)
    name = "fragments/unavailable.html.j2"
    _render.environment.cache_clear()
    try:
        context = {"what": "OONI <data>", "why": _render.linked_text("see https://ooni.org/ & more")}
        first = _render.environment().get_template(name).render(**context)
        # it and the macros it imports, compiled and kept
        assert seen == [name, "fragments/_macros.html.j2"]
        assert len(list((isolated_cache / "templates").rglob("*.cache"))) == 2
        # a new environment (as after the re-import in a warm kernel) loads it, compiles nothing
        _render.environment.cache_clear()
        again = _render.environment().get_template(name).render(**context)
        assert seen == [name, "fragments/_macros.html.j2"]
        assert again == first and "OONI &lt;data&gt;" in again and 'href="https://ooni.org/"' in again
    finally:
        _render.environment.cache_clear()


def test_an_edited_template_is_compiled_again_and_a_damaged_cache_file_is_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = _compiles(monkeypatch)
    (tmp_path / "t").mkdir()
    template = tmp_path / "t" / "synthetic.html.j2"
    template.write_text("<p>{{ x }}</p>", encoding="utf-8")
    cache = _render._CompiledTemplates(str(tmp_path / "cache"))

    def render() -> str:
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(tmp_path / "t"), bytecode_cache=cache, autoescape=True)
        return env.get_template("synthetic.html.j2").render(x="<b>")

    assert render() == "<p>&lt;b&gt;</p>" and len(seen) == 1
    assert render() == "<p>&lt;b&gt;</p>" and len(seen) == 1
    template.write_text("<div>{{ x }}</div>", encoding="utf-8")
    assert render() == "<div>&lt;b&gt;</div>" and len(seen) == 2
    (kept,) = (tmp_path / "cache").glob("*.cache")
    kept.write_bytes(b"synthetic damage")  # not even Jinja's version mark
    assert render() == "<div>&lt;b&gt;</div>" and len(seen) == 3
    # Jinja's version mark intact, what follows it damaged (Jinja itself would raise here)
    kept.write_bytes(kept.read_bytes()[: len(jinja2.bccache.bc_magic)] + b"synthetic damage")
    assert render() == "<div>&lt;b&gt;</div>" and len(seen) == 4


def test_a_cache_folder_that_cannot_be_made_only_costs_the_compiling(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a-file").write_text("not a folder\n", encoding="utf-8")
    monkeypatch.setenv("CLAIMAUDIT_CACHE", str(tmp_path / "a-file" / "cache"))
    _render.environment.cache_clear()
    try:
        page = (
            _render.environment()
            .get_template("fragments/unavailable.html.j2")
            .render(what="x &", why=_render.linked_text("y"))
        )
        assert "x &amp;" in page
        assert not (tmp_path / "a-file" / "cache").exists()
    finally:
        _render.environment.cache_clear()
