"""An admin can see and end any login session (SECURITY.md, ASVS 7.4.5),
beyond the reference: GET /v1/admin/sessions, GET and DELETE
/v1/admin/users/{id}/sessions, DELETE /v1/admin/sessions/{id}.  An ended
session is refused at once; a listing never shows a token; users can
do none of it."""
import base64
import json
import os
import re
import sqlite3
import uuid

from identity import admin_password, admin_token, call, login, make_user, \
    moatctl
from test_account_identity import new_pair, signed
from test_apiv1_identity import cookie_login, cookies_of, with_cookie
from suite import TOP
from test_cce_identity import REMOTE, add_client, cce, relabel


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


def test_a_logged_out_token_stays_dead_after_a_new_login(suite):
    """A session's grant named it by its row number, which SQLite gives
    the next session again, and frontd kept the grant for most of a
    minute: a token used, logged out, then a new login of the same user
    (or another), and the old token worked again.  In every dialect that
    has a logout, the old token is refused at once."""
    admin = admin_token(suite)
    for name in ("erin", "fred"):
        make_user(suite, admin, name, "password-" + name)
    own = "https://127.0.0.1:%d" % suite.port

    # control plane v1, and its token in the account API
    for again in ("erin", "fred"):
        old = login(suite, "erin", "password-erin")[1]["token"]
        assert me(suite, old) == 200            # its grant is kept now
        assert call(suite, "GET", "/v2/account", old)[0] == 200
        assert call(suite, "POST", "/v1/auth/logout", old)[0] == 200
        new = login(suite, again, "password-" + again)[1]["token"]
        assert me(suite, old) == 401, again
        assert call(suite, "GET", "/v2/account", old)[0] == 401, again
        assert me(suite, new) == 200
        assert call(suite, "POST", "/v1/auth/logout", new)[0] == 200

    # certificates apiv1: the cookie, and the same token as a bearer
    path = "/apiv1/users/1/apikeys"
    for again in ("erin", "fred"):
        _, _, hdrs = cookie_login(suite, "erin", "password-erin",
                                  "username")
        jar = cookies_of(hdrs)
        old = jar["moat_session"][0]
        assert call(suite, "GET", path, headers=with_cookie(jar))[0] == 404
        assert call(suite, "GET", path, old)[0] == 404
        assert call(suite, "POST", "/auth/logout", headers=with_cookie(
            jar, {"Origin": own}))[0] == 200
        _, _, hdrs = cookie_login(suite, again, "password-" + again,
                                  "username")
        new = cookies_of(hdrs)
        assert call(suite, "GET", path, headers=with_cookie(jar))[0] == 401
        assert call(suite, "GET", path, old)[0] == 401, again
        assert call(suite, "GET", path, headers=with_cookie(new))[0] == 404
        assert call(suite, "POST", "/auth/logout", headers=with_cookie(
            new, {"Origin": own}))[0] == 200

    # the command API: AUTH and BYE, LOGIN and BYE
    for again in ("erin", "fred"):
        old = cce(suite, {"cmd": "AUTH", "user": "erin",
                          "password": "password-erin"})[1]["data"]["sessionid"]
        assert cce(suite, {"cmd": "WHOAMI", "sessionid": old})[0] == 200
        assert cce(suite, {"cmd": "BYE", "sessionid": old})[0] == 200
        new = cce(suite, {"cmd": "AUTH", "user": again, "password":
                          "password-" + again})[1]["data"]["sessionid"]
        assert cce(suite, {"cmd": "WHOAMI", "sessionid": old})[0] == 401
        assert cce(suite, {"cmd": "WHOAMI", "sessionid": new})[0] == 200
        assert cce(suite, {"cmd": "BYE", "sessionid": new})[0] == 200
    secret = add_client(suite, "billing", REMOTE)
    for again in ("erin", "fred"):
        old = cce(suite, {"cmd": "LOGIN", "username": "erin", "password":
                          "password-erin"}, secret, REMOTE)[1]["data"]["token"]
        assert cce(suite, {"cmd": "WHOAMI", "token": old}, secret,
                   REMOTE)[0] == 200
        assert cce(suite, {"cmd": "BYE", "token": old}, secret,
                   REMOTE)[0] == 200
        new = cce(suite, {"cmd": "LOGIN", "username": again, "password":
                          "password-" + again}, secret,
                  REMOTE)[1]["data"]["token"]
        assert cce(suite, {"cmd": "WHOAMI", "token": old}, secret,
                   REMOTE)[0] == 401
        assert cce(suite, {"cmd": "WHOAMI", "token": new}, secret,
                   REMOTE)[0] == 200
        assert cce(suite, {"cmd": "BYE", "token": new}, secret,
                   REMOTE)[0] == 200


def test_a_session_ended_by_others_stays_dead_after_a_new_login(suite):
    """A session can end without its own logout (an admin, moatctl, a
    password change), while frontd still keeps its grant: the grant
    names a row number never given to another session."""
    admin = admin_token(suite)
    make_user(suite, admin, "gina", "password-gina")
    old = login(suite, "gina", "password-gina")[1]["token"]
    assert me(suite, old) == 200
    status, _, _ = call(suite, "DELETE", "/v1/admin/sessions/" + jti(old),
                        admin)
    assert status == 204
    new = login(suite, "gina", "password-gina")[1]["token"]
    assert me(suite, old) == 401
    assert me(suite, new) == 200
    out = moatctl(suite, "session", "end", "gina")
    assert out.returncode == 0, out.stderr
    again = login(suite, "gina", "password-gina")[1]["token"]
    assert me(suite, new) == 401
    assert me(suite, again) == 200


# sessions and account_keys as schema 11 had them: no kind, and row
# numbers SQLite gives out again; and migration 13 undone (an index)
SCHEMA_11 = """
CREATE TABLE sessions_old (
  oid INTEGER PRIMARY KEY,
  public_id TEXT NOT NULL UNIQUE,
  digest BLOB,
  user_oid INTEGER NOT NULL REFERENCES users (oid) ON DELETE CASCADE,
  dialect INTEGER NOT NULL,
  source_ip TEXT NOT NULL,
  client_oid INTEGER REFERENCES api_clients (oid) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  last_used_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  idle INTEGER NOT NULL);
INSERT INTO sessions_old SELECT oid, public_id, digest, user_oid, dialect,
  source_ip, client_oid, created_at, last_used_at, expires_at, idle
  FROM sessions;
DROP TABLE sessions;
ALTER TABLE sessions_old RENAME TO sessions;
CREATE INDEX sessions_user ON sessions (user_oid);
CREATE INDEX sessions_expires ON sessions (expires_at);
CREATE TABLE account_keys_old (
  oid INTEGER PRIMARY KEY,
  api_key TEXT NOT NULL UNIQUE,
  user_oid INTEGER NOT NULL REFERENCES users (oid) ON DELETE CASCADE,
  secret_sealed BLOB NOT NULL,
  created_at INTEGER NOT NULL);
INSERT INTO account_keys_old SELECT * FROM account_keys;
DROP TABLE account_keys;
ALTER TABLE account_keys_old RENAME TO account_keys;
CREATE INDEX account_keys_user ON account_keys (user_oid);
DELETE FROM sqlite_sequence WHERE name IN ('sessions', 'account_keys');
DELETE FROM schema_migrations WHERE version = 12;
DROP INDEX tasks_short;
DELETE FROM schema_migrations WHERE version = 13;
"""

# the tables of schema 11; what later migrations made goes, so that every
# migration from 12 on runs again as on a database that old
TABLES_11 = {"users", "events", "sessions", "api_keys", "api_clients",
             "account_keys", "files_keys", "ssh_keys", "groups",
             "user_groups", "hosts", "tasks", "egress_ips", "egress_secrets",
             "bindings", "schema_migrations"}


def later_columns():
    """The (table, column) pairs that migrations after 11 add to tables,
    read from stored/schema.c, where each migration opens with a comment
    "/* N: ..." and a column comes by ALTER TABLE ... ADD COLUMN."""
    with open(os.path.join(TOP, "stored", "schema.c")) as f:
        text = f.read()
    pairs = []
    for m in re.finditer(r"/\* (\d+):(.*?)(?=/\* \d+:|\Z)", text, re.S):
        if int(m.group(1)) > 11:
            pairs += re.findall(r"ALTER TABLE (\w+) ADD COLUMN (\w+)",
                                m.group(2))
    return pairs


def drop_columns(db, table, columns):
    """Rebuilds table without columns, which ADD COLUMN appended to its
    definition, keeping its other indexes; with legacy_alter_table, so
    that the tables referring to it are not rewritten."""
    sql = db.execute("SELECT sql FROM sqlite_master WHERE type = 'table' "
                     "AND name = ?", (table,)).fetchone()[0]
    cut = min(re.search(r",\s*%s\b" % c, sql).start() for c in columns)
    keep = ", ".join('"%s"' % r[1] for r in db.execute(
        'PRAGMA table_info("%s")' % table) if r[1] not in columns)
    indexes = [isql for (isql,) in db.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'index' AND "
        "tbl_name = ? AND sql IS NOT NULL", (table,))
        if not any(re.search(r"\b%s\b" % c, isql) for c in columns)]
    db.execute("PRAGMA legacy_alter_table = ON")
    db.execute(re.sub(r'^CREATE TABLE "?%s"?' % table,
                      'CREATE TABLE "%s_11"' % table, sql[:cut]) + ")")
    db.execute('INSERT INTO "%s_11" (%s) SELECT %s FROM "%s"' %
               (table, keep, keep, table))
    db.execute('DROP TABLE "%s"' % table)
    db.execute('ALTER TABLE "%s_11" RENAME TO "%s"' % (table, table))
    db.execute("PRAGMA legacy_alter_table = OFF")
    for isql in indexes:
        db.execute(isql)


def back_to_schema_11(db):
    later = [name for (name,) in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND "
        "name NOT LIKE 'sqlite_%'") if name not in TABLES_11]
    for name in later:
        db.execute('DROP TABLE "%s"' % name)
        db.execute("DELETE FROM sqlite_sequence WHERE name = ?", (name,))
    added = {}
    for table, column in later_columns():
        if table in TABLES_11:
            added.setdefault(table, []).append(column)
    for table, columns in added.items():
        drop_columns(db, table, columns)
    db.execute("DELETE FROM schema_migrations WHERE version > 11")


def test_sessions_from_before_their_kind_was_recorded(make_suite):
    """Migration 12 gives each session the kind of token it was minted
    as, from what the row says: every token made before works after,
    and only under its own prefix."""
    s = make_suite()
    admin = admin_token(s)
    _, _, hdrs = cookie_login(s, "admin", admin_password(s))
    jar = cookies_of(hdrs)
    ms = cce(s, {"cmd": "AUTH", "user": "admin", "password":
                 admin_password(s)})[1]["data"]["sessionid"]
    secret = add_client(s, "billing", REMOTE)
    ml = cce(s, {"cmd": "LOGIN"}, secret, REMOTE)[1]["data"]["token"]
    api_key, key_secret = new_pair(s, admin)
    s.stop()
    db = sqlite3.connect(os.path.join(s.var, "db", "moat.db"))
    db.execute("PRAGMA foreign_keys=OFF")
    db.executescript(SCHEMA_11)
    back_to_schema_11(db)
    db.commit()
    top = db.execute("SELECT max(oid) FROM sessions").fetchone()[0]
    db.close()
    s.start()
    path = "/apiv1/users/1/apikeys"
    assert me(s, admin) == 200
    assert call(s, "GET", path, headers=with_cookie(jar))[0] == 200
    assert cce(s, {"cmd": "WHOAMI", "sessionid": ms})[0] == 200
    assert cce(s, {"cmd": "WHOAMI", "token": ml}, secret, REMOTE)[0] == 200
    assert signed(s, "GET", "/v2/account", api_key, key_secret)[0] == 200
    assert cce(s, {"cmd": "WHOAMI", "sessionid": relabel(ml, "ms_")})[0] \
        == 401
    mc = jar["moat_session"][0]
    assert call(s, "GET", path, relabel(mc, "ms_"))[0] == 401
    assert cce(s, {"cmd": "WHOAMI", "sessionid": relabel(ms, "mc_")})[0] \
        == 401
    # the newest session ends; the next login's number is its own
    assert cce(s, {"cmd": "BYE", "token": ml}, secret, REMOTE)[0] == 200
    admin_token(s)
    s.stop()
    db = sqlite3.connect(os.path.join(s.var, "db", "moat.db"))
    kinds = dict(db.execute("SELECT public_id, kind FROM sessions"))
    newest = db.execute("SELECT max(oid) FROM sessions").fetchone()[0]
    seq = dict(db.execute("SELECT name, seq FROM sqlite_sequence"))
    db.close()
    assert kinds[jti(admin)] == "jwt"
    assert kinds[mc[3:15]] == "mc_" and kinds[ms[3:15]] == "ms_"
    assert ml[3:15] not in kinds
    assert newest == top + 1 and "account_keys" in seq
