"""Every board pack and every published page states the methods version and
its parameters (issue 17, item 4). The parameters are read from the modules
that use them (defined once), and a version cannot silently change meaning:
its fingerprint is pinned, so changing a parameter without a new version fails."""

from __future__ import annotations

from metrics.methods import disclosure, freshness, intervals, spc, stamp, status
from metrics.vocab import DEFAULT_SUPPRESS_BELOW


def test_the_stamp_reads_every_parameter_from_where_it_is_used():
    params = dict(stamp.methods_stamp().parameters)
    assert params["z value for 95% intervals"] == "1.959964" == f"{intervals.Z95}"
    assert params["status thresholds (progress ratio)"] == f"on track {status.ON_TRACK_RATIO}, acceleration needed {status.ACCELERATION_RATIO}"
    assert params["SPC limits"] == f"mean ± {spc.LIMIT} × mean moving range (moving ranges above {spc.SCREEN_MULTIPLE} × their mean left out once)"
    assert params["SPC rules"] == (
        f"a point outside the limits; {spc.RUN_LENGTH} in a row on one side of the mean; {spc.RUN_LENGTH} in a row rising or falling; "
        "2 of 3 close to a limit"
    )
    assert params["SPC minimum points"] == f"{spc.MIN_POINTS} in a phase"
    assert params["suppression threshold"] == (
        f"bases below {DEFAULT_SUPPRESS_BELOW} (unless the measure sets its own) and counts below {disclosure.SMALLEST_PUBLISHED_COUNT} hidden"
    )
    assert params["no new figures flag"] == f"{freshness.STALE_GRACE_MONTHS} months past the usual gap between figures"
    assert "Wilson" in params["interval models"] and "Byar" in params["interval models"]


def test_a_version_means_one_set_of_parameters():
    s = stamp.methods_stamp()
    assert stamp.VERSIONS[s.version] == stamp.fingerprint(s.parameters), (
        "A methods parameter changed: add a new METHODS_VERSION with its fingerprint to stamp.VERSIONS"
    )


def test_the_stamp_in_one_line_names_the_version_and_every_parameter():
    s = stamp.methods_stamp()
    line = s.text
    assert line.startswith(f"Methods version {s.version}: ")
    for _, value in s.parameters:
        assert value in line
