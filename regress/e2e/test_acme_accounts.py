"""Certificates apiv1: a user's ACME accounts.

Create (the directory by name or by its exact URL, ecdsa by default or
rsa), list and get under /apiv1/users/:id/acme-accounts; the key made
and sealed in authd (the database holds no key in the clear, and no
answer shows one); a directory that is not configured refused; another
user's account refused as another user's API key is; the scopes of an
API key; bad bodies answered 400 with nothing made.
"""
import os
import sqlite3

import pytest

from identity import admin_password, admin_token, call, make_user
from test_dns_providers import key_for, session

URL_A = "https://127.0.0.1:14000/dir"
URL_B = "https://acme.example/directory"
CONF = ('acme directory "pebble" url "%s"\n'
        'acme directory "other" url "%s"\n' % (URL_A, URL_B))


@pytest.fixture
def acme_suite(make_suite):
    return make_suite(conf=CONF)


def rows(suite):
    """The rows as stored keeps them, read with the suite stopped."""
    suite.stop()
    db = sqlite3.connect(os.path.join(suite.var, "db", "moat.db"))
    out = db.execute("SELECT oid, id, key_type, key_sealed, directory, "
                     "status FROM acme_accounts ORDER BY oid").fetchall()
    db.close()
    suite.start()
    return out


def test_create_list_get(acme_suite):
    s = acme_suite
    admin = admin_token(s)
    alice = make_user(s, admin, "alice", "alice-password")
    h = session(s, "alice", "alice-password")
    base = "/apiv1/users/%d/acme-accounts" % alice["oid"]

    status, body, _ = call(s, "POST", base, body={
        "email": "alice@example.test", "directory": "pebble"}, headers=h)
    assert status == 201, body
    a = body["data"]
    assert a["email"] == "alice@example.test"
    assert a["directory"] == "pebble" and a["directory_url"] == URL_A
    assert a["key_type"] == "ecdsa-p256" and a["status"] == "pending"
    assert a["account_url"] is None and a["user_id"] == alice["oid"]
    assert "key" not in a and "PRIVATE" not in str(body)

    status, body, _ = call(s, "POST", base, body={
        "email": "ops@example.test", "directory_url": URL_B,
        "key_type": "rsa"}, headers=h)
    assert status == 201, body
    b = body["data"]
    assert b["directory"] == "other" and b["key_type"] == "rsa-2048"

    status, body, _ = call(s, "POST", base, body={
        "email": "x@example.test", "directory": "pebble",
        "directory_url": URL_A, "key_type": "ecdsa", "key_bits": 384},
        headers=h)
    assert status == 201, body
    c = body["data"]
    assert c["key_type"] == "ecdsa-p384"

    status, body, _ = call(s, "GET", base, headers=h)
    assert status == 200
    assert [x["id"] for x in body["data"]] == [a["id"], b["id"], c["id"]]
    assert body["pagination"]["total"] == 3
    status, body, _ = call(s, "GET", base + "?limit=1&offset=1", headers=h)
    assert [x["id"] for x in body["data"]] == [b["id"]]

    for ref in (a["id"], a["uuid"]):
        status, body, _ = call(s, "GET", "%s/%s" % (base, ref), headers=h)
        assert status == 200 and body["data"] == a
    status, body, _ = call(s, "GET", base + "/999", headers=h)
    assert status == 404 and body["error"]["code"] == 4001

    # sealed at rest, each key to its own row: no PEM in the clear
    kept = rows(s)
    assert [r[0] for r in kept] == [a["id"], b["id"], c["id"]]
    assert [r[1] for r in kept] == [a["uuid"], b["uuid"], c["uuid"]]
    assert [r[2] for r in kept] == ["ecdsa-p256", "rsa-2048",
                                    "ecdsa-p384"]
    for r in kept:
        assert b"PRIVATE" not in r[3] and b"-----" not in r[3]
        assert len(r[3]) > 100
        assert r[5] == "pending"
    # an RSA key's PEM is much longer than an ECDSA one's
    assert len(kept[1][3]) > 3 * len(kept[0][3])


BAD = [
    ({"directory": "pebble"}, "email"),
    ({"email": "a@example.test"}, "directory"),
    ({"email": "a@example.test", "directory": "nope"}, "directory"),
    ({"email": "a@example.test", "directory_url": URL_A + "/"},
     "directory_url"),
    ({"email": "a@example.test", "directory_url":
      "https://127.0.0.1:14000/DIR"}, "directory_url"),
    ({"email": "a@example.test", "directory": "pebble",
      "directory_url": URL_B}, "differ"),
    ({"email": "no-at-sign", "directory": "pebble"}, "email"),
    ({"email": "a@b@c", "directory": "pebble"}, "email"),
    ({"email": "a b@example.test", "directory": "pebble"}, "email"),
    ({"email": 7, "directory": "pebble"}, "email"),
    ({"email": "a@example.test", "directory": "pebble",
      "key_type": "dsa"}, "key_type"),
    ({"email": "a@example.test", "directory": "pebble",
      "key_type": "rsa", "key_bits": 1024}, "rsa"),
    ({"email": "a@example.test", "directory": "pebble",
      "key_bits": "256"}, "key_bits"),
    ({"email": "a@example.test", "directory": "pebble",
      "account_url": "https://evil.example/acct/1"}, "account_url"),
    ({"email": "a@example.test", "directory": "pebble",
      "directory_url": "https://evil.example/dir"}, "directory_url"),
]


def test_bad_bodies(acme_suite):
    s = acme_suite
    admin = admin_token(s)
    alice = make_user(s, admin, "alice", "alice-password")
    h = session(s, "alice", "alice-password")
    base = "/apiv1/users/%d/acme-accounts" % alice["oid"]
    for b, word in BAD:
        status, body, _ = call(s, "POST", base, body=b, headers=h)
        assert status == 400, (b, status, body)
        assert word in body["error"]["what"], (b, body)
    status, body, _ = call(s, "GET", base, headers=h)
    assert body["data"] == [] and body["pagination"]["total"] == 0


def test_no_directory_configured(suite):
    admin = admin_token(suite)
    alice = make_user(suite, admin, "alice", "alice-password")
    h = session(suite, "alice", "alice-password")
    base = "/apiv1/users/%d/acme-accounts" % alice["oid"]
    status, body, _ = call(suite, "POST", base, body={
        "email": "a@example.test", "directory_url": URL_A}, headers=h)
    assert status == 400


def test_bola(acme_suite):
    s = acme_suite
    admin = admin_token(s)
    alice = make_user(s, admin, "alice", "alice-password")
    bob = make_user(s, admin, "bob", "bob-password-1")
    ha = session(s, "alice", "alice-password")
    hb = session(s, "bob", "bob-password-1")
    abase = "/apiv1/users/%d/acme-accounts" % alice["oid"]
    status, body, _ = call(s, "POST", abase, body={
        "email": "alice@example.test", "directory": "pebble"}, headers=ha)
    assert status == 201
    aid, auuid = body["data"]["id"], body["data"]["uuid"]
    for uid in (alice["oid"], alice["id"]):
        base = "/apiv1/users/%s/acme-accounts" % uid
        for method, path, b in (
                ("GET", base, None),
                ("POST", base, {"email": "b@example.test",
                                "directory": "pebble"}),
                ("GET", "%s/%d" % (base, aid), None),
                ("GET", "%s/%s" % (base, auuid), None)):
            status, answer, _ = call(s, method, path, body=b, headers=hb)
            assert status == 404, (method, path, status)
            assert answer["error"]["code"] == 4001
    status, _, _ = call(s, "GET", "/apiv1/users/%d/acme-accounts/%d"
                        % (bob["oid"], aid), headers=hb)
    assert status == 404
    status, body, _ = call(s, "GET", abase, headers=ha)
    assert [x["id"] for x in body["data"]] == [aid]
    status, body, _ = call(s, "GET", "/apiv1/users/%d/acme-accounts"
                           % bob["oid"], headers=hb)
    assert body["data"] == []
    hadm = session(s, "admin", admin_password(s), "email")
    status, body, _ = call(s, "GET", abase + "/%d" % aid, headers=hadm)
    assert status == 200 and body["data"]["id"] == aid


def test_scopes_of_api_keys(acme_suite):
    s = acme_suite
    admin = admin_token(s)
    alice = make_user(s, admin, "alice", "alice-password")
    h = session(s, "alice", "alice-password")
    base = "/apiv1/users/%d/acme-accounts" % alice["oid"]
    reader = key_for(s, h, alice["oid"], ["certs.read"])
    writer = key_for(s, h, alice["oid"], ["certs.read", "certs.write"])
    other = key_for(s, h, alice["oid"], ["apikeys.read"])
    acct = {"email": "alice@example.test", "directory": "pebble"}

    status, body, _ = call(s, "POST", base, reader, acct)
    assert status == 403 and body["error"]["code"] == 4003
    status, body, _ = call(s, "POST", base, other, acct)
    assert status == 403
    status, body, _ = call(s, "POST", base, writer, acct)
    assert status == 201
    aid = body["data"]["id"]
    assert call(s, "GET", base, reader)[0] == 200
    assert call(s, "GET", base + "/%d" % aid, reader)[0] == 200
    assert call(s, "GET", base, other)[0] == 403
    assert call(s, "GET", base + "/%d" % aid, other)[0] == 403
    assert call(s, "GET", base)[0] == 401


def test_a_login_answers_while_acme_rsa_keys_are_made(acme_suite):
    """Two ACME accounts of RSA-4096 keys, then two ACME certificates of
    RSA-4096 keys: each key is made off authd's loop, and logins made
    meanwhile answer at once (test_agent.logins_answer_while)."""
    import json
    from test_agent import logins_answer_while
    s = acme_suite
    admin = admin_token(s)
    uid = make_user(s, admin, "rsa", "rsa-password-1")["oid"]
    h = session(s, "rsa", "rsa-password-1")
    made = logins_answer_while(s, h, [
        ("/apiv1/users/%d/acme-accounts" % uid,
         {"email": "rsa%d@example.test" % i, "directory": "other",
          "key_type": "rsa", "key_bits": 4096}) for i in range(2)])
    accts = [json.loads(m[3])["data"] for m in made]
    assert [a["key_type"] for a in accts] == ["rsa-4096"] * 2
    made = logins_answer_while(s, h, [
        ("/apiv1/users/%d/certificates" % uid,
         {"domain": "rsa%d.example.test" % i, "acme_account_id":
          accts[0]["id"], "key_type": "rsa", "key_bits": 4096})
        for i in range(2)])
    assert [m[0] for m in made] == [202] * 2, made
    assert [json.loads(m[3])["data"]["key_type"] for m in made] == \
        ["rsa-4096"] * 2
