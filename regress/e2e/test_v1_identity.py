"""Control plane v1: login, sessions, users, passwords, events."""
import base64
import json
import re
import signal
import sqlite3
import os
import time

import pytest

from identity import admin_password, admin_token, call, login, make_user


def test_login_answers_in_the_reference_shape(suite):
    for path in ("/v1/auth/login", "/v1/admin/login"):
        status, body = login(suite, "admin", admin_password(suite), path)
        assert status == 200
        assert {"username", "token", "role", "expires_in"} <= set(body)
        assert body["username"] == "admin" and body["role"] == "admin"
        assert isinstance(body["expires_in"], int) and body["expires_in"] > 0
        parts = body["token"].split(".")
        assert len(parts) == 3
        claims = json.loads(base64.urlsafe_b64decode(parts[1] + "=="))
        assert set(claims) == {"user_id", "role", "exp", "jti"}
    # a member the login does not read is ignored, as a form sends it
    status, body = suite.json("POST", "/v1/auth/login", json.dumps(
        {"username": "admin", "password": admin_password(suite),
         "remember": True}).encode(), {"Content-Type": "application/json"})
    assert status == 200 and body["token"], body


@pytest.mark.parametrize("payload,status", [
    ({"username": "admin", "password": "wrong-password"}, 401),
    ({"username": "nobody", "password": "whatever-password"}, 401),
    ({"username": "admin"}, 400),
    ({"username": 5, "password": "x"}, 400),
    # members a login does not read change nothing (a form's "remember")
    ({"username": "admin", "password": "x", "remember": True}, 401),
    ([1, 2], 400),
])
def test_bad_logins(shared_suite, payload, status):
    got, body, _ = call(shared_suite, "POST", "/v1/auth/login",
                        body=payload)
    assert got == status
    assert set(body) == {"error"}


def test_malformed_json_is_400(shared_suite):
    for raw in (b"{", b"{\"username\": \"a\", \"username\": \"b\"}",
                b"\"string\"", b"{\"a\":\"\\u0000\"}", b"[" * 40 + b"]" * 40):
        status, body, _ = call(shared_suite, "POST", "/v1/auth/login",
                               body=raw)
        assert status == 400, raw
        assert "error" in body


@pytest.mark.parametrize("auth", [None, "Bearer", "Basic YWRtaW46eA==",
                                  "Bearer not.a.jwt", "Bearer x.y.z"])
def test_admin_routes_need_a_token(shared_suite, auth):
    headers = {"Authorization": auth} if auth else {}
    status, body, _ = call(shared_suite, "GET", "/v1/admin/users",
                           headers=headers)
    assert status == 401
    assert "error" in body


def test_tampered_and_unsigned_tokens_are_refused(shared_suite):
    token = admin_token(shared_suite)
    head, payload, sig = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["role"] = "admin"
    claims["user_id"] = "someone-else"
    forged = base64.urlsafe_b64encode(
        json.dumps(claims).encode()).rstrip(b"=").decode()
    none_head = base64.urlsafe_b64encode(
        b'{"alg":"none","typ":"JWT"}').rstrip(b"=").decode()
    flipped = sig[:-2] + ("A" if sig[-2] != "A" else "B") + sig[-1]
    for bad in (head + "." + forged + "." + sig, none_head + "." +
                payload + ".", head + "." + payload + "." + flipped):
        status, _, _ = call(shared_suite, "GET", "/v1/admin/users", bad)
        assert status == 401


def test_user_lifecycle(suite):
    admin = admin_token(suite)
    bob = make_user(suite, admin, "bob", "bob-password-1")
    assert bob["username"] == "bob" and bob["role"] == "user"
    assert re.fullmatch(r"[0-9a-f-]{36}", bob["id"])
    assert isinstance(bob["oid"], int)
    assert "password" not in json.dumps(bob)
    # duplicate, bad names, short passwords, bad roles
    assert call(suite, "POST", "/v1/admin/users", admin,
                {"username": "bob", "password": "another-pw-1"})[0] == 409
    for bad in ({"username": "ab", "password": "long-enough-1"},
                {"username": "x" * 51, "password": "long-enough-1"},
                {"username": "carol", "password": "short"},
                {"username": "carol", "password": "long-enough-1",
                 "role": "root"},
                {"username": "carol", "password": "long-enough-1",
                 "status": "active"},
                {"username": "carol", "password": "long-enough-1",
                 "expires_at": "yesterday"}):
        assert call(suite, "POST", "/v1/admin/users", admin, bad)[0] == 400
    # listed, and reachable by UUID and by oid
    status, body, _ = call(suite, "GET", "/v1/admin/users", admin)
    assert status == 200
    assert "bob" in [u["username"] for u in body["users"]]
    for ref in (bob["id"], str(bob["oid"])):
        status, body, _ = call(suite, "GET", "/v1/admin/users/" + ref, admin)
        assert status == 200
        assert body["user"]["id"] == bob["id"]
        assert body["hosts"] == []
    assert call(suite, "GET", "/v1/admin/users/9999", admin)[0] == 404
    assert call(suite, "GET", "/v1/admin/users/00000000-0000-4000-8000-"
                "000000000000", admin)[0] == 404
    # bob logs in, sees himself, and nothing of the admin's
    status, body = login(suite, "bob", "bob-password-1")
    assert status == 200 and body["role"] == "user"
    btok = body["token"]
    status, me, _ = call(suite, "GET", "/v1/user/me", btok)
    assert status == 200 and me["username"] == "bob"
    for method, path in (("GET", "/v1/admin/users"),
                         ("POST", "/v1/admin/users"),
                         ("GET", "/v1/admin/users/" + bob["id"]),
                         ("PATCH", "/v1/admin/users/1"),
                         ("DELETE", "/v1/admin/users/1"),
                         ("POST", "/v1/admin/users/1/rotate-password"),
                         ("PUT", "/v1/admin/users/1/expiry"),
                         ("GET", "/v1/admin/events")):
        body = {"status": "disabled"} if method == "PATCH" else (
            {"expires_at": None} if method == "PUT" else (
                {"username": "evil", "password": "evil-password"}
                if method == "POST" and path.endswith("users") else None))
        status, answer, _ = call(suite, method, path, btok, body)
        assert status == 403, (method, path, status, answer)
    # disabling ends bob's session at once; his login is refused
    status, body, _ = call(suite, "PATCH", "/v1/admin/users/" + bob["id"],
                           admin, {"status": "disabled"})
    assert status == 200 and body["status"] == "disabled"
    assert call(suite, "GET", "/v1/user/me", btok)[0] == 401
    assert login(suite, "bob", "bob-password-1")[0] == 403
    assert login(suite, "bob", "wrong-password-1")[0] == 401
    assert call(suite, "PATCH", "/v1/admin/users/" + bob["id"], admin,
                {"status": "frozen"})[0] == 400
    call(suite, "PATCH", "/v1/admin/users/" + bob["id"], admin,
         {"status": "active"})
    status, body = login(suite, "bob", "bob-password-1")
    btok = body["token"]
    # an expiry in the past ends the sessions; null clears it
    status, body, _ = call(suite, "PUT", "/v1/admin/users/%s/expiry" %
                           bob["id"], admin,
                           {"expires_at": "2020-01-01T00:00:00Z"})
    assert status == 200 and body["expires_at"] == "2020-01-01T00:00:00Z"
    assert call(suite, "GET", "/v1/user/me", btok)[0] == 401
    assert login(suite, "bob", "bob-password-1")[0] == 403
    status, body, _ = call(suite, "PUT", "/v1/admin/users/%s/expiry" %
                           bob["id"], admin, {"expires_at": None})
    assert status == 200 and body["expires_at"] is None
    assert call(suite, "PUT", "/v1/admin/users/%s/expiry" % bob["id"],
                admin, {"expires_at": "soon"})[0] == 400
    # rotation: 20 characters, shown once; old password and sessions die
    status, body = login(suite, "bob", "bob-password-1")
    btok = body["token"]
    status, body, _ = call(suite, "POST", "/v1/admin/users/%s/rotate-"
                           "password" % bob["id"], admin)
    assert status == 200
    newpw = body["password"]
    assert len(newpw) == 20
    assert call(suite, "GET", "/v1/user/me", btok)[0] == 401
    assert login(suite, "bob", "bob-password-1")[0] == 401
    status, body = login(suite, "bob", newpw)
    assert status == 200
    btok = body["token"]
    # delete: 204, cascades, his token dies; an admin cannot delete self
    admin_id = call(suite, "GET", "/v1/user/me", admin)[1]["id"]
    assert call(suite, "DELETE", "/v1/admin/users/" + admin_id,
                admin)[0] == 409
    status, body, hdrs = call(suite, "DELETE", "/v1/admin/users/" +
                              bob["id"], admin)
    assert status == 204 and body is None
    assert call(suite, "GET", "/v1/user/me", btok)[0] == 401
    assert call(suite, "GET", "/v1/admin/users/" + bob["id"],
                admin)[0] == 404
    assert login(suite, "bob", newpw)[0] == 401


def test_change_password(suite):
    admin = admin_token(suite)
    make_user(suite, admin, "carol", "carol-password-1")
    t1 = login(suite, "carol", "carol-password-1")[1]["token"]
    t2 = login(suite, "carol", "carol-password-1")[1]["token"]
    path = "/v1/user/change-password"
    assert call(suite, "POST", path, t1, {"old_password": "wrong-one-1",
                                          "new_password": "new-pass-1"})[0] \
        == 403
    assert call(suite, "POST", path, t1, {"old_password": "carol-password-1",
                                          "new_password": "short"})[0] == 400
    assert call(suite, "POST", path, t1, {"old_password": "carol-password-1"}
                )[0] == 400
    status, body, _ = call(suite, "POST", path, t1,
                           {"old_password": "carol-password-1",
                            "new_password": "carol-password-2"})
    assert status == 200
    # this session lives on, the other one ends
    assert call(suite, "GET", "/v1/user/me", t1)[0] == 200
    assert call(suite, "GET", "/v1/user/me", t2)[0] == 401
    assert login(suite, "carol", "carol-password-1")[0] == 401
    assert login(suite, "carol", "carol-password-2")[0] == 200


def test_logout_ends_the_session(suite):
    token = admin_token(suite)
    other = admin_token(suite)
    status, body, _ = call(suite, "POST", "/v1/auth/logout", token)
    assert status == 200
    assert call(suite, "GET", "/v1/user/me", token)[0] == 401
    assert call(suite, "POST", "/v1/auth/logout", token)[0] == 401
    assert call(suite, "GET", "/v1/user/me", other)[0] == 200


def test_an_ended_token_stays_dead_after_new_logins(suite):
    """A JWT names its session by a random id, never by a row number
    that a later login would get again (it once did: the logged-out
    token of a user came back as the next login's, even an admin's)."""
    admin = admin_token(suite)
    make_user(suite, admin, "revoked", "password-revoked")
    status, body = login(suite, "revoked", "password-revoked")
    old = body["token"]
    claims = json.loads(base64.urlsafe_b64decode(old.split(".")[1] + "=="))
    assert not claims["jti"].isdigit()
    assert call(suite, "POST", "/v1/auth/logout", old)[0] == 200
    for _ in range(3):
        token = admin_token(suite)
        assert call(suite, "GET", "/v1/user/me", old)[0] == 401
        status, _ = login(suite, "revoked", "password-revoked")
        assert status == 200
        assert call(suite, "GET", "/v1/user/me", old)[0] == 401
        assert call(suite, "GET", "/v1/admin/users", old)[0] == 401
    assert call(suite, "GET", "/v1/user/me", token)[0] == 200


def test_a_deleted_users_number_is_not_given_out_again(suite):
    """The integer oid names a user in every path: a deleted user's must
    not come back as the next user's (SQLite would give the highest
    number out again), or a script holding it reaches someone else."""
    admin = admin_token(suite)
    first = make_user(suite, admin, "numbered1", "password-n1")
    assert call(suite, "DELETE", "/v1/admin/users/%d" % first["oid"],
                admin)[0] == 204
    second = make_user(suite, admin, "numbered2", "password-n2")
    assert second["oid"] > first["oid"]
    status, body, _ = call(suite, "GET", "/v1/admin/users/%d" % first["oid"],
                           admin)
    assert status == 404, body
    for path in ("/v1/admin/users/%d", "/v1/admin/users/%d/ssh-keys",
                 "/v1/admin/users/%d/groups"):
        assert call(suite, "GET", path % 99999, admin)[0] == 404, path


def test_an_admin_cannot_lock_themself_out(suite):
    admin = admin_token(suite)
    me = call(suite, "GET", "/v1/user/me", admin)[1]
    for method, path, body, why in [
            ("PATCH", "/v1/admin/users/%s", {"status": "disabled"},
             "cannot disable yourself"),
            ("PUT", "/v1/admin/users/%s/expiry",
             {"expires_at": "2001-01-01T00:00:00Z"}, "cannot expire yourself"),
            ("DELETE", "/v1/admin/users/%s", None, "cannot delete yourself")]:
        status, answer, _ = call(suite, method, path % me["id"], admin, body)
        assert (status, answer) == (409, {"error": why}), (path, answer)
    assert call(suite, "GET", "/v1/user/me", admin)[0] == 200
    # what does not lock anyone out still goes
    status, answer, _ = call(suite, "PUT", "/v1/admin/users/%s/expiry" %
                             me["id"], admin,
                             {"expires_at": "2099-01-01T00:00:00Z"})
    assert status == 200, answer


def test_event_filters_that_make_no_sense_are_400(suite):
    admin = admin_token(suite)
    user = make_user(suite, admin, "filtered", "password-filtered")
    for query in ("since=2026-02-01T00:00:00Z&until=2026-01-01T00:00:00Z",
                  "user_id=alice", "host_id=h1", "user_id=0",
                  "colour=red"):
        status, body, _ = call(suite, "GET", "/v1/admin/events?" + query,
                               admin)
        assert status == 400 and set(body) == {"error"}, (query, body)
    # a user's number filters as their id does
    by_id = call(suite, "GET", "/v1/admin/events?user_id=" + user["id"],
                 admin)[1]
    by_oid = call(suite, "GET", "/v1/admin/events?user_id=%d" %
                  user["oid"], admin)[1]
    assert by_id["total"] >= 1 and by_oid["events"] == by_id["events"]


def test_sessions_survive_a_restart(make_suite):
    s = make_suite()
    token = admin_token(s)
    s.stop()
    s.start()
    status, body, _ = call(s, "GET", "/v1/user/me", token)
    assert status == 200 and body["username"] == "admin"


def test_failed_logins_are_limited_per_address(make_suite):
    s = make_suite(conf="limit auth failures 5\n")
    for _ in range(5):
        assert login(s, "admin", "wrong-password")[0] == 401
    status, body, hdrs = call(s, "POST", "/v1/auth/login",
                              body={"username": "admin",
                                    "password": admin_password(s)})
    assert status == 429
    assert 0 < int(hdrs["Retry-After"]) <= 60
    assert "error" in body


def test_failed_logins_slow_the_account_without_locking_it(suite):
    admin = admin_token(suite)
    make_user(suite, admin, "carol", "carol-password")

    def timed_login(password, source):
        t0 = time.time()
        status, _, _ = call(suite, "POST", "/v1/auth/login", body={
            "username": "carol", "password": password}, source=source)
        return status, time.time() - t0

    # from a new address each time, so that no address limit applies:
    # the account itself answers more slowly after three failures
    took = []
    for i in range(5):
        status, t = timed_login("wrong-%d" % i, "127.0.0.%d" % (10 + i))
        assert status == 401
        took.append(t)
    assert max(took[:3]) < 0.9
    assert took[3] >= 0.95 and took[4] >= 1.95
    # the right password still works: slowed, never locked
    status, t = timed_login("carol-password", "127.0.0.30")
    assert status == 200 and t >= 3.9
    # and the success resets the account
    status, t = timed_login("carol-password", "127.0.0.31")
    assert status == 200 and t < 0.9
    # other accounts were never slowed
    t0 = time.time()
    assert login(suite, "admin", admin_password(suite))[0] == 200
    assert time.time() - t0 < 0.9


def test_invalid_tokens_are_limited_separately(make_suite):
    s = make_suite(conf="limit invalid tokens 20\n")
    for _ in range(20):
        assert call(s, "GET", "/v1/user/me", "x.y.z")[0] == 401
    status, _, hdrs = call(s, "GET", "/v1/user/me", "x.y.z")
    assert status == 429 and int(hdrs["Retry-After"]) > 0
    # passwords are not locked out by bad tokens
    assert login(s, "admin", admin_password(s))[0] == 200


def test_per_user_request_limit(make_suite):
    s = make_suite(conf="limit api requests 10\n")
    token = admin_token(s)
    codes = [call(s, "GET", "/v1/user/me", token)[0] for _ in range(12)]
    assert codes[:10] == [200] * 10
    assert codes[10:] == [429, 429]


def test_x_forwarded_for_only_from_trusted_proxies(make_suite):
    s = make_suite(conf="limit auth failures 2\n")
    for i in range(2):
        call(s, "POST", "/v1/auth/login", body={"username": "admin",
             "password": "wrong-pw-%d" % i},
             headers={"X-Forwarded-For": "10.9.9.%d" % i})
    # 127.0.0.1 is no trusted proxy: the header was ignored, the limit
    # counted our own address
    status, _, _ = call(s, "POST", "/v1/auth/login",
                        body={"username": "admin",
                              "password": admin_password(s)},
                        headers={"X-Forwarded-For": "10.9.9.9"})
    assert status == 429


def test_x_forwarded_for_from_a_trusted_proxy(make_suite):
    s = make_suite(conf="limit auth failures 2\ntrusted proxy 127.0.0.1\n")
    for i in range(2):
        call(s, "POST", "/v1/auth/login", body={"username": "admin",
             "password": "wrong-pw-%d" % i},
             headers={"X-Forwarded-For": "10.9.9.1"})
    assert call(s, "POST", "/v1/auth/login", body={
        "username": "admin", "password": admin_password(s)},
        headers={"X-Forwarded-For": "10.9.9.2"})[0] == 200
    assert call(s, "POST", "/v1/auth/login", body={
        "username": "admin", "password": admin_password(s)},
        headers={"X-Forwarded-For": "10.9.9.1"})[0] == 429


def test_events_record_logins_and_changes(suite):
    admin = admin_token(suite)
    login(suite, "admin", "wrong-password")
    make_user(suite, admin, "dave", "dave-password-1")
    status, body, _ = call(suite, "GET", "/v1/admin/events", admin)
    assert status == 200
    assert {"events", "total", "limit", "offset"} <= set(body)
    assert body["limit"] == 50 and body["offset"] == 0
    types = [e["type"] for e in body["events"]]
    assert "auth.success" in types and "auth.failed" in types
    assert "admin.user.create" in types
    e = body["events"][0]
    assert set(e) == {"id", "task_id", "host_id", "user_id", "level", "type",
                      "message", "metadata", "created_at"}
    failed = [e for e in body["events"] if e["type"] == "auth.failed"][0]
    assert failed["metadata"]["ip"] == "127.0.0.1"
    assert failed["metadata"]["dialect"] == "v1"
    text = json.dumps(body)
    assert "wrong-password" not in text
    assert admin_password(suite) not in text
    assert "$argon2" not in text
    # filters
    status, body, _ = call(suite, "GET", "/v1/admin/events?type=auth.failed",
                           admin)
    assert status == 200 and body["events"]
    assert all(e["type"] == "auth.failed" for e in body["events"])
    status, body, _ = call(suite, "GET", "/v1/admin/events?limit=1&offset=1",
                           admin)
    assert len(body["events"]) == 1 and body["total"] >= 3
    status, body, _ = call(suite, "GET", "/v1/admin/events?since=2099-01-01"
                           "T00:00:00Z", admin)
    assert status == 200 and body["events"] == [] and body["total"] == 0
    status, body, _ = call(suite, "GET", "/v1/admin/events?until=2000-01-01"
                           "T00:00:00Z", admin)
    assert body["events"] == []
    for bad in ("limit=0", "limit=201", "limit=x", "offset=-1",
                "since=yesterday", "until=2026-13-01T00:00:00Z",
                "colour=blue"):
        assert call(suite, "GET", "/v1/admin/events?" + bad,
                    admin)[0] == 400, bad


def read_memory(pid):
    """The readable memory of a process, region by region; the huge
    reservations of AddressSanitizer's shadow are left out."""
    regions = []
    with open("/proc/%d/maps" % pid) as maps, \
            open("/proc/%d/mem" % pid, "rb") as mem:
        for line in maps:
            addr, perms = line.split()[:2]
            start, end = (int(x, 16) for x in addr.split("-"))
            if "r" not in perms or end - start > 256 << 20:
                continue
            try:
                mem.seek(start)
                regions.append(mem.read(end - start))
            except (OSError, ValueError, OverflowError):
                continue
    return regions


def test_frontd_memory_holds_no_hash_and_no_master_key(suite):
    token = admin_token(suite)
    make_user(suite, token, "erin", "erin-password-1")
    login(suite, "erin", "erin-password-1")
    call(suite, "GET", "/v1/admin/users", token)
    regions = read_memory(suite.pid("frontd"))
    assert sum(len(r) for r in regions) > 1000000
    # the control: stored's page cache does hold the hashes
    control = read_memory(suite.pid("stored"))
    # the database is stored's alone while it runs
    suite.stop()
    db = sqlite3.connect(os.path.join(suite.var, "db", "moat.db"))
    hashes = [r[0].encode() for r in db.execute(
        "SELECT password_hash FROM users")]
    db.close()
    assert len(hashes) == 2
    with open(os.path.join(suite.var, "master.key"), "rb") as f:
        master = f.read()
    assert any(h in region for region in control for h in hashes)
    for region in regions:
        assert master not in region
        for h in hashes:
            assert h not in region
            # nor the raw digest part of it
            assert h.split(b"$")[-1] not in region


def test_a_login_rehashes_under_new_argon2_parameters(make_suite):
    """A hash made under other argon2 parameters is made again at the
    user's next login (authd has stored keep it, with no grant), and no
    session of the user ends for it."""
    s = make_suite()
    make_user(s, admin_token(s), "frank", "frank-password-1")
    status, body = login(s, "frank", "frank-password-1")
    assert status == 200, body
    kept = body["token"]
    s.write_conf("argon2 memory 32768 time 1\n")
    before = s.log_text().count("configuration reloaded")
    os.kill(s.pid("moatd"), signal.SIGHUP)
    deadline = time.time() + 10
    while s.log_text().count("configuration reloaded") == before:
        assert time.time() < deadline, s.log_text()
        time.sleep(0.05)
    hash_ = ""
    for _ in range(5):
        status, body = login(s, "frank", "frank-password-1")
        assert status == 200, body
        assert call(s, "GET", "/v1/user/me", kept)[0] == 200
        time.sleep(1)         # the new hash is kept after the answer
        s.stop()
        db = sqlite3.connect(os.path.join(s.var, "db", "moat.db"))
        hash_ = db.execute("SELECT password_hash FROM users WHERE "
                           "username = 'frank'").fetchone()[0]
        db.close()
        if hash_.startswith("$argon2id$v=19$m=32768,t=1,"):
            break
        s.start()
    assert hash_.startswith("$argon2id$v=19$m=32768,t=1,"), hash_
    s.start()
    assert login(s, "frank", "frank-password-1")[0] == 200
    assert call(s, "GET", "/v1/user/me", kept)[0] == 200
