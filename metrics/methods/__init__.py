"""The methods (docs/methods.md) as pure functions: figures and aggregation
(aggregate.py), intervals, goal status and benchmark comparison (status.py),
SPC (spc.py), disclosure control (disclosure.py) and the plain-English
sentences and number formats (explain.py). No database, no Streamlit: every
rule can be tested on a hand-made example."""

from pathlib import Path

TEXT = Path(__file__).resolve().parents[2] / "docs" / "methods.md"
"""The methods page, in plain English: shown by the app and published with the site."""
