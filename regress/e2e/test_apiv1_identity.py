"""Certificates apiv1: the session cookie, CSRF, and ak_ API keys."""
import base64
import json
import re
import time

import pytest

from identity import admin_password, admin_token, call, make_user


def cookie_login(suite, user, password, field="email"):
    status, body, hdrs = call(suite, "POST", "/auth/general",
                              body={field: user, "password": password})
    return status, body, hdrs


# the cookies' names: __Host- (a browser keeps them only if Secure,
# Path=/ and without Domain), here keyed by the rest of the name
HOST = "__Host-"


def cookies_of(hdrs):
    # http.client folds repeated headers with ", "
    raw = hdrs.get("Set-Cookie", "")
    jar = {}
    for part in re.split(r", (?=[!#$%&'*+.^_`|~0-9A-Za-z-]+=)", raw):
        name, _, rest = part.partition("=")
        if name.startswith(HOST):
            name = name[len(HOST):]
        jar[name] = (rest.split(";")[0], rest)
    return jar


def with_cookie(jar, extra=None, prefix=HOST):
    h = {"Cookie": "%smoat_session=%s; %smoat_csrf=%s" % (
        prefix, jar["moat_session"][0], prefix, jar["moat_csrf"][0])}
    h.update(extra or {})
    return h


def test_cookie_login(suite):
    for field in ("email", "username"):
        status, body, hdrs = cookie_login(suite, "admin",
                                          admin_password(suite), field)
        assert status == 200
        assert body["data"]["username"] == "admin"
        jar = cookies_of(hdrs)
        assert jar["moat_session"][0].startswith("mc_")
        attrs = jar["moat_session"][1]
        assert "HttpOnly" in attrs and "Secure" in attrs
        assert "SameSite=Strict" in attrs
        # both __Host- cookies: Secure, Path=/, no Domain
        names = re.findall(r"(?:^|, )([^=;, ]+)=", hdrs["Set-Cookie"])
        assert names == [HOST + "moat_session", HOST + "moat_csrf"], names
        for name in ("moat_session", "moat_csrf"):
            attrs = [a.strip().lower() for a in
                     jar[name][1].split(";")[1:]]
            assert "secure" in attrs and "path=/" in attrs, attrs
            assert not [a for a in attrs if a.startswith("domain")]
    status, body, _ = cookie_login(suite, "admin", "wrong-password")
    assert status == 401
    assert body == {"error": {"code": 401, "what": "invalid credentials"}}


def test_cookie_session_and_csrf(suite):
    _, body, hdrs = cookie_login(suite, "admin", admin_password(suite))
    jar = cookies_of(hdrs)
    path = "/apiv1/users/1/apikeys"
    status, body, _ = call(suite, "GET", path, headers=with_cookie(jar))
    assert status == 200 and body["data"] == []
    key = {"name": "k", "scopes": ["certs.read"]}
    # a state change with only the cookie, of a kind another site's page
    # can send without asking (a form's content types, or none): refused
    for ctype in ("application/x-www-form-urlencoded",
                  "multipart/form-data; boundary=x", "text/plain", None):
        h = with_cookie(jar)
        if ctype is None:
            status, _, raw = suite.request("POST", path,
                                           json.dumps(key).encode(), h)
            body = json.loads(raw)
        else:
            h["Content-Type"] = ctype
            status, body, _ = call(suite, "POST", path, body=key, headers=h)
        assert status == 403 and body["error"]["code"] == 4003, ctype
    # JSON needs a CORS preflight that frontd never grants: no page can
    # send it unasked, so certctrl-apiv1.txt's own curl -b examples work
    status, body, _ = call(suite, "POST", path, body=key,
                           headers=with_cookie(jar))
    assert status == 201, body
    # from another origin: refused
    status, _, _ = call(suite, "POST", path, body=key, headers=with_cookie(
        jar, {"Origin": "https://evil.example"}))
    assert status == 403
    status, _, _ = call(suite, "POST", path, body=key, headers=with_cookie(
        jar, {"Referer": "https://evil.example/x"}))
    assert status == 403
    # from our own origin, or with the double-submit token: accepted
    own = "https://127.0.0.1:%d" % suite.port
    assert call(suite, "POST", path, body=key, headers=with_cookie(
        jar, {"Origin": own}))[0] == 201
    assert call(suite, "POST", path, body=key, headers=with_cookie(
        jar, {"Referer": own + "/ui"}))[0] == 201
    assert call(suite, "POST", path, body=key, headers=with_cookie(
        jar, {"X-CSRF-Token": jar["moat_csrf"][0]}))[0] == 201
    assert call(suite, "POST", path, body=key, headers=with_cookie(
        jar, {"X-CSRF-Token": "x" * 32}))[0] == 403
    # logout clears the cookie and ends the session
    status, body, hdrs = call(suite, "POST", "/auth/logout",
                              headers=with_cookie(jar, {"Origin": own}))
    assert status == 200
    assert "Max-Age=0" in hdrs["Set-Cookie"]
    assert call(suite, "GET", path, headers=with_cookie(jar))[0] == 401
    # a cookie is not a bearer token of the control plane
    assert call(suite, "GET", "/v1/user/me",
                jar["moat_session"][0])[0] == 401


def make_key(suite, token, user_id, body):
    status, answer, _ = call(suite, "POST", "/apiv1/users/%s/apikeys" %
                             user_id, token, body)
    return status, answer


def test_api_keys(suite):
    admin = admin_token(suite)
    # an admin's session is a bearer token of apiv1 too? no: mint a key
    # through a cookie session instead
    _, _, hdrs = cookie_login(suite, "admin", admin_password(suite))
    jar = cookies_of(hdrs)
    csrf = {"X-CSRF-Token": jar["moat_csrf"][0]}
    path = "/apiv1/users/1/apikeys"
    status, body, _ = call(suite, "POST", path, body={
        "name": "ci", "scopes": ["certs.read", "apikeys.read"],
        "expires_in_seconds": 3600}, headers=with_cookie(jar, csrf))
    assert status == 201
    key = body["data"]
    token = key["token"]
    assert token.startswith("ak_") and len(token) == 58
    assert key["scopes"] == ["certs.read", "apikeys.read"]
    assert key["expires_at"] is not None
    # listed and fetched without the token
    status, body, _ = call(suite, "GET", path, token)
    assert status == 200
    assert [k["name"] for k in body["data"]] == ["ci"]
    assert token not in json.dumps(body)
    status, body, _ = call(suite, "GET", path + "/%d" % key["id"], token)
    assert status == 200 and "token" not in body["data"]
    # Basic with any user name
    basic = base64.b64encode(("anyone:" + token).encode()).decode()
    status, _, _ = call(suite, "GET", path, headers={
        "Authorization": "Basic " + basic})
    assert status == 200
    # a missing scope
    status, body, _ = call(suite, "DELETE", path + "/%d" % key["id"], token)
    assert status == 403
    assert body == {"error": {"code": 4003,
                              "what": "api key lacks required permission"}}
    # a key cannot make a key with more than it has
    status, body, _ = call(suite, "POST", path, token,
                           {"name": "x", "scopes": ["certs.read"]})
    assert status == 403
    # keys are apiv1's: not the control plane's
    assert call(suite, "GET", "/v1/user/me", token)[0] == 401
    # malformed, deleted, expired keys: 401
    for bad in (token[:-1], token + "A", "ak_" + "A" * 55, "ak_"):
        assert call(suite, "GET", path, bad)[0] == 401
    status, body, _ = call(suite, "POST", path, body={
        "name": "short", "permissions": [{"obtype": "apikeys", "obid": "*",
                                          "actions": ["read", "write"]}],
        "expires_in_seconds": 3}, headers=with_cookie(jar, csrf))
    assert status == 201
    short = body["data"]
    assert short["scopes"] == ["apikeys.read", "apikeys.write"]
    # (seconds are whole: 3 s is more than 2, less than 4, and the grant
    # frontd keeps for it does not outlive the key)
    assert call(suite, "GET", path, short["token"])[0] == 200
    time.sleep(4.2)
    assert call(suite, "GET", path, short["token"])[0] == 401
    status, _, _ = call(suite, "DELETE", path + "/%d" % key["id"],
                        headers=with_cookie(jar, csrf))
    assert status == 204
    assert call(suite, "GET", path, token)[0] == 401
    assert call(suite, "GET", path + "/%d" % key["id"],
                headers=with_cookie(jar))[0] == 404
    del admin


@pytest.mark.parametrize("body", [
    {"name": "x"},
    {"name": "x", "scopes": ["certs.read", "root"]},
    {"name": "x", "scopes": "certs.read"},
    {"name": "x", "scopes": ["certs.read"], "expires_in_seconds": -5},
    {"name": "x", "scopes": ["certs.read"], "expires_in_seconds": "1h"},
    {"name": "x" * 101, "scopes": ["certs.read"]},
    {"name": "x", "scopes": ["certs.read"], "owner": 2},
    {"name": "x", "permissions": [{"obtype": "certs", "actions": ["fly"]}]},
])
def test_bad_key_requests(shared_suite, body):
    _, _, hdrs = cookie_login(shared_suite, "admin",
                              admin_password(shared_suite))
    jar = cookies_of(hdrs)
    status, answer, _ = call(shared_suite, "POST", "/apiv1/users/1/apikeys",
                             body=body, headers=with_cookie(
                                 jar, {"X-CSRF-Token": jar["moat_csrf"][0]}))
    assert status == 400
    assert set(answer["error"]) == {"code", "what"}


def test_users_reach_only_their_own_keys(suite):
    admin = admin_token(suite)
    alice = make_user(suite, admin, "alice", "alice-password")
    bob = make_user(suite, admin, "bob", "bob-password-1")
    keys = {}
    for who, pw in (("alice", "alice-password"), ("bob", "bob-password-1")):
        _, _, hdrs = cookie_login(suite, who, pw, "username")
        jar = cookies_of(hdrs)
        keys[who] = (jar, {"X-CSRF-Token": jar["moat_csrf"][0]})
    ajar, acsrf = keys["alice"]
    status, body, _ = call(suite, "POST", "/apiv1/users/%d/apikeys" %
                           alice["oid"], body={"name": "a", "scopes": [
                               "apikeys.read", "apikeys.write"]},
                           headers=with_cookie(ajar, acsrf))
    assert status == 201
    akey = body["data"]
    bjar, bcsrf = keys["bob"]
    # bob, by any id, gets nothing of alice's: 404 as for a missing one
    for uid in (alice["oid"], alice["id"]):
        base = "/apiv1/users/%s/apikeys" % uid
        for method, path, body in (
                ("GET", base, None),
                ("POST", base, {"name": "b", "scopes": ["certs.read"]}),
                ("GET", base + "/%d" % akey["id"], None),
                ("DELETE", base + "/%d" % akey["id"], None)):
            status, answer, _ = call(suite, method, path, body=body,
                                     headers=with_cookie(bjar, bcsrf))
            assert status == 404, (method, path, status)
            assert answer["error"]["code"] == 4001
    # nor through his own user id with her key's id
    status, _, _ = call(suite, "GET", "/apiv1/users/%d/apikeys/%d" % (
        bob["oid"], akey["id"]), headers=with_cookie(bjar))
    assert status == 404
    # alice's key does not open bob's keys either
    status, _, _ = call(suite, "GET", "/apiv1/users/%d/apikeys" %
                        bob["oid"], akey["token"])
    assert status == 404
    # the admin reaches both
    _, _, hdrs = cookie_login(suite, "admin", admin_password(suite))
    jar = cookies_of(hdrs)
    status, body, _ = call(suite, "GET", "/apiv1/users/%d/apikeys" %
                           alice["oid"], headers=with_cookie(jar))
    assert status == 200 and len(body["data"]) == 1
    # disabling alice stops her key at once
    call(suite, "PATCH", "/v1/admin/users/" + alice["id"], admin,
         {"status": "disabled"})
    assert call(suite, "GET", "/apiv1/users/%d/apikeys" % alice["oid"],
                akey["token"])[0] == 401


def test_a_key_makes_no_key_that_outlives_or_exceeds_it(suite):
    """A key made with a key has at most its maker's scopes and expires
    no later than its maker: an expiring key once made one that never
    expired.  Refused with 403 (4003), as a key that lacks a permission;
    a session, whose keys are its user's, may make any."""
    _, _, hdrs = cookie_login(suite, "admin", admin_password(suite))
    jar = cookies_of(hdrs)
    csrf = {"X-CSRF-Token": jar["moat_csrf"][0]}
    path = "/apiv1/users/1/apikeys"
    scopes = ["certs.read", "apikeys.read", "apikeys.write"]
    status, body, _ = call(suite, "POST", path, body={
        "name": "maker", "scopes": scopes, "expires_in_seconds": 3600},
        headers=with_cookie(jar, csrf))
    assert status == 201, body
    maker = body["data"]
    for bad in ({"name": "forever", "scopes": ["certs.read"]},
                {"name": "null", "scopes": ["certs.read"],
                 "expires_in_seconds": None},
                {"name": "later", "scopes": ["certs.read"],
                 "expires_in_seconds": 7200},
                {"name": "wider", "scopes": ["certs.write"],
                 "expires_in_seconds": 60},
                {"name": "perms", "permissions": [{"obtype": "devices",
                                                   "actions": ["read"]}],
                 "expires_in_seconds": 60}):
        for auth in ({"Authorization": "Bearer " + maker["token"]},
                     {"Authorization": "Basic " + base64.b64encode(
                         ("bot:" + maker["token"]).encode()).decode()}):
            status, answer, _ = call(suite, "POST", path, body=bad,
                                     headers=auth)
            assert status == 403, (bad, answer)
            assert answer["error"]["code"] == 4003, answer
    status, body, _ = call(suite, "GET", path, maker["token"])
    assert [k["name"] for k in body["data"]] == ["maker"]
    # within its life and its scopes: made, and no longer-lived
    status, body, _ = call(suite, "POST", path, maker["token"], {
        "name": "child", "scopes": ["certs.read", "apikeys.read"],
        "expires_in_seconds": 600})
    assert status == 201, body
    child = body["data"]
    assert child["expires_at"] is not None
    status, body, _ = call(suite, "POST", path, maker["token"], {
        "name": "same", "scopes": scopes, "expires_in_seconds": 3500})
    assert status == 201, body
    # a key that never expires makes keys of any life; a session too
    status, body, _ = call(suite, "POST", path, body={
        "name": "root", "scopes": scopes}, headers=with_cookie(jar, csrf))
    assert status == 201, body
    root = body["data"]
    assert root["expires_at"] is None
    status, body, _ = call(suite, "POST", path, root["token"], {
        "name": "free", "scopes": ["certs.read"]})
    assert status == 201, body
    assert body["data"]["expires_at"] is None


def test_the_old_cookie_names_open_nothing(suite):
    """The cookies were named moat_session and moat_csrf before they had
    the __Host- prefix; those names are no longer read."""
    _, _, hdrs = cookie_login(suite, "admin", admin_password(suite))
    jar = cookies_of(hdrs)
    path = "/apiv1/users/1/apikeys"
    assert call(suite, "GET", path, headers=with_cookie(jar))[0] == 200
    status, body, _ = call(suite, "GET", path,
                           headers=with_cookie(jar, prefix=""))
    assert status == 401, body
    # nor does a csrf cookie without the prefix pass the double submit
    own = with_cookie(jar, {"X-CSRF-Token": jar["moat_csrf"][0]})
    own["Cookie"] = "%smoat_session=%s; moat_csrf=%s" % (
        HOST, jar["moat_session"][0], jar["moat_csrf"][0])
    status, body, _ = call(suite, "POST", path, body={
        "name": "k", "scopes": ["certs.read"]}, headers=own)
    assert status == 403, body
    # logging out clears the prefixed ones
    status, _, hdrs = call(suite, "POST", "/auth/logout", headers=with_cookie(
        jar, {"X-CSRF-Token": jar["moat_csrf"][0]}))
    assert status == 200
    assert hdrs["Set-Cookie"].startswith(HOST + "moat_session=;")
    assert ", %smoat_csrf=;" % HOST in hdrs["Set-Cookie"]


def test_basic_auth_passes_the_csrf_check(suite):
    """A browser sends a Basic password it was once given with any
    request, as it sends a cookie: a state change with one must come
    from our own origin, or be one that no page can send unasked.  curl
    -u and git send no Origin and a JSON (or git) body, and pass; a
    bearer key is never sent by a browser on its own, and needs
    nothing."""
    _, _, hdrs = cookie_login(suite, "admin", admin_password(suite))
    jar = cookies_of(hdrs)
    path = "/apiv1/users/1/apikeys"
    status, body, _ = call(suite, "POST", path, body={
        "name": "bot", "scopes": ["apikeys.read", "apikeys.write"]},
        headers=with_cookie(jar, {"X-CSRF-Token": jar["moat_csrf"][0]}))
    assert status == 201, body
    token = body["data"]["token"]
    basic = {"Authorization": "Basic " + base64.b64encode(
        ("automation-bot:" + token).encode()).decode()}
    own = "https://127.0.0.1:%d" % suite.port
    key = json.dumps({"name": "k", "scopes": ["apikeys.read"]}).encode()

    def post(headers, body=key):
        status, hdrs, raw = suite.request("POST", path, body, headers)
        return status, json.loads(raw) if raw else None

    # from another site, or as a form could send it: refused
    for extra in ({"Origin": "https://evil.example",
                   "Content-Type": "application/json"},
                  {"Origin": "null", "Content-Type": "application/json"},
                  {"Referer": "https://evil.example/x",
                   "Content-Type": "application/json"},
                  {"Content-Type": "text/plain"},
                  {"Content-Type": "text/plain;charset=UTF-8"},
                  {"Content-Type": " Application/X-WWW-Form-Urlencoded "},
                  {"Content-Type": "multipart/form-data; boundary=x"},
                  {}):
        status, answer = post(dict(basic, **extra))
        assert status == 403, (extra, answer)
        assert answer == {"error": {"code": 4003, "what":
                                    "cross-site request refused"}}
    status, _, _ = call(suite, "DELETE", path + "/1", headers=dict(
        basic, Origin="https://evil.example"))
    assert status == 403
    status, body, _ = call(suite, "GET", path, headers=basic)
    assert status == 200 and len(body["data"]) == 1     # nothing made
    # our own origin, or what curl -u and git send: accepted
    assert post(dict(basic, **{"Origin": own, "Content-Type":
                               "text/plain"}))[0] == 201
    assert post(dict(basic, **{"Referer": own + "/ui", "Content-Type":
                               "text/plain"}))[0] == 201
    assert post(dict(basic, **{"Content-Type":
                               "application/json"}))[0] == 201
    # a bearer key is unaffected, whatever the request says
    for extra in ({"Origin": "https://evil.example"},
                  {"Content-Type": "text/plain"}, {}):
        status, answer = post(dict({"Authorization": "Bearer " + token},
                                   **extra))
        assert status == 201, (extra, answer)
    # and so are reads
    assert call(suite, "GET", path, headers=dict(
        basic, Origin="https://evil.example"))[0] == 200
