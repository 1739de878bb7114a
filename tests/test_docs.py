"""The README documents what the code does: every CLI verb and option, and the
import formats exactly as metrics/contract/kinds.py defines them."""

from __future__ import annotations

import argparse
import re

from metrics.cli import build_parser
from metrics.contract.templates import formats_markdown
from metrics.store import PROJECT_ROOT

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_gives_the_two_commands_first():
    first_block = README.split("```", 2)[1]
    assert "make run" in first_block and "make test" in first_block


def test_readme_import_formats_match_the_contract_in_code():
    section = re.search(r"<!-- formats:start -->\n(.*)<!-- formats:end -->", README, re.S)
    assert section is not None
    assert section.group(1) == formats_markdown(), "regenerate the README section from metrics.contract.templates.formats_markdown()"


def test_the_data_contract_page_matches_the_contract_in_code():
    page = (PROJECT_ROOT / "docs" / "data-contract.md").read_text(encoding="utf-8")
    section = re.search(r"<!-- formats:start -->\n(.*)<!-- formats:end -->", page, re.S)
    assert section is not None
    assert section.group(1) == formats_markdown(), "regenerate docs/data-contract.md's tables from metrics.contract.templates.formats_markdown()"


def test_the_documents_the_code_points_at_are_in_the_repository():
    """Comments, docstrings and messages cite docs/*.md; each must exist (the
    first round pointed at contract files that were not in the repository)."""
    cited = set()
    for path in [*PROJECT_ROOT.glob("metrics/**/*.py"), *PROJECT_ROOT.glob("app_pages/**/*.py"), *PROJECT_ROOT.glob("tests/*.py"), PROJECT_ROOT / "app.py"]:
        text = path.read_text(encoding="utf-8")
        cited |= set(re.findall(r"\bdocs/[a-z-]+\.md", text))
        assert not re.search(r"(?<![\w/])(DESIGN|DATA_FORMATS)\.md", text), f"{path} cites a file outside the repository"
    assert cited >= {"docs/methods.md", "docs/data-contract.md", "docs/architecture.md"}
    assert all((PROJECT_ROOT / c).exists() for c in cited), sorted(c for c in cited if not (PROJECT_ROOT / c).exists())


def _verbs() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(sub.choices)


def test_every_cli_verb_and_option_is_documented_in_the_readme():
    missing = []
    for verb, parser in _verbs().items():
        if f"`{verb}" not in README:
            missing.append(verb)
        for action in parser._actions:
            for opt in action.option_strings:
                if opt.startswith("--") and opt not in ("--help", "--db") and opt not in README:
                    missing.append(f"{verb} {opt}")
    assert missing == []
    assert "--db PATH" in README


def test_every_cli_option_has_help_text():
    verbs = _verbs()
    assert len(verbs) > 10 and all(p._actions for p in verbs.values())
    for verb, parser in verbs.items():
        for action in parser._actions:
            assert action.help, f"{verb}: {action.dest} has no help"
