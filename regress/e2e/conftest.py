import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))
from suite import Suite, finish, module_suite  # noqa: E402


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
        finish(s)


@pytest.fixture
def suite(make_suite):
    return make_suite()


@pytest.fixture(scope="module")
def shared_suite(tmp_path_factory):
    """One suite for a module's read-only tests (malformed input)."""
    yield from module_suite(tmp_path_factory, "shared")
