"""Command API v2: PING, AUTH/AUTHKEY from localhost, LOGIN for remote
clients with a secret, WHOAMI, BYE, ENDKEY.  "Remote" is a request from
127.0.0.2: only 127.0.0.1 and ::1 are localhost."""
import re
from datetime import datetime, timezone

from identity import admin_password, admin_token, call, make_user, moatctl

REMOTE = "127.0.0.2"


def cce(suite, body, secret=None, source=None, headers=None):
    h = dict(headers or {})
    if secret is not None:
        h["X-Client-Secret"] = secret
    status, answer, _ = call(suite, "POST", "/v2/cce", body=body,
                             headers=h, source=source)
    return status, answer


def add_client(suite, name, *allow, user=None):
    args = ["client", "add", name]
    for a in allow:
        args += ["--allow", a]
    if user:
        args += ["--user", user]
    out = moatctl(suite, *args)
    assert out.returncode == 0, out.stderr
    secret = out.stdout.strip()
    assert re.fullmatch(r"cs_[A-Za-z0-9_-]{55}", secret)
    return secret


def test_ping_needs_nothing(shared_suite):
    for source in (None, REMOTE):
        status, body = cce(shared_suite, {"cmd": "PING"}, source=source)
        assert status == 200
        assert body == {"status": 202, "message": "PONG"}


def test_auth_from_localhost(suite):
    pw = admin_password(suite)
    status, body = cce(suite, {"cmd": "AUTH", "user": "admin",
                               "password": pw})
    assert status == 200
    assert body["status"] == 201 and body["message"] == "GOODBYE"
    sid = body["data"]["sessionid"]
    status, body = cce(suite, {"cmd": "AUTH", "user": "admin",
                               "password": "wrong"})
    assert status == 401
    assert body == {"status": 401, "message": "GOODBYE", "data": {
        "errors": [{"code": 401, "message": "FAIL"}]}}
    status, body = cce(suite, {"cmd": "WHOAMI", "sessionid": sid})
    assert (status, body["status"]) == (200, 201)
    # the admin's User object (System is oid 1), which GET reads
    me = body["data"]["oid"]
    assert isinstance(me, int) and me > 1
    status, body = cce(suite, {"cmd": "GET %d" % me, "sessionid": sid})
    assert body["data"]["DATA"]["name"] == "admin"
    assert cce(suite, {"cmd": "AUTHKEY", "user": "admin",
                       "sessionid": sid})[1]["status"] == 201
    status, body = cce(suite, {"cmd": "AUTHKEY", "user": "someone",
                               "sessionid": sid})
    assert status == 401
    status, body = cce(suite, {"cmd": "BYE", "sessionid": sid})
    assert body == {"status": 202, "message": "GOODBYE"}
    status, body = cce(suite, {"cmd": "WHOAMI", "sessionid": sid})
    assert status == 401
    assert body["data"]["errors"][0]["message"] == "Invalid or expired token"


def test_local_only_and_remote_only(suite):
    pw = admin_password(suite)
    secret = add_client(suite, "billing", REMOTE)
    # AUTH and AUTHKEY from a remote address: 403
    for cmd in ("AUTH", "AUTHKEY"):
        status, body = cce(suite, {"cmd": cmd, "user": "admin",
                                   "password": pw}, secret, REMOTE)
        assert status == 403 and body["status"] == 304
    # LOGIN from localhost: 403
    status, body = cce(suite, {"cmd": "LOGIN"}, secret)
    assert status == 403 and body["status"] == 304
    # X-Forwarded-For from an untrusted peer makes nobody remote
    status, body = cce(suite, {"cmd": "AUTH", "user": "admin",
                               "password": pw},
                       headers={"X-Forwarded-For": "198.51.100.7"})
    assert status == 200 and body["status"] == 201


def test_remote_login_and_tokens(suite):
    admin = admin_token(suite)
    make_user(suite, admin, "bill", "bill-password")
    secret = add_client(suite, "billing", REMOTE, "127.0.0.3")
    other = add_client(suite, "other", REMOTE)
    listed = moatctl(suite, "client", "list").stdout
    assert "billing" in listed and REMOTE in listed and secret not in listed
    # without or with a wrong secret, nothing
    assert cce(suite, {"cmd": "LOGIN"}, None, REMOTE)[0] == 403
    altered = secret[:-1] + ("A" if secret[-1] != "A" else "E")
    assert cce(suite, {"cmd": "LOGIN"}, altered, REMOTE)[0] == 403
    assert cce(suite, {"cmd": "LOGIN"}, "cs_nope", REMOTE)[0] == 403
    # from an address the client may not use
    assert cce(suite, {"cmd": "LOGIN"}, secret, "127.0.0.4")[0] == 403
    # LOGIN: a token and its expiry, 300 s by default
    status, body = cce(suite, {"cmd": "LOGIN"}, secret, REMOTE)
    assert status == 200 and body["status"] == 201
    token = body["data"]["token"]
    expires = datetime.strptime(body["data"]["expires"],
                                "%Y-%m-%dT%H:%M:%SZ").replace(
                                    tzinfo=timezone.utc)
    left = (expires - datetime.now(timezone.utc)).total_seconds()
    assert 280 < left <= 301
    status, body = cce(suite, {"cmd": "WHOAMI", "token": token}, secret,
                       REMOTE)
    assert status == 200 and body["data"]["oid"] > 1
    admin_oid = body["data"]["oid"]
    # the token is bound to its address and its client
    assert cce(suite, {"cmd": "WHOAMI", "token": token}, secret,
               "127.0.0.3")[0] == 401
    assert cce(suite, {"cmd": "WHOAMI", "token": token}, other,
               REMOTE)[0] == 401
    assert cce(suite, {"cmd": "WHOAMI", "token": token}, None,
               REMOTE)[0] == 403
    # it is no session id for localhost either
    assert cce(suite, {"cmd": "WHOAMI", "sessionid": token})[0] == 401
    # LOGIN as a user, with that user's password
    status, body = cce(suite, {"cmd": "LOGIN", "username": "bill",
                               "password": "bill-password"}, secret, REMOTE)
    assert status == 200
    btoken = body["data"]["token"]
    bill = call(suite, "GET", "/v1/admin/users/bill", admin)
    status, body = cce(suite, {"cmd": "WHOAMI", "token": btoken}, secret,
                       REMOTE)
    assert body["data"]["oid"] > 1 and body["data"]["oid"] != admin_oid
    assert cce(suite, {"cmd": "LOGIN", "username": "bill",
                       "password": "wrong"}, secret, REMOTE)[0] == 401
    del bill
    # BYE and ENDKEY end tokens early
    status, body = cce(suite, {"cmd": "BYE", "token": token}, secret, REMOTE)
    assert body == {"status": 202, "message": "GOODBYE"}
    assert cce(suite, {"cmd": "WHOAMI", "token": token}, secret,
               REMOTE)[0] == 401
    status, body = cce(suite, {"cmd": "ENDKEY", "token": btoken}, secret,
                       REMOTE)
    assert (status, body["status"]) == (200, 201)
    assert cce(suite, {"cmd": "WHOAMI", "token": btoken}, secret,
               REMOTE)[0] == 401
    # removing the client ends its tokens and its logins
    status, body = cce(suite, {"cmd": "LOGIN"}, secret, REMOTE)
    token = body["data"]["token"]
    assert moatctl(suite, "client", "del", "billing").returncode == 0
    assert cce(suite, {"cmd": "WHOAMI", "token": token}, secret,
               REMOTE)[0] == 403
    assert cce(suite, {"cmd": "LOGIN"}, secret, REMOTE)[0] == 403
    assert moatctl(suite, "client", "del", "billing").returncode == 1


def test_disabling_the_user_ends_cce_sessions(suite):
    admin = admin_token(suite)
    make_user(suite, admin, "carl", "carl-password")
    status, body = cce(suite, {"cmd": "AUTH", "user": "carl",
                               "password": "carl-password"})
    sid = body["data"]["sessionid"]
    carl = call(suite, "GET", "/v1/user/me", None)
    del carl
    users = call(suite, "GET", "/v1/admin/users", admin)[1]["users"]
    cid = [u["id"] for u in users if u["username"] == "carl"][0]
    call(suite, "PATCH", "/v1/admin/users/" + cid, admin,
         {"status": "disabled"})
    assert cce(suite, {"cmd": "WHOAMI", "sessionid": sid})[0] == 401


def test_bad_requests(shared_suite):
    for body in ({}, {"cmd": ""}, {"cmd": 5}, {"cmd": "FLY"},
                 {"cmd": "WHOAMI"}):
        status, answer = cce(shared_suite, body)
        assert status in (400, 401), body
        assert set(answer) == {"status", "message", "data"}
        assert answer["data"]["errors"]
    status, answer, _ = call(shared_suite, "POST", "/v2/cce", body=b"{")
    assert status == 400 and answer["data"]["errors"]


def test_client_secrets_are_rate_limited(make_suite):
    s = make_suite(conf="limit auth failures 3\n")
    secret = add_client(s, "billing", REMOTE)
    for _ in range(3):
        assert cce(s, {"cmd": "LOGIN"}, "cs_" + "x" * 55, REMOTE)[0] == 403
    status, body, hdrs = call(s, "POST", "/v2/cce", body={"cmd": "LOGIN"},
                              headers={"X-Client-Secret": secret},
                              source=REMOTE)
    assert status == 429    # even the right secret, while over the limit
    assert 0 < int(hdrs["Retry-After"]) <= 60
    # other addresses are not held back by it
    assert cce(s, {"cmd": "AUTH", "user": "admin",
                   "password": admin_password(s)})[0] == 200


def test_moatctl_client_errors(suite):
    assert moatctl(suite, "client", "add", "x").returncode != 0
    assert moatctl(suite, "client", "add", "bad name", "--allow",
                   "10.0.0.1").returncode != 0
    assert moatctl(suite, "client", "add", "y", "--allow",
                   "not-an-address").returncode != 0
    add_client(suite, "dup", "10.0.0.1")
    out = moatctl(suite, "client", "add", "dup", "--allow", "10.0.0.1")
    assert out.returncode != 0 and "exists" in out.stderr
    out = moatctl(suite, "client", "add", "z", "--allow", "10.0.0.1",
                  "--user", "nobody")
    assert out.returncode != 0
    # too many networks, too long a list, too long a user name: refused
    # with a message, and the suite stays up
    many = []
    for i in range(17):
        many += ["--allow", "10.0.%d.0/24" % i]
    out = moatctl(suite, "client", "add", "many", *many)
    assert out.returncode == 1 and "at most 16" in out.stderr
    many = []
    for i in range(80):
        many += ["--allow", "2001:db8:%x::/48" % i]
    out = moatctl(suite, "client", "add", "long", *many)
    assert out.returncode == 1 and out.stderr
    out = moatctl(suite, "client", "add", "w", "--allow", "10.0.0.1",
                  "--user", "u" * 300)
    assert out.returncode == 1 and "at most" in out.stderr
    sixteen = []
    for i in range(16):
        sixteen += ["--allow", "10.1.%d.0/24" % i]
    add_client(suite, "sixteen", *[a for a in sixteen if a != "--allow"])
    assert moatctl(suite, "status").returncode == 0
    assert "sixteen" in moatctl(suite, "client", "list").stdout


def relabel(token, prefix):
    return prefix + token[3:]


def test_tokens_only_under_their_own_prefix(suite):
    """A token is accepted only with the prefix it was minted with: a
    LOGIN token once passed as an AUTH session id (ms_) from localhost,
    with neither its client's secret nor its address."""
    from test_apiv1_identity import cookie_login, cookies_of, with_cookie
    admin = admin_token(suite)
    secret = add_client(suite, "billing", REMOTE)
    status, body = cce(suite, {"cmd": "LOGIN"}, secret, REMOTE)
    assert status == 200
    ml = body["data"]["token"]
    assert ml.startswith("ml_")
    assert cce(suite, {"cmd": "WHOAMI", "token": ml}, secret,
               REMOTE)[0] == 200
    for prefix in ("ms_", "mc_", "ak_", "cs_"):
        other = relabel(ml, prefix)
        assert cce(suite, {"cmd": "WHOAMI", "sessionid": other})[0] == 401, \
            prefix
        assert cce(suite, {"cmd": "WHOAMI", "token": other}, secret,
                   REMOTE)[0] == 401, prefix
        assert cce(suite, {"cmd": "WHOAMI", "token": other},
                   secret)[0] == 401, prefix
    # an AUTH session id, as a LOGIN token or an apiv1 cookie
    status, body = cce(suite, {"cmd": "AUTH", "user": "admin",
                               "password": admin_password(suite)})
    ms = body["data"]["sessionid"]
    assert ms.startswith("ms_")
    assert cce(suite, {"cmd": "WHOAMI", "sessionid": ms})[0] == 200
    for prefix in ("ml_", "mc_", "ak_"):
        assert cce(suite, {"cmd": "WHOAMI", "sessionid":
                           relabel(ms, prefix)})[0] == 401, prefix
        assert cce(suite, {"cmd": "WHOAMI", "token": relabel(ms, prefix)},
                   secret, REMOTE)[0] == 401, prefix
    # an apiv1 cookie, as another kind, in apiv1 and in the command API
    _, _, hdrs = cookie_login(suite, "admin", admin_password(suite))
    jar = cookies_of(hdrs)
    mc = jar["moat_session"][0]
    assert mc.startswith("mc_")
    path = "/apiv1/users/1/apikeys"
    assert call(suite, "GET", path, headers=with_cookie(jar))[0] == 200
    assert call(suite, "GET", path, mc)[0] == 200
    for prefix in ("ms_", "ml_", "ak_"):
        other = relabel(mc, prefix)
        relabelled = dict(jar, moat_session=(other, ""))
        assert call(suite, "GET", path,
                    headers=with_cookie(relabelled))[0] == 401, prefix
        assert call(suite, "GET", path, other)[0] == 401, prefix
        assert cce(suite, {"cmd": "WHOAMI", "sessionid": other})[0] == 401
    # an API key as a session of any kind
    status, body, _ = call(suite, "POST", path, body={
        "name": "k", "scopes": ["apikeys.read"]}, headers=with_cookie(
            jar, {"X-CSRF-Token": jar["moat_csrf"][0]}))
    assert status == 201, body
    ak = body["data"]["token"]
    assert call(suite, "GET", path, ak)[0] == 200
    for prefix in ("mc_", "ms_", "ml_", "cs_"):
        other = relabel(ak, prefix)
        assert call(suite, "GET", path, other)[0] == 401, prefix
        relabelled = dict(jar, moat_session=(other, ""))
        assert call(suite, "GET", path,
                    headers=with_cookie(relabelled))[0] == 401, prefix
        assert cce(suite, {"cmd": "WHOAMI", "sessionid": other})[0] == 401
    # a client secret is no token, and no token is a client secret
    for prefix in ("ms_", "ml_", "mc_", "ak_"):
        assert cce(suite, {"cmd": "WHOAMI", "sessionid":
                           relabel(secret, prefix)})[0] == 401, prefix
    for token in (ml, ms):
        assert cce(suite, {"cmd": "LOGIN"}, relabel(token, "cs_"),
                   REMOTE)[0] == 403
    # nothing of this ended the real ones
    assert cce(suite, {"cmd": "WHOAMI", "token": ml}, secret,
               REMOTE)[0] == 200
    assert cce(suite, {"cmd": "WHOAMI", "sessionid": ms})[0] == 200
    del admin
