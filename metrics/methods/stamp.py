"""The methods version and its parameters, stamped on every board pack and
every published page (issue 17), so a reader can tell which rules made a
figure's judgement, and an archived pack says what it was made with.

Every parameter is read from the module that uses it: nothing here is a
second definition. A version names one set of parameters: `VERSIONS` pins
each version's fingerprint, and a test fails when a parameter changes without
a new version.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from metrics.methods import disclosure, freshness, intervals, spc, status
from metrics.vocab import DEFAULT_SUPPRESS_BELOW

# The version of the methods now in force: bump it (and add its fingerprint
# below) whenever a rule or a parameter changes.
METHODS_VERSION = "2026.11"
VERSIONS: dict[str, str] = {
    "2026.11": "e988ceebf003",
}


@dataclass(frozen=True)
class MethodsStamp:
    version: str
    parameters: tuple[tuple[str, str], ...]

    @property
    def text(self) -> str:
        """The stamp in one line, for a footer."""
        return f"Methods version {self.version}: " + " · ".join(f"{name}: {value}" for name, value in self.parameters) + "."

    def as_json(self) -> str:
        return json.dumps({"version": self.version, "parameters": dict(self.parameters)}, ensure_ascii=False, sort_keys=True)


def _parameters() -> tuple[tuple[str, str], ...]:
    return (
        ("z value for 95% intervals", f"{intervals.Z95}"),
        ("interval models", "Wilson for percentages and rates that are a share of their base; Byar for counts and rates of events; mean ± z × sd ÷ √n for scores"),
        ("status thresholds (progress ratio)", f"on track {status.ON_TRACK_RATIO}, acceleration needed {status.ACCELERATION_RATIO}"),
        ("SPC limits", f"mean ± {spc.LIMIT} × mean moving range (moving ranges above {spc.SCREEN_MULTIPLE} × their mean left out once)"),
        ("SPC rules", f"a point outside the limits; {spc.RUN_LENGTH} in a row on one side of the mean; {spc.RUN_LENGTH} in a row rising or falling; 2 of 3 close to a limit"),
        ("SPC minimum points", f"{spc.MIN_POINTS} in a phase"),
        ("suppression threshold", f"bases below {DEFAULT_SUPPRESS_BELOW} (unless the measure sets its own) and counts below {disclosure.SMALLEST_PUBLISHED_COUNT} hidden"),
        ("no new figures flag", f"{freshness.STALE_GRACE_MONTHS} months past the usual gap between figures"),
    )


def fingerprint(parameters: tuple[tuple[str, str], ...]) -> str:
    return hashlib.sha256(json.dumps(parameters, ensure_ascii=False).encode("utf-8")).hexdigest()[:12]


def methods_stamp() -> MethodsStamp:
    """The methods now in force: their version and parameters."""
    return MethodsStamp(METHODS_VERSION, _parameters())
