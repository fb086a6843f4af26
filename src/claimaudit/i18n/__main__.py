"""``python -m claimaudit.i18n update|status|check`` — keep the message catalogues in step.

update  extract every reader-visible message and merge it into each language's .po
status  per language: messages, translated, reviewed by a native speaker
check   exit 1 when a message lacks a translation or its slots differ (what the tests check)
"""

from __future__ import annotations

import sys

from claimaudit import i18n
from claimaudit.i18n import _extract, _verify


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    command = args[0] if args else "status"
    others = [lang for lang in i18n.LANGUAGES if lang != i18n.SOURCE_LANGUAGE]
    if command == "update":
        for line in _extract.update(i18n.LANGUAGES):
            print(line)
        return 0
    if command == "status":
        for lang in others:
            print(i18n.status(lang))
        return 0
    if command == "check":
        problems = _verify.problems(others)
        for problem in problems:
            print(problem)
        print(f"{len(problems)} problem(s)" if problems else "every message translated, slots equal")
        return 1 if problems else 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
