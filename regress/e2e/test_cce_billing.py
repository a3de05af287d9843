"""Command API v2: the replay, request by request, of what a billing
module (the PHP client NOTES.md describes) sends to provision a site with
two users and its namespaces, suspend it (its users log in on no
dialect), unsuspend it, change its quota and terminate it.  Every request
carries X-Client-Secret and comes from a remote address; the site here
has no host (a schema without "backed-by host"): test_cce_hosts.py does
the same with one, in the sandboxed lane."""
import os
from datetime import datetime

import pytest

from cceapi import REMOTE, add_client, post, unbacked_conf
from identity import call, login


class PhpClient:
    """What the PHP client does: LOGIN on first use, "token" in every
    payload, a new LOGIN when a message says "Invalid or expired token",
    and a failure whenever "error" or "success": false is in a body."""

    def __init__(self, suite, secret):
        self.suite, self.secret, self.token = suite, secret, None
        self.logins = 0

    def login(self):
        status, body = post(self.suite, {"cmd": "LOGIN"}, self.secret,
                            REMOTE)
        assert status == 200 and body["status"] == 201, body
        data = body["data"]
        self.token = data.get("token") or data.get("sessionId")
        datetime.strptime(data["expires"], "%Y-%m-%dT%H:%M:%SZ")
        self.logins += 1

    def send(self, payload):
        if self.token is None:
            self.login()
        status, body = post(self.suite, dict(payload, token=self.token),
                            self.secret, REMOTE)
        text = " ".join([body.get("message", "")] + [
            e.get("message", "") for e in
            (body.get("data") or {}).get("errors", [])])
        if "Invalid or expired token" in text:
            self.login()
            status, body = post(self.suite, dict(payload,
                                                 token=self.token),
                                self.secret, REMOTE)
        assert "error" not in body and body.get("success") is not False
        return status, body

    def raw(self, line):
        status, body = self.send({"cmd": line})
        assert body["status"] == 201, (line, body)
        return body


def logins(suite, user, password, secret):
    """Whether user logs in, on each dialect."""
    v1 = login(suite, user, password)[0] == 200
    apiv1 = call(suite, "POST", "/auth/general", body={
        "username": user, "password": password})[0] == 200
    cce = post(suite, {"cmd": "AUTH", "user": user,
                       "password": password})[0] == 200
    remote = post(suite, {"cmd": "LOGIN", "username": user,
                          "password": password}, secret, REMOTE)[0] == 200
    return {"v1": v1, "apiv1": apiv1, "cce": cce, "cce-remote": remote}


@pytest.fixture
def billing(make_suite, tmp_path):
    s = make_suite(conf=unbacked_conf(tmp_path))
    return s, add_client(s, "whmcs", REMOTE)


def test_billing_module_replay(billing):
    suite, secret = billing
    php = PhpClient(suite, secret)
    # PING, WHOAMI, CLASSES as the module's connection test does
    status, body = php.send({"cmd": "PING"})
    assert status == 200 and body["status"] in (200, 202)
    status, body = php.send({"cmd": "WHOAMI"})
    assert isinstance(body["data"]["oid"], int)
    assert "Vsite" in php.send({"cmd": "CLASSES"})[1]["data"]["classes"]
    # provision: the site
    body = php.raw('CREATE Vsite hostname="www" domain="customer.example" '
                   'fqdn="www.customer.example" ipaddr="192.0.2.77" '
                   'maxusers="10"')
    assert body["data"]["oidlist"]
    site_oid = int(body["data"]["oidlist"][0])
    body = php.raw("GET %d" % site_oid)
    site = body["data"]["DATA"]["name"]
    assert site.startswith("site")
    # its users
    users = {}
    for name in ("cust1", "cust2"):
        body = php.raw('CREATE User name="%s" fullName="Customer %s" '
                       'password="%s-password" site="%s"' % (
                           name, name[-1], name, site))
        assert body["data"]["oidlist"]
        users[name] = int(body["data"]["oidlist"][0])
    # its namespaces, both spellings the module uses
    for line in ('SET %d . Disk "quota" = "1000"',
                 'SET %d . PHP "enabled" = "1"',
                 'SET %d . PHP "version" = "8.2"',
                 'SET %d . SSL "enabled" = "1"',
                 'SET %d . Shell "enabled" = "1"',
                 'SET %d . MYSQL_Vsite "enabled" = "1"',
                 'SET %d . MYSQL_Vsite "maxDBs" = "3"',
                 'SET %d . MYSQL_Vsite "pass" = "db-password-1"',
                 'SET %d . subdomains "vsite_enabled" = "1"',
                 'SET %d . subdomains "max_subdomains" = "5"',
                 'SET %d "maxusers" = "12"'):
        php.raw(line % site_oid)
    assert php.raw("GET %d . Disk" % site_oid)["data"]["DATA"][
        "quota"] == "1000"
    mysql = php.raw("GET %d . MYSQL_Vsite" % site_oid)["data"]["DATA"]
    assert mysql["maxDBs"] == "3" and "pass" not in mysql
    # no password reached stored as itself: authd hashed each
    stored_bytes = b""
    for root, _, files in os.walk(os.path.join(suite.var, "db")):
        for name in files:
            with open(os.path.join(root, name), "rb") as f:
                stored_bytes += f.read()
    assert b"argon2id" in stored_bytes
    for secret_text in (b"db-password-1", b"cust1-password",
                        b"cust2-password"):
        assert secret_text not in stored_bytes
    assert {"Disk", "PHP", "MYSQL_Vsite"} <= set(php.send(
        {"cmd": "NAMES", "oid": site_oid})[1]["data"]["namespaces"])
    body = php.raw('FIND User site="%s"' % site)
    assert sorted(int(o) for o in body["data"]["oidlist"]) == sorted(
        users.values())
    status, body = php.send({"cmd": "GETALL", "class": "User",
                             "vars": {"site": site}})
    assert sorted(body["data"]["objects"]) == sorted(
        str(o) for o in users.values())
    for name in users:
        assert all(logins(suite, name, name + "-password",
                          secret).values()), name
    # suspend: no user of the site logs in, on any dialect
    php.raw('SET %d suspend="1"' % site_oid)
    for name in users:
        got = logins(suite, name, name + "-password", secret)
        assert not any(got.values()), (name, got)
    # unsuspend
    php.raw('SET %d suspend="0"' % site_oid)
    for name in users:
        assert all(logins(suite, name, name + "-password",
                          secret).values()), name
    # change the quota
    php.raw('SET %d . Disk "quota" = "2000"' % site_oid)
    assert php.raw("GET %d . Disk" % site_oid)["data"]["DATA"][
        "quota"] == "2000"
    # an expired token: the client logs in again and goes on
    status, body = post(suite, {"cmd": "BYE", "token": php.token},
                        secret, REMOTE)
    assert body["status"] == 202
    before = php.logins
    php.raw("GET %d" % site_oid)
    assert php.logins == before + 1
    # terminate: the site and its users
    php.raw("DESTROY %d" % site_oid)
    assert php.raw('FIND Vsite name="%s"' % site)["data"]["oidlist"] == []
    assert php.raw('FIND User site="%s"' % site)["data"]["oidlist"] == []
    for name in users:
        assert not any(logins(suite, name, name + "-password",
                              secret).values())
    status, body = php.send({"cmd": "ENDKEY"})
    assert status == 200 and body["status"] == 201
