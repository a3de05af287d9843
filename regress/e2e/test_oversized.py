"""Every field a client can send, at every length up to what frontd
accepts, on every route: the answer is an error in the dialect's shape (or
a refusal at the HTTP layer), never a dead process.  A receiver treats a
message it cannot hold as a violation and fails closed, so a field that
frontd passes on longer than authd or stored accepts would let anyone
stop the suite; this test walks them all."""
import base64
import json
import os

import pytest

from hostile import Client
from identity import admin_password, admin_token, call
from test_apiv1_identity import cookie_login, cookies_of, with_cookie

LENGTHS = (21, 25, 31, 32, 64, 65, 255, 256, 300, 1100, 2100, 5000)
BODY_LENGTHS = (25, 32, 65, 256, 1100, 5000, 20000)


def text(n):
    return "a" * n


_probes = iter(range(1000000))


def probe_name(n=None):
    """A fresh account name for each failed login (of n characters), so
    that the growing per-account delay does not slow the walk down."""
    name = "probe%d-" % next(_probes)
    return name if n is None else (name + text(n))[:n]


def body_cases(admin_id):
    """(method, path, needs_token, body builder of n) for JSON bodies."""
    def fields(**kw):
        return lambda n: {k: (v(n) if callable(v) else v)
                          for k, v in kw.items()}
    return (
        ("POST", "/v1/auth/login", False,
         fields(username=probe_name, password="password1")),
        ("POST", "/v1/auth/login", False,
         fields(username=probe_name, password=text)),
        ("POST", "/v1/admin/login", False,
         fields(username=probe_name, password=text)),
        ("POST", "/auth/general", False,
         fields(email=lambda n: probe_name(n) + "@example.com",
                password="pw")),
        ("POST", "/auth/general", False,
         fields(username=probe_name, password=text)),
        ("POST", "/v2/cce", False, fields(cmd="AUTH", user=probe_name,
                                          password="password1")),
        ("POST", "/v2/cce", False, fields(cmd="AUTH", user=probe_name,
                                          password=text)),
        ("POST", "/v2/cce", False, fields(cmd="AUTHKEY", user=text,
                                          sessionid=text)),
        ("POST", "/v2/cce", False, fields(cmd="WHOAMI", sessionid=text)),
        ("POST", "/v2/cce", False, fields(cmd="BYE", sessionid=text)),
        ("POST", "/v2/cce", False, fields(cmd="ENDKEY", token=text)),
        ("POST", "/v2/cce", False, fields(cmd="LOGIN", user=text)),
        ("POST", "/v2/cce", "remote", fields(cmd="LOGIN", username=text,
                                             password="password1")),
        ("POST", "/v2/cce", "remote", fields(cmd="LOGIN", username="admin",
                                             password=text)),
        ("POST", "/v2/cce", False, fields(cmd=text)),
        ("POST", "/v1/admin/users", True,
         fields(username=text, password="password1", role="user")),
        ("POST", "/v1/admin/users", True,
         fields(username="someone", password=text, role="user")),
        ("POST", "/v1/admin/users", True,
         fields(username="someone2", password="password1", role=text)),
        ("POST", "/v1/admin/users", True,
         fields(username="someone3", password="password1", role="user",
                email=lambda n: text(n) + "@example.com")),
        ("PATCH", "/v1/admin/users/" + admin_id, True, fields(status=text)),
        ("PUT", "/v1/admin/users/%s/expiry" % admin_id, True,
         fields(expires_at=text)),
        ("POST", "/v1/user/change-password", True,
         fields(old_password=text, new_password="password2")),
        ("POST", "/v1/user/change-password", True,
         fields(old_password="password1", new_password=text)),
        ("POST", "/apiv1/users/1/apikeys", "apiv1",
         fields(name=text, scopes=["certs.read"])),
        ("POST", "/apiv1/users/1/apikeys", "apiv1",
         fields(name="k", scopes=lambda n: [text(n)])),
        ("POST", "/apiv1/users/1/apikeys", "apiv1",
         fields(name="k", scopes=lambda n: ["certs.read"] * (n // 10))),
        ("POST", "/apiv1/users/1/apikeys", "apiv1",
         fields(name="k", permissions=lambda n: [
             {"obtype": text(n), "obid": "*", "actions": ["read"]}])),
        ("POST", "/apiv1/users/1/apikeys", "apiv1",
         fields(name="k", permissions=lambda n: [
             {"obtype": text(n), "actions": []}])),
        ("POST", "/apiv1/users/1/apikeys", "apiv1",
         fields(name="k", permissions=lambda n: [
             {"obtype": "certs", "actions": ["read"], text(n): text(n)}])),
        ("POST", "/apiv1/users/1/apikeys", "apiv1",
         fields(name="k", permissions=lambda n: [
             {"obtype": "certs", "obid": "*", "actions": ["read"] * n}])),
        ("POST", "/apiv1/users/1/apikeys", "apiv1",
         fields(name="k", permissions=lambda n: [
             {"obtype": "certs", "obid": text(min(n, 64)),
              "actions": ["read", "write"]}] * 32)),
        ("POST", "/apiv1/users/1/apikeys", "apiv1",
         fields(name="k", permissions=lambda n: [
             {"obtype": "apikeys", "obid": text(n), "actions": [text(n)]}])),
        ("POST", "/v2/account/api-new-secret-key", True,
         fields(api_key=text)),
        ("DELETE", "/v2/account/api", True, fields(api_key=text)),
    ) + tuple(
        ("POST", "/v1/admin/egress-ips", True,
         fields(**dict({"label": "long", "ip_address": "192.0.2.1"},
                       **{name: text})))
        for name in EGRESS_TEXT
    ) + (
        ("PUT", "/v1/admin/egress-ips/1", True, fields(label=text)),
        ("POST", "/v1/admin/egress-ips", True,
         fields(label="p", ip_address="192.0.2.1", tunnel_type="proxy",
                proxy_config=lambda n: {"type": "socks", "server": "a",
                                        "server_port": 1,
                                        "password": text(n)})),
        ("POST", "/v1/admin/egress-ips", True,
         fields(label="p", ip_address="192.0.2.1", tunnel_type="proxy",
                proxy_config=lambda n: {"type": "socks", "server": text(n),
                                        "server_port": 1, "uuid": text(n),
                                        text(n): text(n)})),
        ("POST", "/v1/admin/bindings", True,
         fields(host_id=text, egress_ip_id=text)),
    )


# every text member of an egress IP, its secrets among them
EGRESS_TEXT = ("label", "ip_address", "tunnel_type", "provider",
               "wg_endpoint", "wg_public_key", "wg_allowed_ips",
               "wg_dns_server", "wg_peer_address", "wg_private_key",
               "wg_preshared_key")


def path_cases(admin_id):
    return (
        ("GET", "/v1/admin/users/%s"),
        ("PATCH", "/v1/admin/users/%s"),
        ("DELETE", "/v1/admin/users/%s/x"),
        ("POST", "/v1/admin/users/%s/rotate-password"),
        ("GET", "/v1/admin/events?type=%s"),
        ("GET", "/v1/admin/events?user_id=%s"),
        ("GET", "/v1/admin/events?host_id=%s"),
        ("GET", "/v1/admin/events?since=%s"),
        ("GET", "/v1/admin/events?limit=%s"),
        ("GET", "/apiv1/users/%s/apikeys"),
        ("GET", "/apiv1/users/1/apikeys/%s"),
        ("DELETE", "/apiv1/users/1/apikeys/%s"),
        ("GET", "/apiv1/users/1/apikeys?offset=%s"),
        ("GET", "/apiv1/users/1/apikeys?limit=%s"),
        ("GET", "/v1/admin/egress-ips/%s"),
        ("PUT", "/v1/admin/egress-ips/%s"),
        ("DELETE", "/v1/admin/egress-ips/%s"),
        ("DELETE", "/v1/admin/bindings/%s"),
        ("GET", "/v1/admin/egress-ips?offset=%s"),
    )


def header_cases():
    """Headers that carry credentials or addresses, with no token."""
    def basic(n):
        return "Basic " + base64.b64encode(
            ("u:" + text(n)).encode()).decode()
    return (
        ("GET", "/v1/user/me", lambda n: {"Authorization": "Bearer " +
                                          text(n)}),
        ("GET", "/apiv1/users/1/apikeys", lambda n: {"Authorization":
                                                     basic(n)}),
        ("GET", "/apiv1/users/1/apikeys", lambda n: {
            "Cookie": "__Host-moat_session=" + text(n)}),
        ("POST", "/apiv1/users/1/apikeys", lambda n: {
            "Cookie": "__Host-moat_session=mc_x; __Host-moat_csrf=" +
            text(n),
            "X-CSRF-Token": text(n)}),
        ("GET", "/v2/account", lambda n: {"Authorization": text(n) + ":" +
                                          text(n), "X-Date": text(n)}),
        ("GET", "/v2/account", lambda n: {
            "Authorization": "KEY:" + text(n),
            "X-Date": "Sun, 22 Nov 2026 10:00:00 GMT"}),
        ("GET", "/v2/account", lambda n: {
            "Authorization": text(min(n, 40)) + ":sig",
            "X-Date": "Sun, 22 Nov 2026 10:00:00 GMT", "Host": text(n)}),
        ("POST", "/v2/cce", lambda n: {"X-Client-Secret": text(n)}),
        ("GET", "/v1/user/me", lambda n: {"X-Forwarded-For": text(n),
                                          "Authorization": "Bearer x"}),
        ("GET", "/healthz", lambda n: {"Host": text(n)}),
    )


def kept(suite):
    """One keep-alive connection for the many requests here (a new TLS
    connection for each cost most of the test's time)."""
    if not hasattr(suite, "kept_client"):
        suite.kept_client = Client(suite.port)
    return suite.kept_client


def send(suite, method, path, body=None, headers=None):
    return kept(suite).send(method, path, body, headers)


def alive(suite):
    """healthz answers, from the very processes that started."""
    if not hasattr(suite, "first_pids"):
        suite.first_pids = suite.all_pids()
    try:
        status, _, _ = send(suite, "GET", "/healthz")
        for pid in suite.first_pids:
            os.kill(pid, 0)
    except OSError:
        return False
    return status == 200


def check(suite, what, status, body):
    assert alive(suite), "the suite died after %s" % what
    # a long value may be a valid one (a 64-character password); what
    # matters is that no process failed on it
    assert status < 500, (what, status, body)


def test_oversized_fields_stop_nothing(make_suite):
    # trusted: X-Forwarded-For is read, so its length matters
    suite = make_suite(conf="trusted proxy 127.0.0.1\n"
                       "argon2 memory 8192 time 1\n"
                       "limit auth failures 1000000\n"
                       "limit invalid tokens 1000000\n"
                       "limit api requests 1000000\n")
    token = admin_token(suite)
    admin_id = call(suite, "GET", "/v1/user/me", token)[1]["id"]
    _, _, hdrs = cookie_login(suite, "admin", admin_password(suite),
                              "username")
    jar = cookies_of(hdrs)
    status, body, _ = call(suite, "POST", "/apiv1/users/1/apikeys", body={
        "name": "all", "scopes": ["apikeys.read", "apikeys.write"]},
        headers=with_cookie(jar, {"X-CSRF-Token": jar["moat_csrf"][0]}))
    assert status == 201
    tokens = {True: token, "apiv1": body["data"]["token"]}
    for method, path, auth, make in body_cases(admin_id):
        for n in BODY_LENGTHS:
            body = json.dumps(make(n)).encode()
            headers = {"Content-Type": "application/json"}
            if auth in tokens:
                headers["Authorization"] = "Bearer " + tokens[auth]
            if auth == "remote":
                headers["X-Client-Secret"] = "cs_" + "A" * 55
            if auth == "remote":
                status, hdrs, raw = suite.request(method, path, body,
                                                  headers, source="127.0.0.2")
            else:
                status, hdrs, raw = send(suite, method, path, body, headers)
            check(suite, "%s %s %d" % (method, path, n), status, raw)
            # what was made is removed, so that the key cap never answers
            if status == 201 and path.startswith("/apiv1/"):
                made = json.loads(raw)["data"]["id"]
                call(suite, "DELETE", "/apiv1/users/1/apikeys/%d" % made,
                     tokens["apiv1"])
    for method, pattern in path_cases(admin_id):
        for n in LENGTHS:
            path = pattern % text(n)
            status, _, raw = send(suite, method, path, b"{}", {
                "Authorization": "Bearer " + token,
                "Content-Type": "application/json"})
            check(suite, "%s %s" % (method, pattern), status, raw)
    for method, path, make in header_cases():
        for n in LENGTHS:
            status, _, raw = send(suite, method, path, b"{}", {
                "Content-Type": "application/json", **make(n)})
            check(suite, "%s %s headers %s" % (method, path,
                                               list(make(1))), status, raw)


@pytest.mark.parametrize("n", (255, 300, 2100))
def test_long_usernames_answer_in_the_dialect(shared_suite, n):
    status, body, _ = call(shared_suite, "POST", "/v1/auth/login",
                           body={"username": text(n), "password": "pw"})
    assert status in (400, 401) and set(body) == {"error"}
    status, body, _ = call(shared_suite, "POST", "/v2/cce",
                           body={"cmd": "AUTH", "user": text(n),
                                 "password": "pw"})
    # (past 1023 characters a member counts as missing: BAD PARAMETERS,
    # or the body's own bounds refuse it)
    assert status in (400, 401, 403)
    assert body["status"] in (400, 401, 403) and body["data"]["errors"]


def test_odd_login_names_keep_the_audit_trail_readable(suite):
    token = admin_token(suite)
    for name in ("\u0001" * 254, '"' * 254, "\\" * 254, "\u00e9" * 127,
                 "a" * 254):
        status, _, _ = call(suite, "POST", "/v1/auth/login",
                            body={"username": name, "password": "pw"})
        assert status in (400, 401)
    status, body, _ = call(suite, "GET", "/v1/admin/events?type=auth.failed",
                           token)
    assert status == 200, body
    actors = [e["metadata"].get("actor") for e in body["events"]]
    assert "a" * 254 in actors
    assert "?" * 254 in actors          # control characters, made visible
    assert alive(suite)


def test_a_user_has_at_most_100_keys(make_suite):
    suite = make_suite(conf="limit api requests 1000\n")
    _, _, hdrs = cookie_login(suite, "admin", admin_password(suite),
                              "username")
    jar = cookies_of(hdrs)
    h = with_cookie(jar, {"X-CSRF-Token": jar["moat_csrf"][0]})
    for i in range(100):
        status, body, _ = call(suite, "POST", "/apiv1/users/1/apikeys",
                               body={"name": "k%d" % i,
                                     "scopes": ["certs.read"]}, headers=h)
        assert status == 201, (i, body)
    status, body, _ = call(suite, "POST", "/apiv1/users/1/apikeys",
                           body={"name": "one too many",
                                 "scopes": ["certs.read"]}, headers=h)
    assert status == 409
    assert body["error"]["code"] == 4009
    # the list pages, and its total counts them all
    status, body, _ = call(suite, "GET", "/apiv1/users/1/apikeys?limit=100",
                           headers=h)
    assert status == 200 and len(body["data"]) == 100
