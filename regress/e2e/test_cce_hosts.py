"""Command API v2 with the shipped schema, whose Vsites are backed by a
moat host on a real crun: the billing module's replay of
test_cce_billing.py, with the host made with the site, stopped while it
is suspended, started again, and deleted with it.  Needs containers: it
belongs in regress/run.sh's sandboxed lane."""
import os
import time

import pytest

from cceapi import REMOTE, Session, add_client
from identity import admin_token, call, login
from test_cce_billing import PhpClient, logins

CRUN = "/usr/bin/crun"


@pytest.fixture(autouse=True)
def runtime_present():
    assert os.path.exists(CRUN), "crun is needed (scripts/deps.sh)"


def wait_for(what, timeout=60, step=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = what()
        if value:
            return value
        time.sleep(step)
    raise AssertionError("timed out waiting")


def live_hosts(suite, token):
    status, body, _ = call(suite, "GET", "/v1/admin/hosts", token)
    assert status == 200, body
    return [h for h in body["hosts"] if h["status"] != "deleted"]


def host_status(suite, token, host_id):
    status, body, _ = call(suite, "GET", "/v1/admin/hosts/" + host_id,
                           token)
    return body["host"]["status"] if status == 200 else None


def test_billing_replay_with_a_host(suite):
    admin = admin_token(suite)
    secret = add_client(suite, "whmcs", REMOTE)
    php = PhpClient(suite, secret)
    assert live_hosts(suite, admin) == []
    body = php.raw('CREATE Vsite hostname="www" domain="hosted.example" '
                   'fqdn="www.hosted.example" ipaddr="192.0.2.88"')
    site_oid = int(body["data"]["oidlist"][0])
    site = php.raw("GET %d" % site_oid)["data"]["DATA"]["name"]
    hosts = wait_for(lambda: live_hosts(suite, admin))
    assert len(hosts) == 1
    hid = hosts[0]["id"]
    wait_for(lambda: host_status(suite, admin, hid) == "running")
    users = []
    for name in ("host1", "host2"):
        php.raw('CREATE User name="%s" password="%s-password" site="%s"'
                % (name, name, site))
        users.append(name)
    php.raw('SET %d . Disk "quota" = "1000"' % site_oid)
    php.raw('SET %d . Shell "enabled" = "1"' % site_oid)
    for name in users:
        assert all(logins(suite, name, name + "-password",
                          secret).values())
    # suspended: its users log in nowhere, its host stops
    php.raw('SET %d suspend="1"' % site_oid)
    wait_for(lambda: host_status(suite, admin, hid) == "stopped")
    for name in users:
        assert not any(logins(suite, name, name + "-password",
                              secret).values())
    # unsuspended: both undone
    php.raw('SET %d suspend="0"' % site_oid)
    wait_for(lambda: host_status(suite, admin, hid) == "running")
    for name in users:
        assert all(logins(suite, name, name + "-password",
                          secret).values())
    php.raw('SET %d . Disk "quota" = "3000"' % site_oid)
    assert php.raw("GET %d . Disk" % site_oid)["data"]["DATA"][
        "quota"] == "3000"
    # terminated: the site, its users, its host
    php.raw("DESTROY %d" % site_oid)
    wait_for(lambda: live_hosts(suite, admin) == [])
    wait_for(lambda: suite.containers(CRUN) == [])
    for name in users:
        assert login(suite, name, name + "-password")[0] == 401
    s = Session(suite)
    assert s.do("FIND", **{"class": "User", "args": {
        "site": site}})[1]["data"]["oidlist"] == []


def test_each_site_has_a_host_of_its_own(suite):
    """One admin makes many sites: each host belongs to its site's own
    account (a user has one live host at most), which FIND does not
    see and which goes with its site."""
    admin = admin_token(suite)
    s = Session(suite)
    sites = []
    for name in ("one", "two"):
        st, a = s.raw('CREATE Vsite hostname="%s" domain="sites.example"'
                      % name)
        assert st == 200 and a["status"] == 201, a
        assert "infos" not in a["data"], a      # no "has no host"
        sites.append(int(a["data"]["oid"]))
    hosts = wait_for(lambda: len(live_hosts(suite, admin)) == 2 and
                     live_hosts(suite, admin))
    owners = set()
    for h in hosts:
        st, body, _ = call(suite, "GET", "/v1/admin/users/" + h["user_id"],
                           admin)
        assert st == 200, body
        owners.add(body["user"]["username"])
    assert owners == {"cce:%d" % oid for oid in sites}
    # nobody logs in as a site's account, and FIND sees only the admin
    for name in owners:
        assert login(suite, name, "!")[0] == 401
    st, a = s.do("FIND", **{"class": "User"})
    assert len(a["data"]["oidlist"]) == 1
    # a site's host goes with it, the other's stays
    st, a = s.raw("DESTROY %d" % sites[0])
    assert a["status"] == 201, a
    left = wait_for(lambda: len(live_hosts(suite, admin)) == 1 and
                    live_hosts(suite, admin))
    st, body, _ = call(suite, "GET", "/v1/admin/users/" + left[0]["user_id"],
                       admin)
    assert body["user"]["username"] == "cce:%d" % sites[1]
    st, a = s.raw("DESTROY %d" % sites[1])
    assert a["status"] == 201, a
    wait_for(lambda: live_hosts(suite, admin) == [])
    wait_for(lambda: suite.containers(CRUN) == [])
    # and so do their accounts
    st, body, _ = call(suite, "GET", "/v1/admin/users", admin)
    assert st == 200, body
    assert not [u for u in body["users"] if u["username"] in owners]
