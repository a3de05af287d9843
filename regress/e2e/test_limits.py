"""Who the client is and how often it may guess: X-Forwarded-For read
from its end."""
import json

from identity import admin_password


def via(suite, method, path, lines, body=None, token=None, extra=()):
    """A request with one X-Forwarded-For header line per element of
    lines, as a proxy that appends a line of its own sends it."""
    conn = suite.connection()
    try:
        conn.putrequest(method, path, skip_accept_encoding=True)
        conn.putheader("Content-Type", "application/json")
        if token is not None:
            conn.putheader("Authorization", "Bearer " + token)
        for line in lines:
            conn.putheader("X-Forwarded-For", line)
        for name, value in extra:
            conn.putheader(name, value)
        data = json.dumps(body).encode() if body is not None else b""
        conn.putheader("Content-Length", str(len(data)))
        conn.endheaders(data)
        resp = conn.getresponse()
        raw = resp.read()
        return resp.status, json.loads(raw) if raw else None
    finally:
        conn.close()


# ---- X-Forwarded-For ----------------------------------------------------

def test_forwarded_for_is_the_address_the_proxy_appended(make_suite):
    s = make_suite(conf="trusted proxy 127.0.0.1\n")
    auth = {"cmd": "AUTH", "user": "admin", "password": admin_password(s)}

    def cce_via(*lines):
        return via(s, "POST", "/v2/cce", lines, auth)

    # a proxy that adds a line of its own leaves the client's first
    status, body = cce_via("127.0.0.1", "198.51.100.7")
    assert status == 403 and body["status"] == 304, body
    # one that appends to the client's line
    status, body = cce_via("127.0.0.1, 198.51.100.7")
    assert status == 403 and body["status"] == 304, body
    status, body = cce_via("127.0.0.1", "10.1.1.1, 198.51.100.7")
    assert status == 403 and body["status"] == 304, body
    # a local client behind the proxy is local
    status, body = cce_via("127.0.0.1")
    assert status == 200 and body["status"] == 201, body
    status, body = cce_via("198.51.100.7", "::1")
    assert status == 200 and body["status"] == 201, body


def test_a_malformed_last_address_is_refused(make_suite):
    s = make_suite(conf="trusted proxy 127.0.0.1\n")
    auth = {"cmd": "AUTH", "user": "admin", "password": admin_password(s)}
    # what the proxy wrote is no address: never the client's own line
    for lines in (["127.0.0.1", "garbage"], ["127.0.0.1, nonsense"],
                  ["127.0.0.1", ""], ["127.0.0.1,"],
                  ["127.0.0.1, 198.51.100.7:443"], ["127.0.0.1", "unknown"],
                  ["127.0.0.1, [::1]"]):
        status, body = via(s, "POST", "/v2/cce", lines, auth)
        assert status == 400, (lines, body)
        assert "X-Forwarded-For" in body["message"], body
    # in every dialect's own shape
    status, body = via(s, "POST", "/v1/auth/login", ["127.0.0.1", "x"],
                       {"username": "admin", "password": "x"})
    assert status == 400 and "X-Forwarded-For" in body["error"], body


def test_forwarded_for_walks_back_over_trusted_proxies(make_suite):
    s = make_suite(conf="trusted proxy 127.0.0.1\n"
                   "trusted proxy 10.0.0.5\n"
                   "limit auth failures 2\n")
    pw = admin_password(s)

    def login_via(lines, password):
        return via(s, "POST", "/v1/auth/login", lines,
                   {"username": "admin", "password": password})[0]

    # a client behind two proxies, the first of which appended: its own
    # address counts, not the inner proxy's and not what it wrote
    for i in range(2):
        assert login_via(["127.0.0.1, 198.51.100.7, 10.0.0.5"],
                         "wrong-%d" % i) == 401
    assert login_via(["198.51.100.7, 10.0.0.5"], pw) == 429
    assert login_via(["198.51.100.7", "10.0.0.5"], pw) == 429
    # another client behind the same proxies is limited on its own
    assert login_via(["198.51.100.8, 10.0.0.5"], pw) == 200
    assert login_via(["127.0.0.1", "198.51.100.9, 10.0.0.5"], pw) == 200
    # behind a trusted proxy, a malformed element is refused too
    assert login_via(["127.0.0.1", "garbage, 10.0.0.5"], pw) == 400
    # only trusted proxies: the first of them came to the second
    assert login_via(["10.0.0.5"], pw) == 200
    # localhost as the inner proxy's client: local, for the command API
    status, body = via(s, "POST", "/v2/cce", ["127.0.0.1, 10.0.0.5"],
                       {"cmd": "AUTH", "user": "admin", "password": pw})
    assert status == 200 and body["status"] == 201, body
