import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))
from suite import Suite  # noqa: E402


@pytest.fixture
def make_suite(tmp_path):
    """Starts suites on demand; stops them all and checks their logs."""
    suites = []

    def start(conf="", name="suite", wait=True):
        s = Suite(tmp_path, conf, name)
        suites.append(s)
        return s.start(wait=wait)

    yield start
    for s in suites:
        try:
            s.stop()
        finally:
            s.remove_system_objects()
            s.remove_state()
        reports = s.sanitizer_reports()
        assert not reports, "sanitizer report in %s:\n%s" % (
            s.log_path, s.symbolized_log()[-8000:])


@pytest.fixture
def suite(make_suite):
    return make_suite()


@pytest.fixture(scope="module")
def shared_suite(tmp_path_factory):
    """One suite for a module's read-only tests (malformed input)."""
    s = Suite(tmp_path_factory.mktemp("shared"))
    s.start()
    yield s
    try:
        s.stop()
    finally:
        s.remove_system_objects()
        s.remove_state()
    reports = s.sanitizer_reports()
    assert not reports, "sanitizer report in %s:\n%s" % (
        s.log_path, s.symbolized_log()[-8000:])
