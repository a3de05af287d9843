"""Certificates apiv1: a user's DNS providers for ACME dns-01.

Create, list, get and delete under /apiv1/users/:id/dns-providers, the
catalog, the secret never shown again (and sealed: the database holds
no copy of it in the clear), another user's provider refused as another
user's API key is, the scopes of an API key, and bad bodies answered
400 with nothing made.
"""
import base64
import os
import sqlite3

import pytest

from identity import admin_password, admin_token, call, make_user
from test_apiv1_identity import cookie_login, cookies_of, with_cookie

TSIG = base64.b64encode(os.urandom(32)).decode()
TOKEN = "cf-Token_" + "A1b2" * 8
ZONE_ID = "0123456789abcdef0123456789ABCDEF"
RFC2136 = {"type": "rfc2136", "name": "lab", "server": "192.0.2.53",
           "zone": "Example.TEST.", "key_name": "moat-key",
           "algorithm": "hmac-sha512", "secret": TSIG}
CLOUDFLARE = {"provider": "cloudflare", "api_token": TOKEN,
              "zone_id": ZONE_ID}


def session(suite, who, password, field="username"):
    _, _, hdrs = cookie_login(suite, who, password, field)
    jar = cookies_of(hdrs)
    return with_cookie(jar, {"X-CSRF-Token": jar["moat_csrf"][0]})


def key_for(suite, headers, uid, scopes):
    status, body, _ = call(suite, "POST", "/apiv1/users/%s/apikeys" % uid,
                           body={"name": "k", "scopes": scopes},
                           headers=headers)
    assert status == 201, body
    return body["data"]["token"]


def database_rows(suite):
    """The rows as stored keeps them: read with the suite stopped (stored
    holds its database locked), which is started again after."""
    suite.stop()
    db = sqlite3.connect(os.path.join(suite.var, "db", "moat.db"))
    rows = db.execute("SELECT oid, id, secret_sealed FROM dns_providers "
                      "ORDER BY oid").fetchall()
    db.close()
    suite.start()
    return rows


def test_create_list_get_delete(suite):
    admin = admin_token(suite)
    alice = make_user(suite, admin, "alice", "alice-password")
    h = session(suite, "alice", "alice-password")
    base = "/apiv1/users/%d/dns-providers" % alice["oid"]

    status, body, _ = call(suite, "POST", base, body=RFC2136, headers=h)
    assert status == 201, body
    p = body["data"]
    assert p["type"] == "rfc2136" and p["name"] == "lab"
    assert p["server"] == "192.0.2.53" and p["port"] == 53
    assert p["zone"] == "example.test" and p["key_name"] == "moat-key"
    assert p["algorithm"] == "hmac-sha512"
    assert p["secret"] == "***" and TSIG not in str(body)
    assert p["user_id"] == alice["oid"]

    status, body, _ = call(suite, "POST", base, body=CLOUDFLARE, headers=h)
    assert status == 201, body
    c = body["data"]
    assert c["provider"] == "cloudflare" and c["zone_id"] == ZONE_ID
    assert c["api_token"] == "***" and TOKEN not in str(body)

    # defaults: port 53, hmac-sha256
    bare = dict(RFC2136, name="bare", server="[2001:db8::53]")
    del bare["algorithm"]
    status, body, _ = call(suite, "POST", base, body=bare, headers=h)
    assert status == 201, body
    assert body["data"]["algorithm"] == "hmac-sha256"
    assert body["data"]["port"] == 53
    bare_id = body["data"]["id"]

    status, body, _ = call(suite, "GET", base, headers=h)
    assert status == 200
    assert [x["id"] for x in body["data"]] == [p["id"], c["id"], bare_id]
    assert body["pagination"]["total"] == 3
    assert TSIG not in str(body) and TOKEN not in str(body)

    for ref in (p["id"], p["uuid"]):
        status, body, _ = call(suite, "GET", "%s/%s" % (base, ref),
                               headers=h)
        assert status == 200 and body["data"]["id"] == p["id"]
        assert body["data"]["secret"] == "***"

    status, _, _ = call(suite, "DELETE", "%s/%d" % (base, p["id"]),
                        headers=h)
    assert status == 204
    status, body, _ = call(suite, "GET", "%s/%d" % (base, p["id"]),
                           headers=h)
    assert status == 404 and body["error"]["code"] == 4001
    status, body, _ = call(suite, "DELETE", "%s/%d" % (base, p["id"]),
                           headers=h)
    assert status == 404
    status, body, _ = call(suite, "GET", base, headers=h)
    assert [x["id"] for x in body["data"]] == [c["id"], bare_id]

    # sealed at rest: neither secret is in the database in the clear,
    # each seal the size of its secret sealed (format, key version,
    # nonce, text, tag)
    rows = database_rows(suite)
    assert [r[0] for r in rows] == [c["id"], bare_id]
    for _, _, sealed in rows:
        assert TSIG.encode() not in sealed and TOKEN.encode() not in sealed
    assert len(rows[0][2]) == 1 + 4 + 12 + len(TOKEN) + 16
    assert len(rows[1][2]) == 1 + 4 + 12 + len(TSIG) + 16


def test_bola(suite):
    admin = admin_token(suite)
    alice = make_user(suite, admin, "alice", "alice-password")
    bob = make_user(suite, admin, "bob", "bob-password-1")
    ha = session(suite, "alice", "alice-password")
    hb = session(suite, "bob", "bob-password-1")
    abase = "/apiv1/users/%d/dns-providers" % alice["oid"]
    status, body, _ = call(suite, "POST", abase, body=RFC2136, headers=ha)
    assert status == 201
    pid = body["data"]["id"]
    puuid = body["data"]["uuid"]
    # bob, by any of alice's ids, gets nothing: 404 as for a missing one
    for uid in (alice["oid"], alice["id"]):
        base = "/apiv1/users/%s/dns-providers" % uid
        for method, path, b in (("GET", base, None),
                                ("POST", base, CLOUDFLARE),
                                ("GET", "%s/%d" % (base, pid), None),
                                ("GET", "%s/%s" % (base, puuid), None),
                                ("DELETE", "%s/%d" % (base, pid), None)):
            status, answer, _ = call(suite, method, path, body=b,
                                     headers=hb)
            assert status == 404, (method, path, status)
            assert answer["error"]["code"] == 4001
    # nor through his own user id with her provider's id
    for method in ("GET", "DELETE"):
        status, _, _ = call(suite, method, "/apiv1/users/%d/dns-providers/%d"
                            % (bob["oid"], pid), headers=hb)
        assert status == 404
    # she still has it; bob made nothing
    status, body, _ = call(suite, "GET", abase, headers=ha)
    assert [x["id"] for x in body["data"]] == [pid]
    # the admin reaches hers
    hadm = session(suite, "admin", admin_password(suite), "email")
    status, body, _ = call(suite, "GET", abase + "/%d" % pid, headers=hadm)
    assert status == 200 and body["data"]["id"] == pid


def test_scopes_of_api_keys(suite):
    admin = admin_token(suite)
    alice = make_user(suite, admin, "alice", "alice-password")
    h = session(suite, "alice", "alice-password")
    base = "/apiv1/users/%d/dns-providers" % alice["oid"]
    reader = key_for(suite, h, alice["oid"], ["certs.read"])
    writer = key_for(suite, h, alice["oid"], ["certs.read", "certs.write"])
    other = key_for(suite, h, alice["oid"], ["apikeys.read"])

    status, body, _ = call(suite, "POST", base, reader, RFC2136)
    assert status == 403 and body["error"]["code"] == 4003
    status, body, _ = call(suite, "POST", base, writer, RFC2136)
    assert status == 201
    pid = body["data"]["id"]
    assert call(suite, "GET", base, reader)[0] == 200
    assert call(suite, "GET", base + "/%d" % pid, reader)[0] == 200
    assert call(suite, "GET", base, other)[0] == 403
    assert call(suite, "DELETE", base + "/%d" % pid, reader)[0] == 403
    assert call(suite, "DELETE", base + "/%d" % pid, writer)[0] == 204
    # the catalog needs a credential, any
    assert call(suite, "GET", "/apiv1/dns/providers/catalog")[0] == 401
    assert call(suite, "GET", "/apiv1/dns/providers/catalog",
                other)[0] == 200


def test_at_most_50_per_user(suite):
    admin = admin_token(suite)
    alice = make_user(suite, admin, "alice", "alice-password")
    bob = make_user(suite, admin, "bob", "bob-password-1")
    h = session(suite, "alice", "alice-password")
    base = "/apiv1/users/%d/dns-providers" % alice["oid"]
    for i in range(50):
        status, body, _ = call(suite, "POST", base, body=dict(
            RFC2136, name="p%d" % i), headers=h)
        assert status == 201, (i, body)
    status, body, _ = call(suite, "POST", base, body=RFC2136, headers=h)
    assert status == 409 and body["error"]["code"] == 4009
    status, body, _ = call(suite, "GET", base + "?limit=100", headers=h)
    assert len(body["data"]) == 50 and body["pagination"]["total"] == 50
    status, body, _ = call(suite, "GET", base + "?limit=20&offset=40",
                           headers=h)
    assert [p["name"] for p in body["data"]] == ["p%d" % i
                                                 for i in range(40, 50)]
    # another user's count is their own
    hb = session(suite, "bob", "bob-password-1")
    status, _, _ = call(suite, "POST", "/apiv1/users/%d/dns-providers" %
                        bob["oid"], body=RFC2136, headers=hb)
    assert status == 201


def test_catalog(suite):
    admin = admin_token(suite)
    make_user(suite, admin, "alice", "alice-password")
    h = session(suite, "alice", "alice-password")
    status, body, _ = call(suite, "GET", "/apiv1/dns/providers/catalog",
                           headers=h)
    assert status == 200
    types = {t["type"]: t for t in body["data"]}
    assert set(types) == {"rfc2136", "cloudflare"}
    r = types["rfc2136"]
    assert set(r["required"]) == {"server", "zone", "key_name", "secret"}
    assert {"port", "algorithm", "name"} <= set(r["optional"])
    assert r["secret_fields"] == ["secret"]
    assert r["defaults"] == {"port": 53, "algorithm": "hmac-sha256"}
    assert r["algorithms"] == ["hmac-sha256", "hmac-sha384", "hmac-sha512",
                               "hmac-sha224", "hmac-sha1"]
    c = types["cloudflare"]
    assert set(c["required"]) == {"api_token", "zone_id"}
    assert c["secret_fields"] == ["api_token"]


BAD = [
    {},
    {"type": "route53", "zone": "a.test"},
    dict(RFC2136, server="ns1.example.test"),
    dict(RFC2136, server="192.0.2.1:53"),
    dict(RFC2136, port=0),
    dict(RFC2136, port=65536),
    dict(RFC2136, port="53"),
    dict(RFC2136, zone="bad zone.test"),
    dict(RFC2136, zone="a" * 64 + ".test"),
    dict(RFC2136, zone="a." * 127 + "test"),
    dict(RFC2136, key_name="-key"),
    dict(RFC2136, algorithm="hmac-md5"),
    dict(RFC2136, secret="not base64!"),
    dict(RFC2136, secret=base64.b64encode(b"x" * 129).decode()),
    dict(RFC2136, secret=""),
    {k: v for k, v in RFC2136.items() if k != "secret"},
    {k: v for k, v in RFC2136.items() if k != "server"},
    dict(RFC2136, name="x" * 65),
    dict(RFC2136, name="bad\nname"),
    dict(RFC2136, zone_id=ZONE_ID),
    dict(RFC2136, owner=2),
    dict(RFC2136, secret=["a"]),
    dict(RFC2136, provider="cloudflare"),
    dict(CLOUDFLARE, zone_id="abc"),
    dict(CLOUDFLARE, zone_id="g" * 32),
    dict(CLOUDFLARE, api_token="has space"),
    dict(CLOUDFLARE, api_token="x" * 201),
    {k: v for k, v in CLOUDFLARE.items() if k != "api_token"},
    dict(CLOUDFLARE, server="192.0.2.1"),
    dict(CLOUDFLARE, port=53),
    dict(CLOUDFLARE, secret=TSIG),
    dict(RFC2136, api_token=TOKEN),
]


@pytest.mark.parametrize("body", BAD)
def test_bad_bodies(shared_suite, body):
    h = session(shared_suite, "admin", admin_password(shared_suite),
                "email")
    status, answer, _ = call(shared_suite, "POST",
                             "/apiv1/users/1/dns-providers", body=body,
                             headers=h)
    assert status == 400, (body, answer)
    assert set(answer["error"]) == {"code", "what"}
    status, answer, _ = call(shared_suite, "GET",
                             "/apiv1/users/1/dns-providers", headers=h)
    assert status == 200 and answer["data"] == []
    assert TSIG not in str(answer)


def test_no_process_keeps_a_secret(suite):
    """After providers are made, read and listed, the secrets are in no
    process's memory: frontd passed them on and cleared them, authd
    sealed them and cleared them, stored and taskd never saw them."""
    from test_v1_identity import read_memory
    admin = admin_token(suite)
    alice = make_user(suite, admin, "alice", "alice-password")
    h = session(suite, "alice", "alice-password")
    base = "/apiv1/users/%d/dns-providers" % alice["oid"]
    tsig = base64.b64encode(os.urandom(48)).decode()
    token = "tok_" + base64.b16encode(os.urandom(20)).decode()
    for body in (dict(RFC2136, secret=tsig),
                 dict(CLOUDFLARE, api_token=token)):
        status, answer, _ = call(suite, "POST", base, body=body, headers=h)
        assert status == 201, answer
    status, answer, _ = call(suite, "GET", base, headers=h)
    assert status == 200 and len(answer["data"]) == 2
    secrets = (tsig.encode(), token.encode(), base64.b64decode(tsig))
    for proc in ("frontd", "authd", "stored", "taskd"):
        regions = read_memory(suite.pid(proc))
        assert sum(len(r) for r in regions) > 100000
        if proc == "stored":
            # the control: what stored keeps is found where it is
            uuid = answer["data"][0]["uuid"].encode()
            assert any(uuid in region for region in regions)
        for region in regions:
            for s in secrets:
                assert s not in region, proc
