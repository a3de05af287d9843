"""Broken object-level authorization, across every dialect: user alice,
holding every kind of credential moat issues, tries every route on user
bob's objects (by UUID and by oid, in the path and in the body) and gets
nothing, and no credential of one dialect opens another's routes.
Afterwards everything of bob's is as it was."""
import base64
import json
import time

from identity import admin_password, admin_token, call, login, make_user
from test_account_identity import new_pair, signed
from test_apiv1_identity import cookie_login, cookies_of, with_cookie
from test_cce_identity import cce

ALL_SCOPES = ["certs.read", "certs.write", "devices.read", "devices.write",
              "cas.read", "cas.write", "apikeys.read", "apikeys.write"]


def credentials(suite, admin, name, password):
    """A user with one credential of every kind."""
    u = make_user(suite, admin, name, password)
    status, body = login(suite, name, password)
    assert status == 200
    u["jwt"] = body["token"]
    _, _, hdrs = cookie_login(suite, name, password, "username")
    u["jar"] = cookies_of(hdrs)
    u["csrf"] = {"X-CSRF-Token": u["jar"]["moat_csrf"][0]}
    status, body, _ = call(suite, "POST", "/apiv1/users/%d/apikeys" %
                           u["oid"], body={"name": name, "scopes":
                                           ALL_SCOPES},
                           headers=with_cookie(u["jar"], u["csrf"]))
    assert status == 201, body
    u["key"] = body["data"]
    status, body = cce(suite, {"cmd": "AUTH", "user": name,
                               "password": password})
    assert body["status"] == 201
    u["sid"] = body["data"]["sessionid"]
    u["pair"] = new_pair(suite, u["jwt"])
    return u


def basic(key):
    return {"Authorization": "Basic " + base64.b64encode(
        ("anyone:" + key).encode()).decode()}


def apiv1_as(suite, alice, method, path, body=None):
    """The same apiv1 request with each of alice's apiv1 credentials."""
    answers = []
    answers.append(call(suite, method, path, body=body, headers=with_cookie(
        alice["jar"], alice["csrf"])))
    answers.append(call(suite, method, path, alice["key"]["token"], body))
    answers.append(call(suite, method, path, body=body,
                        headers=basic(alice["key"]["token"])))
    return answers


def test_no_user_reaches_another_users_objects(suite):
    admin = admin_token(suite)
    alice = credentials(suite, admin, "alice", "alice-password-1")
    bob = credentials(suite, admin, "bob", "bob-password-1")
    refs = (bob["id"], str(bob["oid"]))

    # control plane v1: every admin route, on bob by either id, is an
    # admin function: 403 for alice, whatever the body names
    for ref in refs:
        for method, path, body in (
                ("GET", "/v1/admin/users/" + ref, None),
                ("PATCH", "/v1/admin/users/" + ref, {"status": "disabled"}),
                ("PATCH", "/v1/admin/users/" + alice["id"],
                 {"status": "active"}),
                ("DELETE", "/v1/admin/users/" + ref, None),
                ("POST", "/v1/admin/users/%s/rotate-password" % ref, None),
                ("PUT", "/v1/admin/users/%s/expiry" % ref,
                 {"expires_at": "2000-01-01T00:00:00Z"}),
                ("GET", "/v1/admin/users", None),
                ("GET", "/v1/admin/events?user_id=" + ref, None)):
            status, answer, _ = call(suite, method, path, alice["jwt"], body)
            assert status == 403, (method, path, status, answer)
            assert set(answer) == {"error"}
    # her own record only, whatever the query says
    for query in ("?id=" + bob["id"], "?user_id=%d" % bob["oid"]):
        status, me, _ = call(suite, "GET", "/v1/user/me" + query,
                             alice["jwt"])
        assert status in (200, 400)
        if status == 200:
            assert me["username"] == "alice"
    # a password change names no one else: unknown members are refused
    status, answer, _ = call(suite, "POST", "/v1/user/change-password",
                             alice["jwt"], {"old_password":
                                            "alice-password-1",
                                            "new_password": "x" * 12,
                                            "user_id": bob["id"]})
    assert status == 400, answer

    # certificates apiv1: cookie, Bearer key and Basic key alike get 404
    # (as for a missing object) on bob's keys, by his id or through hers
    for ref in refs:
        base = "/apiv1/users/%s/apikeys" % ref
        for method, path, body in (
                ("GET", base, None),
                ("GET", base + "?offset=0&limit=100", None),
                ("POST", base, {"name": "evil", "scopes": ALL_SCOPES}),
                ("GET", base + "/%d" % bob["key"]["id"], None),
                ("DELETE", base + "/%d" % bob["key"]["id"], None)):
            for status, answer, _ in apiv1_as(suite, alice, method, path,
                                              body):
                assert status == 404, (method, path, status, answer)
                assert answer["error"]["code"] == 4001
    mine = "/apiv1/users/%d/apikeys/%d" % (alice["oid"], bob["key"]["id"])
    for method in ("GET", "DELETE"):
        for status, answer, _ in apiv1_as(suite, alice, method, mine):
            assert status == 404, (method, status, answer)
    # her list holds her key alone
    for status, answer, _ in apiv1_as(suite, alice, "GET",
                                      "/apiv1/users/%d/apikeys" %
                                      alice["oid"]):
        assert status == 200
        assert [k["id"] for k in answer["data"]] == [alice["key"]["id"]]

    # command API: her session speaks for her alone
    # (WHOAMI names her User object, which GET reads as hers)
    status, body = cce(suite, {"cmd": "WHOAMI", "sessionid": alice["sid"]})
    her = body["data"]["oid"]
    status, body = cce(suite, {"cmd": "GET %d" % her,
                               "sessionid": alice["sid"]})
    assert status == 200 and body["data"]["DATA"]["name"] == "alice", body
    status, body = cce(suite, {"cmd": "AUTHKEY", "user": "bob",
                               "sessionid": alice["sid"]})
    assert status == 401
    status, body = cce(suite, {"cmd": "WHOAMI", "sessionid": alice["sid"],
                               "user": "bob"})
    assert body["status"] != 201 or body["data"]["oid"] == her
    # nor does it read or change his, however it names him
    status, body = cce(suite, {"cmd": "FIND User name=\"bob\"",
                               "sessionid": alice["sid"]})
    assert body["status"] != 201 or body["data"]["oidlist"] == [], body
    status, body = cce(suite, {"cmd": "WHOAMI", "sessionid": bob["sid"]})
    his = body["data"]["oid"]
    assert his != her
    for cmd in ("GET %d" % his, "NAMES %d" % his,
                "SET %d fullName=\"evil\"" % his, "DESTROY %d" % his):
        status, body = cce(suite, {"cmd": cmd, "sessionid": alice["sid"]})
        assert body["status"] != 201, (cmd, body)

    # account v2: her signature shows her account, and removing her pair
    # leaves his
    api_key, secret = alice["pair"]
    status, body, _ = signed(suite, "GET", "/v2/account", api_key, secret)
    assert status == 200 and body["account"]["id"] == alice["id"]
    status, body, _ = signed(suite, "GET", "/v2/account?user_id=%d" %
                             bob["oid"], api_key, secret)
    assert status in (200, 400)
    if status == 200:
        assert body["account"]["id"] == alice["id"]
    status, body, _ = signed(suite, "GET", "/v2/account", bob["pair"][0],
                             secret)
    assert status == 401

    # no credential crosses into another dialect's routes
    v1_route = "/v1/user/me"
    for token in (alice["key"]["token"], alice["sid"],
                  alice["jar"]["moat_session"][0]):
        assert call(suite, "GET", v1_route, token)[0] == 401
    status, _, _ = signed(suite, "GET", v1_route, api_key, secret)
    assert status == 401
    status, _, _ = call(suite, "GET", v1_route,
                        headers=with_cookie(alice["jar"]))
    assert status == 401
    assert call(suite, "GET", "/apiv1/users/%d/apikeys" % alice["oid"],
                alice["sid"])[0] == 401
    assert cce(suite, {"cmd": "WHOAMI", "sessionid":
                       alice["key"]["token"]})[0] == 401
    assert cce(suite, {"cmd": "WHOAMI", "sessionid": alice["jwt"]})[0] \
        == 401

    # bob's objects are all as they were
    status, body, _ = call(suite, "GET", "/v1/admin/users/" + bob["id"],
                           admin)
    assert status == 200
    body = body["user"]
    assert body["status"] == "active" and body["role"] == "user"
    assert body.get("expires_at") is None
    assert login(suite, "bob", "bob-password-1")[0] == 200
    assert call(suite, "GET", "/v1/user/me", bob["jwt"])[0] == 200
    status, body, _ = call(suite, "GET", "/apiv1/users/%d/apikeys" %
                           bob["oid"], bob["key"]["token"])
    assert status == 200
    assert [k["id"] for k in body["data"]] == [bob["key"]["id"]]
    status, body = cce(suite, {"cmd": "WHOAMI", "sessionid": bob["sid"]})
    his = body["data"]["oid"]
    status, body = cce(suite, {"cmd": "GET %d" % his, "sessionid":
                               bob["sid"]})
    assert body["data"]["DATA"]["name"] == "bob", body
    assert body["data"]["DATA"]["fullName"] != "evil"
    assert signed(suite, "GET", "/v2/account", *bob["pair"])[0] == 200
    # she cannot remove his pair by naming it, with her signature or her
    # session
    his = json.dumps({"api_key": bob["pair"][0]}).encode()
    status, _, _ = signed(suite, "DELETE", "/v2/account/api", api_key,
                          secret, his)
    assert status in (400, 404), status
    status, _, _ = call(suite, "DELETE", "/v2/account/api", alice["jwt"],
                        his)
    assert status in (400, 404), status
    # (a second later: the same signature again would be a replay)
    assert signed(suite, "GET", "/v2/account", *bob["pair"],
                  when=time.time() + 1)[0] == 200
    mine = json.dumps({"api_key": api_key}).encode()
    assert signed(suite, "DELETE", "/v2/account/api", api_key, secret,
                  mine)[0] == 200
    assert signed(suite, "GET", "/v2/account", *bob["pair"],
                  when=time.time() + 2)[0] == 200
    assert signed(suite, "GET", "/v2/account", api_key, secret)[0] == 401

    # and the admin reaches both users' keys
    _, _, hdrs = cookie_login(suite, "admin", admin_password(suite))
    jar = cookies_of(hdrs)
    for u in (alice, bob):
        status, body, _ = call(suite, "GET", "/apiv1/users/%d/apikeys" %
                               u["oid"], headers=with_cookie(jar))
        assert status == 200 and len(body["data"]) == 1

    # and the audit trail of all this holds no password, token or secret
    events, offset = [], 0
    while True:
        status, body, _ = call(suite, "GET", "/v1/admin/events?limit=200"
                               "&offset=%d" % offset, admin)
        assert status == 200
        events += body["events"]
        offset += len(body["events"])
        if not body["events"] or offset >= body["total"]:
            break
    assert len(events) > 10
    text = json.dumps(events)
    for u, pw in ((alice, "alice-password-1"), (bob, "bob-password-1")):
        for secret in (pw, u["jwt"], u["key"]["token"], u["sid"],
                       u["pair"][1], u["jar"]["moat_session"][0],
                       u["jar"]["moat_csrf"][0]):
            assert secret not in text
    assert "$argon2" not in text
