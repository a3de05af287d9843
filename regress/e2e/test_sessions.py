"""An admin can see and end any login session (SECURITY.md, ASVS 7.4.5),
beyond the reference: GET /v1/admin/sessions, GET and DELETE
/v1/admin/users/{id}/sessions, DELETE /v1/admin/sessions/{id}.  An ended
session is refused at once; a listing never shows a token; users can
do none of it."""
import base64
import json
import uuid

from identity import admin_token, call, login, make_user, moatctl


def jti(token):
    payload = token.split(".")[1]
    payload += "=" * (-len(payload) % 4)
    return json.loads(base64.urlsafe_b64decode(payload))["jti"]


def sessions_of(suite, admin, uid):
    status, body, _ = call(suite, "GET", "/v1/admin/users/%s/sessions" %
                           uid, admin)
    assert status == 200, body
    return body


def me(suite, token):
    return call(suite, "GET", "/v1/user/me", token)[0]


def test_admin_ends_one_session_and_then_all(suite):
    admin = admin_token(suite)
    user = make_user(suite, admin, "watched", "password-watched")
    tokens = [login(suite, "watched", "password-watched")[1]["token"]
              for _ in range(3)]
    body = sessions_of(suite, admin, user["id"])
    assert body["total"] == 3 and len(body["sessions"]) == 3
    ids = {s["id"] for s in body["sessions"]}
    assert ids == {jti(t) for t in tokens}
    for s in body["sessions"]:
        assert s["user_id"] == user["id"] and s["username"] == "watched"
        assert s["dialect"] == "v1" and s["source_ip"]
        assert set(s) == {"id", "user_id", "username", "dialect",
                          "source_ip", "created_at", "last_used_at",
                          "expires_at"}
    raw = json.dumps(body)
    for t in tokens:
        assert t not in raw and t.split(".")[2] not in raw
    # the same through the filter on all sessions
    status, all_of, _ = call(suite, "GET", "/v1/admin/sessions?user_id=" +
                             user["id"], admin)
    assert status == 200 and all_of["total"] == 3, all_of
    status, everyone, _ = call(suite, "GET", "/v1/admin/sessions", admin)
    assert status == 200 and everyone["total"] >= 4   # the admin's too

    # one ends; the others live
    status, body, _ = call(suite, "DELETE", "/v1/admin/sessions/" +
                           jti(tokens[0]), admin)
    assert status == 204, body
    assert me(suite, tokens[0]) == 401
    assert me(suite, tokens[1]) == 200 and me(suite, tokens[2]) == 200
    status, body, _ = call(suite, "DELETE", "/v1/admin/sessions/" +
                           jti(tokens[0]), admin)
    assert status == 404 and "error" in body
    # then every one of the user's, and only theirs
    status, body, _ = call(suite, "DELETE", "/v1/admin/users/%s/sessions" %
                           user["id"], admin)
    assert status == 204, body
    assert me(suite, tokens[1]) == 401 and me(suite, tokens[2]) == 401
    assert sessions_of(suite, admin, user["id"])["total"] == 0
    assert me(suite, admin) == 200
    # the user can log in again
    assert login(suite, "watched", "password-watched")[0] == 200
    status, events, _ = call(suite, "GET", "/v1/admin/events?type="
                             "admin.session.end&user_id=" + user["id"],
                             admin)
    assert status == 200 and events["total"] == 2, events


def test_users_cannot_see_or_end_sessions(suite):
    admin = admin_token(suite)
    alice = make_user(suite, admin, "alice", "password-alice")
    bob = make_user(suite, admin, "bob", "password-bob")
    a = login(suite, "alice", "password-alice")[1]["token"]
    b = login(suite, "bob", "password-bob")[1]["token"]
    for method, path in (
            ("GET", "/v1/admin/sessions"),
            ("GET", "/v1/admin/users/%s/sessions" % bob["id"]),
            ("GET", "/v1/admin/users/%s/sessions" % alice["id"]),
            ("DELETE", "/v1/admin/sessions/" + jti(b)),
            ("DELETE", "/v1/admin/sessions/" + jti(a)),
            ("DELETE", "/v1/admin/users/%s/sessions" % bob["id"])):
        status, body, _ = call(suite, method, path, a)
        assert status == 403, (method, path, body)
        assert call(suite, method, path, None)[0] == 401
    assert me(suite, a) == 200 and me(suite, b) == 200
    # a session's public id is no token
    assert me(suite, jti(b)) == 401


def test_unknown_and_malformed_ids(suite):
    admin = admin_token(suite)
    user = make_user(suite, admin, "carol", "password-carol")
    t = login(suite, "carol", "password-carol")[1]["token"]
    missing = str(uuid.uuid4())
    for method, path, want in (
            ("DELETE", "/v1/admin/sessions/" + "A" * 12, 404),
            ("DELETE", "/v1/admin/sessions/" + "x" * 64, 404),
            ("DELETE", "/v1/admin/users/%s/sessions" % missing, 404),
            ("GET", "/v1/admin/users/%s/sessions" % missing, 404),
            ("GET", "/v1/admin/sessions?user_id=" + missing, 404),
            ("GET", "/v1/admin/sessions?user_id=" + "9" * 80, 400),
            ("GET", "/v1/admin/sessions?limit=0", 400),
            ("GET", "/v1/admin/sessions?limit=201", 400)):
        status, body, _ = call(suite, method, path, admin)
        assert status == want, (method, path, body)
        assert "error" in body
    assert me(suite, t) == 200
    assert sessions_of(suite, admin, user["id"])["total"] == 1


def test_the_operator_ends_a_users_sessions(suite):
    admin = admin_token(suite)
    user = make_user(suite, admin, "dave", "password-dave")
    tokens = [login(suite, "dave", "password-dave")[1]["token"]
              for _ in range(2)]
    assert all(me(suite, t) == 200 for t in tokens)
    out = moatctl(suite, "session", "end", "dave")
    assert out.returncode == 0, out.stderr
    assert all(me(suite, t) == 401 for t in tokens)
    assert me(suite, admin) == 200
    # by id too; an unknown user is an error and changes nothing
    t = login(suite, "dave", "password-dave")[1]["token"]
    out = moatctl(suite, "session", "end", "nobody")
    assert out.returncode == 1 and "no such user" in out.stderr
    assert me(suite, t) == 200
    out = moatctl(suite, "session", "end", user["id"])
    assert out.returncode == 0, out.stderr
    assert me(suite, t) == 401
    status, events, _ = call(suite, "GET", "/v1/admin/events?type="
                             "admin.session.end&user_id=" + user["id"],
                             admin)
    assert events["total"] == 2
    assert events["events"][0]["metadata"]["actor"] == "moatctl"
    out = moatctl(suite, "session", "end", "x" * 2000)
    assert out.returncode == 1
