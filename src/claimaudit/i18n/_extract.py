"""Finding every reader-visible message, and keeping the catalogues in step with it.

Messages come from (see :data:`SOURCES`):

- Python: calls of ``_()``, ``N_()``, ``ngettext()`` and ``gettext()`` in ``src/claimaudit``;
- Jinja2 templates (``src/claimaudit/templates``): ``{% trans %}`` blocks and ``_()`` calls,
  with Babel's Jinja2 extractor;
- the report notebook(s): each Markdown cell is one message (its whole text), and ``_()`` calls
  in code cells;
- the audit's finding templates (English sentences with ``{named}`` slots), read from the audit
  package (:func:`finding_templates`).

``python -m claimaudit.i18n update`` writes ``claimaudit.pot`` and merges it into every
``<lang>/LC_MESSAGES/claimaudit.po``: new messages arrive untranslated (no fuzzy guess from a
similar message), messages no longer used are kept as obsolete (``#~``, revived with their
translation if the message comes back), translations and flags are kept.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from claimaudit import paths
from claimaudit.i18n._catalog import DOMAIN, catalogue_path, template_path

KEYWORDS = {
    "_": None,
    "N_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "NP_": ((1, "c"), 2),
}
#: Notebooks whose text is part of a published edition (the others are for auditors, in English).
TRANSLATED_NOTEBOOKS = ("08-publish-transparency-report",)


def package_dir() -> Path:
    return Path(__file__).resolve().parents[1]


def _relative(path: Path) -> str:
    try:
        return path.resolve().relative_to(paths.project_root()).as_posix()
    except ValueError:
        return path.as_posix()


def python_messages(files: Iterable[Path]) -> Iterator[tuple[str, int, str | tuple[str, ...], list[str], str | None]]:
    from babel.messages.extract import extract

    for path in files:
        with path.open("rb") as fh:
            for lineno, message, comments, context in extract(
                "python", fh, keywords=KEYWORDS, comment_tags=("Translators:",)
            ):
                yield _relative(path), lineno, message, comments, context


def template_messages(files: Iterable[Path]) -> Iterator[tuple[str, int, str | tuple[str, ...], list[str], str | None]]:
    from babel.messages.extract import extract

    for path in files:
        with path.open("rb") as fh:
            for lineno, message, comments, context in extract(
                "jinja2.ext:babel_extract",
                fh,
                keywords=KEYWORDS,
                comment_tags=("Translators:",),
                options={"trimmed": "true"},
            ):
                yield _relative(path), lineno, message, comments, context


def notebook_messages(files: Iterable[Path]) -> Iterator[tuple[str, int, str | tuple[str, ...], list[str], str | None]]:
    """Each Markdown cell's text (stripped) is a message; code cells are searched for ``_()``."""
    from babel.messages.extract import extract

    for path in files:
        nb = json.loads(path.read_text(encoding="utf-8"))
        for number, cell in enumerate(nb.get("cells", []), start=1):
            source = "".join(cell.get("source", []))
            if cell.get("cell_type") == "markdown" and source.strip():
                yield (
                    _relative(path),
                    number,
                    markdown_key(source),
                    ["A Markdown cell of the report notebook: keep its Markdown (#, **, lists, `code`)."],
                    None,
                )
            elif cell.get("cell_type") == "code" and source.strip():
                fh = io.BytesIO(source.encode("utf-8"))
                for _line, message, comments, context in extract("python", fh, keywords=KEYWORDS):
                    yield _relative(path), number, message, comments, context


def markdown_key(source: str) -> str:
    """The message id of a Markdown cell: its text without surrounding blank space."""
    return source.strip()


def finding_templates(root: Path | None = None) -> dict[str, str]:
    """The audit's finding templates (name -> English template with ``{named}`` slots): every
    string value of a module-level dict whose name ends in ``TEMPLATES`` in ``audit/*.py`` (e.g.
    ``FINDING_TEMPLATES = {"drop": "PTA's total fell from {before} to {after}", ...}``; a value
    spelt as literals joined implicitly or with ``+`` is one message; values that are not strings,
    and the keys, are not messages), and any other string with a ``{slot}`` assigned to a name
    containing ``TEMPLATE``. Every value of such a table is a message, with or without slots (a
    working step such as "The printed approximations are compatible with one figure." is read in
    Urdu too). Read from the source, not imported: the audit imports this package, not the other
    way round."""
    import ast

    root = root or paths.project_root()
    found: dict[str, str] = {}
    for path, targets, value in _assignments(root):
        names = [name for name in targets if "TEMPLATE" in name.upper()]
        if not names or value is None or names[0] in PLURAL_TABLES:  # plural messages: plural_templates()
            continue
        if isinstance(value, ast.Dict):
            pairs = [
                (k.value if isinstance(k, ast.Constant) else f"{names[0]}[{i}]", v)
                for i, (k, v) in enumerate(zip(value.keys, value.values, strict=True))
            ]
        else:
            pairs = [(names[0], value)]
        whole_table = isinstance(value, ast.Dict) and names[0].upper().endswith("TEMPLATES")
        for key, item in pairs:
            text = _constant_text(item)
            # every sentence of a ``*_TEMPLATES`` table (a working step without slots is read
            # too); elsewhere only a string with a slot is taken to be a template
            if text and (whole_table or "{" in text):
                found[f"{path.stem}.{key}"] = text
    return found


#: Module-level dicts of the audit that hold a count with its noun as ``<noun>.one`` / ``<noun>.other``
#: (``"day.one": "{n} day"``): each pair is one plural message whose context is ``plural.<noun>``.
PLURAL_TABLES = ("PLURAL_TEMPLATES",)
#: Module-level dicts of the audit that give a finding sentence's form for a count of one:
#: template id -> (the slot that counts, the sentence); with the FINDINGS entry, one plural message.
SINGULAR_TABLES = ("FINDING_SINGULARS",)


def _tables(root: Path, names: Iterable[str]):
    """``(path, table name, ast.Dict)`` for each module-level dict of ``audit/*.py`` named in ``names``."""
    import ast

    for path, targets, value in _assignments(root):
        if targets and targets[0] in names and isinstance(value, ast.Dict):
            yield path, targets[0], value


def _assignments(root: Path):
    """``(path, target names, value)`` for each module-level assignment of ``audit/*.py``, read from
    the source (AST): the audit imports this package, not the other way round."""
    import ast

    for path in sorted((root / "src" / "claimaudit" / "audit").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in tree.body:
            if isinstance(node, ast.Assign):
                yield path, [t.id for t in node.targets if isinstance(t, ast.Name)], node.value
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                yield path, [node.target.id], node.value


def plural_templates(root: Path | None = None) -> list[tuple[str, int, str, tuple[str, str], str]]:
    """The audit's counts with their nouns (:data:`PLURAL_TABLES`): ``(file, line, "plural.<noun>",
    (singular, plural), note)``, one plural message per noun, read from the source (AST)."""
    import ast

    root = root or paths.project_root()
    found = []
    for path, _name, table in _tables(root, PLURAL_TABLES):
        forms: dict[str, dict[str, tuple[str, int]]] = {}
        for key, value in zip(table.keys, table.values, strict=True):
            text = _constant_text(value)
            if isinstance(key, ast.Constant) and isinstance(key.value, str) and text and "." in key.value:
                noun, form = key.value.rsplit(".", 1)
                forms.setdefault(noun, {})[form] = (text, value.lineno)
        for noun, pair in forms.items():
            if "one" in pair and "other" in pair:
                note = f"A count with its noun ({noun}): one form for each plural form of the language. Keep {{n}}."
                found.append(
                    (_relative(path), pair["one"][1], f"plural.{noun}", (pair["one"][0], pair["other"][0]), note)
                )
    return found


def _singulars(root: Path) -> dict[str, str]:
    """template id -> the English sentence for a count of one (:data:`SINGULAR_TABLES`)."""
    import ast

    found: dict[str, str] = {}
    for _path, _name, table in _tables(root, SINGULAR_TABLES):
        for key, value in zip(table.keys, table.values, strict=True):
            if isinstance(key, ast.Constant) and isinstance(value, ast.Tuple) and len(value.elts) == 2:
                text = _constant_text(value.elts[1])
                if text:
                    found[key.value] = text
    return found


#: Module-level dicts of the audit whose values are reader-facing sentences: the dict's name ->
#: (the context prefix of each message, the translator's note). Each key becomes the message's
#: context (``msgctxt``), so a translator sees which finding a sentence is, and two findings that
#: happen to read the same in English can read differently in Urdu.
SENTENCE_TABLES = {
    "FINDINGS": ("", "Finding {key}: one sentence a verdict leads with. Keep every {{slot}} as it is."),
    "CAVEATS": ("caveat.", "Caveat {key}: said after a verdict's finding. Keep {{detail}}."),
}


def finding_sentences(root: Path | None = None) -> list[tuple[str, int, str, str | tuple[str, str], str]]:
    """The audit's finding (and caveat) sentences: ``(file, line, context, English, note)`` for every
    entry of :data:`SENTENCE_TABLES` in ``audit/*.py``, read from the source (AST) like
    :func:`finding_templates`; the context is the template id (``report_agreement.consistent``). A
    sentence that counts something (:data:`SINGULAR_TABLES`) is ``(singular, plural)``: one plural message."""
    import ast

    root = root or paths.project_root()
    singulars = _singulars(root)
    found = []
    for path, name, table in _tables(root, SENTENCE_TABLES):
        prefix, note = SENTENCE_TABLES[name]
        for key, value in zip(table.keys, table.values, strict=True):
            if not isinstance(key, ast.Constant) or not isinstance(key.value, str):
                continue
            text = _constant_text(value)
            if text is not None:
                message = (singulars[key.value], text) if not prefix and key.value in singulars else text
                found.append((_relative(path), value.lineno, prefix + key.value, message, note.format(key=key.value)))
    return found


def _constant_text(node) -> str | None:
    """The string a dict value spells (a literal, or literals joined implicitly or with ``+``)."""
    import ast

    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _constant_text(node.left), _constant_text(node.right)
        return left + right if left is not None and right is not None else None
    return None


SOURCES = {
    "python": lambda root: sorted((root / "src" / "claimaudit").rglob("*.py")),
    "templates": lambda root: sorted((root / "src" / "claimaudit" / "templates").rglob("*.j2")),
    "notebooks": lambda root: [
        root / "notebooks" / f"{name}.ipynb"
        for name in TRANSLATED_NOTEBOOKS
        if (root / "notebooks" / f"{name}.ipynb").is_file()
    ],
}


def extract(root: Path | None = None):  # -> babel.messages.catalog.Catalog
    """Every reader-visible message of the project, as a Babel template catalogue."""
    from babel.messages.catalog import Catalog

    root = root or paths.project_root()
    template = Catalog(
        domain=DOMAIN,
        project="claimaudit",
        msgid_bugs_address="",
        copyright_holder="claimaudit contributors",
        fuzzy=False,
    )
    found = [
        *python_messages(SOURCES["python"](root)),
        *template_messages(SOURCES["templates"](root)),
        *notebook_messages(SOURCES["notebooks"](root)),
    ]
    for where, lineno, message, comments, context in found:
        if not message or (isinstance(message, tuple) and not message[0]):
            continue
        if isinstance(message, tuple):
            message = tuple(m for m in message if m is not None)
            if len(message) == 1:
                message = message[0]
        _add(template, message, where, lineno, comments, context)
    for key, text in finding_templates(root).items():
        template.add(
            text,
            None,
            [(f"src/claimaudit/audit/{key.split('.', 1)[0]}.py", 0)],
            auto_comments=[
                f"Finding template {key.split('.', 1)[1]}: keep every {{slot}}."
                if "{" in text
                else f"Finding template {key.split('.', 1)[1]} (a step of the audit's working; no slots)."
            ],
        )
    for where, lineno, context, text, comment in finding_sentences(root):
        _add(template, text, where, lineno, [comment], context)
    for where, lineno, context, forms, comment in plural_templates(root):
        _add(template, forms, where, lineno, [comment], context)
    for where, lineno, context, text, comment in rule_titles(root):
        _add(template, text, where, lineno, [comment], context)
    return template


def rule_titles(root: Path | None = None) -> list[tuple[str, int, str, str, str]]:
    """The title of every audit rule in ``checks/claims/*.yml`` (``(file, line, "rule.<id>", title,
    note)``): the report names rules by their titles, so they are messages too."""
    from claimaudit import _yaml

    root = root or paths.project_root()
    found = []
    for path in sorted((root / "checks" / "claims").glob("*.y*ml")):
        text = path.read_text(encoding="utf-8")
        data = _yaml.load(text) or {}
        lines = text.splitlines()
        for rule in data.get("rules") or []:
            if not isinstance(rule, dict) or not rule.get("id") or not rule.get("title"):
                continue
            line = next((i for i, ln in enumerate(lines, 1) if f"id: {rule['id']}" in ln), 0)
            found.append(
                (
                    _relative(path),
                    line,
                    f"rule.{rule['id']}",
                    str(rule["title"]),
                    f"Title of the audit rule {rule['id']} (checks/claims).",
                )
            )
    return found


def _add(template, message, where: str, lineno: int, comments: list[str], context: str | None) -> None:
    """Add a message, or a further place it is used (Babel's ``Catalog.add`` would replace it)."""
    existing = template.get(message if isinstance(message, str) else message[0], context=context)
    if existing is not None:
        existing.locations.append((where, lineno))
        existing.auto_comments.extend(c for c in comments if c not in existing.auto_comments)
        return
    template.add(message, None, [(where, lineno)], auto_comments=comments, context=context)


def update(languages: Iterable[str], root: Path | None = None) -> list[str]:
    """Write the template and merge it into each language's catalogue; return what changed."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po, write_po

    from claimaudit._io import atomic_write

    template = extract(root)
    said: list[str] = []
    with atomic_write(template_path(), "wb") as fh:
        write_po(fh, template, width=100, omit_header=False, include_lineno=False)
    said.append(f"{template_path()}: {len([m for m in template if m.id])} messages")
    for lang in languages:
        path = catalogue_path(lang)
        if path.is_file():
            with path.open("rb") as fh:
                cat = read_po(fh, locale=lang, domain=DOMAIN)
        else:
            cat = Catalog(locale=lang, domain=DOMAIN, project="claimaudit", fuzzy=False)
        before = {m.id for m in cat if m.id}
        # a message that comes back (code moved, text restored) gets its old translation back
        revived = 0
        for message in template:
            first = message.id if isinstance(message.id, str) else message.id[0]
            key = (first, message.context) if message.context else first  # Babel's key: (id, context)
            old = cat.obsolete.get(key)
            if message.id and old is not None and cat.get(message.id, context=message.context) is None:
                del cat.obsolete[key]
                cat[old.id] = old
                revived += 1
        cat.update(template, no_fuzzy_matching=True, update_header_comment=False)
        after = {m.id for m in cat if m.id}
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_write(path, "wb") as fh:
            # messages no longer used are kept at the end as obsolete (#~), so no translation is lost
            write_po(fh, cat, width=100, include_lineno=False, ignore_obsolete=False)
        said.append(
            f"{path}: {len(after - before)} new ({revived} revived from obsolete), "
            f"{len(before - after)} now obsolete, {len(after)} in use"
        )
    return said
