"""Certificates apiv1 (issue 11): devices, their tokens, the certificates
given to them, and what a device reads with its own token.  Through the
API alone, as an operator's script and an agent would."""
import base64
import json
import os
import threading
import time

import pytest

from identity import admin_password, admin_token, make_user
from test_certs_ca import api, bearer, issue, make_ca, make_key, session


@pytest.fixture(scope="module")
def shared_suite(tmp_path_factory):
    from suite import module_suite
    yield from module_suite(tmp_path_factory, "devices",
                            "limit api requests 100000\n")


@pytest.fixture(scope="module")
def admin(shared_suite):
    return session(shared_suite, "admin", admin_password(shared_suite))


@pytest.fixture(scope="module")
def users(shared_suite):
    """Two plain users, each with a session."""
    token = admin_token(shared_suite)
    make_user(shared_suite, token, "alice", "alice-password-1")
    make_user(shared_suite, token, "bob", "bob-password-11")
    return (session(shared_suite, "alice", "alice-password-1"),
            session(shared_suite, "bob", "bob-password-11"))


def register(s, h, uid, **body):
    body.setdefault("name", "web-server-01")
    status, answer = api(s, h, "POST", "/apiv1/users/%s/devices" % uid,
                         body)
    assert status == 201, answer
    return answer["data"]


def test_register_read_list_delete(shared_suite, admin):
    s, (h, uid) = shared_suite, admin
    base = "/apiv1/users/%s/devices" % uid
    d = register(s, h, uid, description="Production web server",
                 device_type="nginx")
    assert d["name"] == "web-server-01"
    assert d["description"] == "Production web server"
    assert d["device_type"] == "nginx" and d["dev_pk"] is None
    assert d["token"].startswith("dt_") and len(d["token"]) == 58
    # the token is shown once: never in a read or a list
    status, got = api(s, h, "GET", "%s/%s" % (base, d["id"]))
    assert status == 200 and "token" not in got["data"], got
    assert got["data"]["id"] == d["id"] and got["data"]["uuid"] == d["uuid"]
    status, got = api(s, h, "GET", "%s/%s" % (base, d["uuid"]))
    assert status == 200 and got["data"]["id"] == d["id"]
    status, page = api(s, h, "GET", base + "?limit=100")
    assert status == 200
    assert d["id"] in [x["id"] for x in page["data"]]
    assert all("token" not in x for x in page["data"])
    before = page["pagination"]["total"]
    for i in range(3):
        register(s, h, uid, name="extra-%d" % i)
    status, page = api(s, h, "GET", base + "?limit=2&offset=1")
    assert status == 200 and len(page["data"]) == 2
    assert page["pagination"]["total"] == before + 3
    assert page["pagination"]["has_more"] is True
    status, _ = api(s, h, "DELETE", "%s/%s" % (base, d["id"]))
    assert status == 204
    status, got = api(s, h, "GET", "%s/%s" % (base, d["id"]))
    assert status == 404 and got["error"]["code"] == 4001


BAD_BODIES = [
    ({}, "name"),
    ({"name": ""}, "name"),
    ({"name": 5}, "name"),
    ({"name": "x" * 65}, "name"),
    ({"name": "a\nb"}, "printable"),
    ({"name": "ok", "description": "d" * 256}, "description"),
    ({"name": "ok", "device_type": ["nginx"]}, "device_type"),
    ({"name": "ok", "color": "red"}, "color"),
    ({"name": "ok", "dev_pk": "not-a-key"}, "dev_pk"),
    ({"name": "ok", "dev_pk": base64.b64encode(b"k" * 31).decode()},
     "dev_pk"),
]


@pytest.mark.parametrize("body,word", BAD_BODIES)
def test_bad_bodies_are_400_and_change_nothing(shared_suite, admin, body,
                                               word):
    s, (h, uid) = shared_suite, admin
    base = "/apiv1/users/%s/devices" % uid
    total = api(s, h, "GET", base)[1]["pagination"]["total"]
    status, answer = api(s, h, "POST", base, body)
    assert status == 400, answer
    assert word in answer["error"]["what"], answer
    assert api(s, h, "GET", base)[1]["pagination"]["total"] == total


def test_dev_pk_is_kept(shared_suite, admin):
    s, (h, uid) = shared_suite, admin
    pk = base64.b64encode(os.urandom(32)).decode()
    d = register(s, h, uid, name="agent", dev_pk=pk)
    assert d["dev_pk"] == pk
    status, got = api(s, h, "GET", "/apiv1/users/%s/devices/%s" %
                      (uid, d["id"]))
    assert got["data"]["dev_pk"] == pk


def test_scopes(shared_suite, admin):
    s, (h, uid) = shared_suite, admin
    base = "/apiv1/users/%s/devices" % uid
    reader = make_key(s, h, uid, ["devices.read"])
    writer = make_key(s, h, uid, ["devices.read", "devices.write"])
    certs = make_key(s, h, uid, ["certs.read", "certs.write"])
    status, answer = api(s, reader, "POST", base, {"name": "no"})
    assert status == 403 and answer["error"]["code"] == 4003, answer
    status, answer = api(s, certs, "GET", base)
    assert status == 403 and answer["error"]["code"] == 4003, answer
    d = register(s, writer, uid, name="by-key")
    assert api(s, reader, "GET", "%s/%s" % (base, d["id"]))[0] == 200
    status, _ = api(s, reader, "DELETE", "%s/%s" % (base, d["id"]))
    assert status == 403
    assert api(s, writer, "DELETE", "%s/%s" % (base, d["id"]))[0] == 204


def test_another_users_devices(shared_suite, users):
    s, ((ha, alice), (hb, bob)) = shared_suite, users
    d = register(s, ha, alice, name="alices")
    # through bob's own path, or alice's: not found, and nothing changes
    for path in ("/apiv1/users/%s/devices/%s" % (bob, d["id"]),
                 "/apiv1/users/%s/devices/%s" % (alice, d["id"])):
        for method in ("GET", "DELETE"):
            status, answer = api(s, hb, method, path)
            assert status == 404, (method, path, answer)
    status, answer = api(s, hb, "GET", "/apiv1/users/%s/devices" % alice)
    assert status == 404
    status, answer = api(s, hb, "POST", "/apiv1/users/%s/devices" % alice,
                         {"name": "planted"})
    assert status == 404
    assert api(s, ha, "GET", "/apiv1/users/%s/devices/%s" %
               (alice, d["id"]))[0] == 200


def test_assignment_and_device_reads(shared_suite, users):
    s, ((ha, alice), (hb, bob)) = shared_suite, users
    ca = make_ca(s, ha, alice, name="Alice CA")
    cert = issue(s, ha, alice, ca["id"], "dev.example.com")
    other = issue(s, ha, alice, ca["id"], "other.example.com")
    d = register(s, ha, alice, name="edge")
    dev = bearer(d["token"])
    self_cert = "/apiv1/devices/self/certificates/%s"
    self_bundle = "/apiv1/devices/self/cas/%s/bundle"
    # nothing given yet: nothing to read
    assert api(s, dev, "GET", self_cert % cert["id"])[0] == 404
    status, hdrs, raw = s.request("GET", self_bundle % ca["id"], None, dev)
    assert status == 404
    status, answer = api(s, ha, "POST", "/apiv1/users/%s/devices/%s/"
                         "certificates" % (alice, d["id"]),
                         {"cert_id": cert["id"]})
    assert status == 200, answer
    assert answer["data"]["device_id"] == d["id"]
    assert answer["data"]["cert_id"] == cert["id"]
    status, got = api(s, dev, "GET", self_cert % cert["id"])
    assert status == 200, got
    assert got["data"]["domain"] == "dev.example.com"
    assert got["data"]["serial"] == cert["serial"]
    # by uuid too; the one not given stays out of reach
    assert api(s, dev, "GET", self_cert % cert["uuid"])[0] == 200
    assert api(s, dev, "GET", self_cert % other["id"])[0] == 404
    status, hdrs, raw = s.request("GET", self_bundle % ca["id"], None, dev)
    assert status == 200, raw
    assert raw.decode().startswith("-----BEGIN CERTIFICATE-----")
    # the other route, with the device's id
    status, answer = api(s, ha, "POST", "/apiv1/users/%s/certificates/%s/"
                         "assign" % (alice, other["id"]),
                         {"device_id": d["uuid"]})
    assert status == 200, answer
    assert api(s, dev, "GET", self_cert % other["id"])[0] == 200
    status, got = api(s, ha, "GET", "/apiv1/users/%s/devices/%s" %
                      (alice, d["id"]))
    assert got["data"]["certificates"] == 2
    # unassigned: out of reach again
    status, _ = api(s, ha, "DELETE", "/apiv1/users/%s/devices/%s/"
                    "certificates/%s" % (alice, d["id"], other["id"]))
    assert status == 200
    assert api(s, dev, "GET", self_cert % other["id"])[0] == 404
    status, _ = api(s, ha, "DELETE", "/apiv1/users/%s/devices/%s/"
                    "certificates/%s" % (alice, d["id"], other["id"]))
    assert status == 404
    # the device's token reads nothing else, and is refused elsewhere
    for path in ("/apiv1/users/%s/devices" % alice,
                 "/apiv1/users/%s/certificates" % alice,
                 "/apiv1/users/%s/certificates/%s" % (alice, cert["id"]),
                 "/apiv1/users/%s/apikeys" % alice):
        status, answer = api(s, dev, "GET", path)
        assert status == 401, (path, answer)
    status, answer = api(s, dev, "POST", "/apiv1/users/%s/cas" % alice,
                         {"name": "by a device"})
    assert status == 401, answer
    # a session is no device
    assert api(s, ha, "GET", self_cert % cert["id"])[0] == 401
    # deleting the certificate takes it from the device
    status, _ = api(s, ha, "DELETE", "/apiv1/users/%s/certificates/%s" %
                    (alice, cert["id"]))
    assert status == 204
    assert api(s, dev, "GET", self_cert % cert["id"])[0] == 404
    # deleted, its token stops at once (frontd may have kept its grant)
    status, _ = api(s, ha, "DELETE", "/apiv1/users/%s/devices/%s" %
                    (alice, d["id"]))
    assert status == 204
    status, answer = api(s, dev, "GET", self_cert % other["id"])
    assert status == 401, answer
    status, answer = api(s, bearer(d["token"][:-1] + "A"), "GET",
                         self_cert % other["id"])
    assert status == 401


def test_assigning_another_users_objects_is_403(shared_suite, users):
    s, ((ha, alice), (hb, bob)) = shared_suite, users
    ca = make_ca(s, ha, alice, name="Alice CA 2")
    acert = issue(s, ha, alice, ca["id"], "a.example.com")
    adev = register(s, ha, alice, name="a-dev")
    bca = make_ca(s, hb, bob, name="Bob CA")
    bcert = issue(s, hb, bob, bca["id"], "b.example.com")
    bdev = register(s, hb, bob, name="b-dev")
    cases = [
        ("/apiv1/users/%s/devices/%s/certificates" % (bob, bdev["id"]),
         {"cert_id": acert["id"]}),
        ("/apiv1/users/%s/devices/%s/certificates" % (bob, adev["id"]),
         {"cert_id": bcert["id"]}),
        ("/apiv1/users/%s/certificates/%s/assign" % (bob, acert["id"]),
         {"device_id": bdev["id"]}),
        ("/apiv1/users/%s/certificates/%s/assign" % (bob, bcert["id"]),
         {"device_id": adev["uuid"]}),
    ]
    for path, body in cases:
        status, answer = api(s, hb, "POST", path, body)
        assert status == 403, (path, answer)
        assert answer["error"]["code"] == 4003
        assert answer["error"]["what"] == \
            "API key lacks required permission", answer
    # alice's device holds nothing of bob's
    status, got = api(s, ha, "GET", "/apiv1/users/%s/devices/%s" %
                      (alice, adev["id"]))
    assert got["data"]["certificates"] == 0
    # what does not exist is 404; a bad body 400
    path = "/apiv1/users/%s/devices/%s/certificates" % (bob, bdev["id"])
    status, answer = api(s, hb, "POST", path, {"cert_id": 999999})
    assert status == 404, answer
    for body in ({}, {"cert_id": None}, {"cert_id": -1}, {"cert_id": ""},
                 {"cert_id": bcert["id"], "more": 1}):
        status, answer = api(s, hb, "POST", path, body)
        assert status == 400, (body, answer)
    # a key without devices.write may not assign
    key = make_key(s, hb, bob, ["devices.read", "certs.read"])
    status, answer = api(s, key, "POST", path, {"cert_id": bcert["id"]})
    assert status == 403


def test_deploy_materials_open_with_the_device_key_alone(shared_suite,
                                                         users):
    """The agent's part: its X25519 key registered, it fetches the
    envelope, opens the data key with crypto_box_seal_open and the key
    PEM with AES-256-GCM; the key matches the certificate, and frontd,
    which carried the envelope, holds no line of the key."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from nacl.public import PrivateKey, SealedBox
    from test_v1_identity import read_memory
    s, ((ha, alice), _) = shared_suite, users
    sk = PrivateKey.generate()
    pk = base64.b64encode(bytes(sk.public_key)).decode()
    ca = make_ca(s, ha, alice, name="Deploy CA")
    certs = [issue(s, ha, alice, ca["id"], "deploy.example.com"),
             issue(s, ha, alice, ca["id"], "rsa.example.com",
                   key_type="rsa")]
    d = register(s, ha, alice, name="agent-1", dev_pk=pk)
    dev = bearer(d["token"])
    path = "/apiv1/devices/self/certificates/%s/deploy-materials"
    # not given yet: not found
    assert api(s, dev, "GET", path % certs[0]["id"])[0] == 404
    lines, shown = [], []
    for cert in certs:
        status, _ = api(s, ha, "POST", "/apiv1/users/%s/devices/%s/"
                        "certificates" % (alice, d["id"]),
                        {"cert_id": cert["id"]})
        assert status == 200
        status, got = api(s, dev, "GET", path % cert["id"])
        assert status == 200, got
        env = got["data"]
        assert env["enc_scheme"] == "aes256gcm"
        assert env["cert_id"] == cert["id"]
        assert "privkey" not in env and "PRIVATE" not in json_text(env)
        key = SealedBox(sk).decrypt(base64.b64decode(env["enc_data_key"]))
        assert len(key) == 32
        pem = AESGCM(key).decrypt(base64.b64decode(env["nonce"]),
                                  base64.b64decode(env["enc_privkey"]),
                                  None)
        assert pem.startswith(b"-----BEGIN PRIVATE KEY-----")
        priv = serialization.load_pem_private_key(pem, None)
        leaf = x509.load_pem_x509_certificate(env["cert"].encode())
        pub = serialization.PublicFormat.SubjectPublicKeyInfo
        enc = serialization.Encoding.DER
        assert priv.public_key().public_bytes(enc, pub) == \
            leaf.public_key().public_bytes(enc, pub)
        # another device's key opens nothing
        with pytest.raises(Exception):
            SealedBox(PrivateKey.generate()).decrypt(
                base64.b64decode(env["enc_data_key"]))
        # a changed ciphertext is refused by the tag
        ct = bytearray(base64.b64decode(env["enc_privkey"]))
        ct[0] ^= 1
        with pytest.raises(Exception):
            AESGCM(key).decrypt(base64.b64decode(env["nonce"]), bytes(ct),
                                None)
        lines.append(pem.split(b"\n")[1])
        shown.append(env["cert"].split("\n")[1].encode())
    # two fetches: two data keys, two nonces
    a = api(s, dev, "GET", path % certs[0]["id"])[1]["data"]
    b = api(s, dev, "GET", path % certs[0]["id"])[1]["data"]
    assert a["enc_data_key"] != b["enc_data_key"]
    assert a["nonce"] != b["nonce"]
    # a device without a key is never handed one in clear
    bare = register(s, ha, alice, name="no-key")
    status, _ = api(s, ha, "POST", "/apiv1/users/%s/devices/%s/"
                    "certificates" % (alice, bare["id"]),
                    {"cert_id": certs[0]["id"]})
    assert status == 200
    status, got = api(s, bearer(bare["token"]), "GET",
                      path % certs[0]["id"])
    assert status == 409 and "dev_pk" in got["error"]["what"], got
    # a session or an API key is no device
    assert api(s, ha, "GET", path % certs[0]["id"])[0] == 401
    key = make_key(s, ha, alice, ["certs.read", "certs.write"])
    assert api(s, key, "GET", path % certs[0]["id"])[0] == 401
    regions = read_memory(s.pid("frontd"))
    assert sum(len(r) for r in regions) > 1000000
    for line in lines:
        assert len(line) == 64
        assert not any(line in r for r in regions), "frontd holds a key"
    # the control: the certificates frontd carried in the same answers are
    # found, so the search does reach where an answer passes
    assert all(len(line) == 64 and any(line in r for r in regions)
               for line in shown)


def json_text(v):
    import json
    return json.dumps(v)


# ---- GET /apiv1/devices/self/updates ----------------------------------------

UPDATES = "/apiv1/devices/self/updates"


def poll(s, dev, query="", headers=None, client=None):
    h = dict(dev)
    h.update(headers or {})
    if client is not None:
        status, hdrs, raw = client.send("GET", UPDATES + query, None, h)
    else:
        status, hdrs, raw = s.request("GET", UPDATES + query, None, h)
    return status, hdrs, (json.loads(raw) if raw else None)


def give(s, h, uid, dev_id, cert_id, take=False):
    if take:
        status, answer = api(s, h, "DELETE", "/apiv1/users/%s/devices/%s/"
                             "certificates/%s" % (uid, dev_id, cert_id))
    else:
        status, answer = api(s, h, "POST", "/apiv1/users/%s/devices/%s/"
                             "certificates" % (uid, dev_id),
                             {"cert_id": cert_id})
    assert status == 200, answer


@pytest.fixture
def agent(shared_suite, users):
    """A fresh device of alice's, a certificate of her CA for it."""
    s, ((ha, alice), _) = shared_suite, users
    ca = make_ca(s, ha, alice, name="Updates CA")
    cert = issue(s, ha, alice, ca["id"], "updates.example.com")
    d = register(s, ha, alice, name="poller")
    return ha, alice, ca, cert, d, bearer(d["token"])


def test_updates_signals_cursor_and_etag(shared_suite, agent):
    s = shared_suite
    ha, alice, ca, cert, d, dev = agent
    status, hdrs, body = poll(s, dev)
    assert status == 204 and body is None
    assert hdrs["ETag"] == '"0"'
    assert hdrs["Cache-Control"] == "no-store"
    assert int(hdrs["X-Poll-Interval"]) > 0
    give(s, ha, alice, d["id"], cert["id"])
    status, hdrs, body = poll(s, dev)
    assert status == 200, body
    assert hdrs["Cache-Control"] == "no-store"
    sigs = body["data"]["signals"]
    # the CA first, so that the agent trusts it before the certificate
    assert [x["type"] for x in sigs] == ["ca.assigned", "cert.updated"]
    assert sigs[0]["ref"] == {"ca_id": ca["id"]}
    assert sigs[1]["ref"] == {"cert_id": cert["id"]}
    assert all(isinstance(x["ts_ms"], int) and
               abs(x["ts_ms"] / 1000 - time.time()) < 60 for x in sigs)
    cursor = body["data"]["cursor"]
    assert hdrs["ETag"] == '"%s"' % cursor
    # nothing since: 204 with the same ETag, by query or by header
    status, hdrs, _ = poll(s, dev, "?cursor=" + cursor)
    assert status == 204 and hdrs["ETag"] == '"%s"' % cursor
    status, hdrs, _ = poll(s, dev, "?cursor=0",
                           {"If-None-Match": '"%s"' % cursor})
    assert status == 204, "If-None-Match wins over ?cursor="
    # the header's cursor is taken over an older query's
    give(s, ha, alice, d["id"], cert["id"], take=True)
    status, hdrs, body = poll(s, dev, "?cursor=0",
                              {"If-None-Match": '"%s"' % cursor})
    assert status == 200
    assert [x["type"] for x in body["data"]["signals"]] == \
        ["cert.unassigned"]
    assert body["data"]["signals"][0]["ref"] == {"cert_id": cert["id"]}
    # limit pages through them
    status, _, body = poll(s, dev, "?limit=1")
    assert status == 200 and len(body["data"]["signals"]) == 1
    first = body["data"]["cursor"]
    status, _, body = poll(s, dev, "?limit=1&cursor=" + first)
    assert body["data"]["signals"][0]["type"] == "cert.updated"


def test_ts_ms_unique_per_type(shared_suite, agent):
    s = shared_suite
    ha, alice, ca, cert, d, dev = agent
    for _ in range(6):
        give(s, ha, alice, d["id"], cert["id"])
        give(s, ha, alice, d["id"], cert["id"], take=True)
    status, _, body = poll(s, dev, "?limit=100")
    assert status == 200
    seen = [(x["type"], x["ts_ms"]) for x in body["data"]["signals"]]
    assert len([t for t, _ in seen if t == "cert.updated"]) == 6
    assert len([t for t, _ in seen if t == "cert.unassigned"]) == 6
    assert len(set(seen)) == len(seen), seen


def test_long_poll_wakes_on_a_change_and_ends_idle(shared_suite, agent):
    from suite import Client
    s = shared_suite
    ha, alice, ca, cert, d, dev = agent
    status, hdrs, _ = poll(s, dev)
    cursor = hdrs["ETag"].strip('"')
    # idle: 204 once its wait is over, not before
    start = time.monotonic()
    status, hdrs, _ = poll(s, dev, "?wait=2&cursor=" + cursor,
                           client=Client(s.port))
    took = time.monotonic() - start
    assert status == 204 and hdrs["ETag"] == '"%s"' % cursor
    assert 1.9 <= took < 3.5, took
    # a change wakes a waiting poll at once
    got = {}

    def waiter():
        got["answer"] = poll(s, dev, "?wait=20&cursor=" + cursor,
                             client=Client(s.port))
        got["at"] = time.monotonic()
    t = threading.Thread(target=waiter)
    t.start()
    time.sleep(1.0)
    assert "answer" not in got, "the poll answered before any change"
    changed = time.monotonic()
    give(s, ha, alice, d["id"], cert["id"])
    t.join(10)
    assert not t.is_alive()
    status, hdrs, body = got["answer"]
    assert status == 200, body
    assert got["at"] - changed < 1.0, got["at"] - changed
    assert [x["type"] for x in body["data"]["signals"]] == \
        ["ca.assigned", "cert.updated"]
    # another device's change does not wake it
    other = register(s, ha, alice, name="other")
    cursor = body["data"]["cursor"]
    got.clear()
    t = threading.Thread(target=waiter)
    t.start()
    time.sleep(0.5)
    give(s, ha, alice, other["id"], cert["id"])
    time.sleep(0.8)
    assert "answer" not in got
    give(s, ha, alice, d["id"], cert["id"], take=True)
    t.join(10)
    assert got["answer"][0] == 200
    assert [x["type"] for x in got["answer"][2]["data"]["signals"]] == \
        ["cert.unassigned"]


BAD_QUERIES = ["?limit=0", "?limit=101", "?limit=x", "?wait=31",
               "?wait=-1", "?cursor=abc", "?cursor=1x", "?color=red"]


@pytest.mark.parametrize("query", BAD_QUERIES)
def test_updates_bad_queries(shared_suite, agent, query):
    s = shared_suite
    status, _, body = poll(s, agent[5], query)
    assert status == 400, (query, body)
    status, _, body = poll(s, agent[5], "", {"If-None-Match": '"nope"'})
    assert status == 400


def test_updates_too_fast_is_429(shared_suite, agent):
    s = shared_suite
    dev = agent[5]
    statuses = [poll(s, dev)[0] for _ in range(60)]
    assert set(statuses) == {204}
    status, hdrs, body = poll(s, dev)
    assert status == 429, body
    assert int(hdrs["Retry-After"]) > 0


def test_updates_old_cursor_is_409(shared_suite, agent):
    s = shared_suite
    ha, alice, ca, cert, d, dev = agent
    status, _, body = poll(s, dev)
    for _ in range(501):
        give(s, ha, alice, d["id"], cert["id"])
        give(s, ha, alice, d["id"], cert["id"], take=True)
    status, _, body = poll(s, dev, "?cursor=1")
    assert status == 409, body
    assert body["error"]["code"] == 40901
    assert body["error"]["hint"] == "full_resync"
    # from the start: what is kept, 1000 of them, a page at a time
    status, _, body = poll(s, dev, "?limit=100")
    assert status == 200 and len(body["data"]["signals"]) == 100


def test_updates_need_a_device_token(shared_suite, agent, users):
    s = shared_suite
    ha = agent[0]
    status, _, _ = s.request("GET", UPDATES, None, ha)
    assert status == 401
    status, _, _ = s.request("GET", UPDATES, None, {})
    assert status == 401


def test_a_held_poll_whose_client_leaves(shared_suite, agent):
    """Clients that leave while held are forgotten: a signal after they
    left wakes nothing that is gone, and frontd serves on."""
    import socket
    import ssl
    from suite import tls_context
    s = shared_suite
    ha, alice, ca, cert, d, dev = agent
    status, hdrs, _ = poll(s, dev)
    cursor = hdrs["ETag"].strip('"')
    pid = s.pid("frontd")
    for _ in range(5):
        raw = socket.create_connection(("127.0.0.1", s.port))
        tls = tls_context().wrap_socket(raw, server_hostname="localhost")
        tls.sendall(("GET %s?wait=30&cursor=%s HTTP/1.1\r\nHost: x\r\n"
                     "Authorization: %s\r\n\r\n" % (
                         UPDATES, cursor, dev["Authorization"])).encode())
        time.sleep(0.2)
        tls.close()
    time.sleep(0.3)
    give(s, ha, alice, d["id"], cert["id"])
    status, _, body = poll(s, dev, "?cursor=" + cursor)
    assert status == 200, body
    assert s.pid("frontd") == pid


def test_a_held_poll_of_a_deleted_device_is_401(shared_suite, agent):
    from suite import Client
    s = shared_suite
    ha, alice, ca, cert, d, dev = agent
    got = {}

    def waiter():
        got["answer"] = poll(s, dev, "?wait=20&cursor=0",
                             client=Client(s.port))
        got["at"] = time.monotonic()
    t = threading.Thread(target=waiter)
    t.start()
    time.sleep(0.8)
    assert "answer" not in got
    gone = time.monotonic()
    status, _ = api(s, ha, "DELETE", "/apiv1/users/%s/devices/%s" %
                    (alice, d["id"]))
    assert status == 204
    t.join(10)
    assert not t.is_alive()
    assert got["answer"][0] == 401, got["answer"]
    assert got["at"] - gone < 1.0
