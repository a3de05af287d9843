"""Certificates apiv1 (issue 11): an agent registers with its X25519 key
and lives on its session.  POST /apiv1/me/devices and
/apiv1/device/registration answer the device and its first access and
refresh tokens; POST /auth/refresh turns a refresh token over once, and a
second use of it ends its whole family.  The test plays the agent with
python3-nacl, as the real one keeps its key."""
import base64

import pytest

from identity import admin_token, make_user
from test_certs_ca import api, bearer, issue, make_ca, make_key, session


@pytest.fixture(scope="module")
def shared_suite(tmp_path_factory):
    from suite import module_suite
    yield from module_suite(tmp_path_factory, "agent",
                            "limit api requests 100000\n")


@pytest.fixture(scope="module")
def users(shared_suite):
    token = admin_token(shared_suite)
    make_user(shared_suite, token, "alice", "alice-password-1")
    make_user(shared_suite, token, "bob", "bob-password-11")
    return (session(shared_suite, "alice", "alice-password-1"),
            session(shared_suite, "bob", "bob-password-11"))


def agent_key():
    from nacl.public import PrivateKey
    sk = PrivateKey.generate()
    return sk, base64.b64encode(bytes(sk.public_key)).decode()


def register(s, h, path="/apiv1/me/devices", **body):
    body.setdefault("name", "agent-host")
    if "dev_pk" not in body:
        body["dev_pk"] = agent_key()[1]
    status, answer = api(s, h, "POST", path, body)
    assert status == 201, answer
    return answer["data"]


def refresh(s, token, source=None):
    from identity import call
    status, answer, hdrs = call(s, "POST", "/auth/refresh",
                                body={"refresh_token": token},
                                source=source)
    return status, answer, hdrs


def serves(s, token):
    """Whether the token opens the device's poll (200, or 204 when
    nothing is new), rather than 401."""
    status = s.request("GET", "/apiv1/devices/self/updates", None,
                       bearer(token))[0]
    assert status in (200, 204, 401), status
    return status != 401


def devices_total(s, h, uid):
    status, page = api(s, h, "GET", "/apiv1/users/%s/devices" % uid)
    assert status == 200, page
    return page["pagination"]["total"]


def test_register_with_a_key_and_read_as_the_agent(shared_suite, users):
    """An API key that may write devices registers the agent; its access
    token reads what is given to the device, and the deploy materials
    open with the agent's X25519 key alone."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from nacl.public import SealedBox
    s, ((ha, alice), _) = shared_suite, users
    key = make_key(s, ha, alice, ["devices.read", "devices.write"])
    sk, pk = agent_key()
    got = register(s, key, name="edge-1", dev_pk=pk, device_type="nginx")
    dev, sess = got["device"], got["session"]
    assert dev["name"] == "edge-1" and dev["dev_pk"] == pk
    assert dev["user_id"] == int(alice) and "token" not in dev
    assert sess["access_token"].startswith("da_")
    assert sess["refresh_token"].startswith("dr_")
    assert len(sess["access_token"]) == len(sess["refresh_token"]) == 58
    assert sess["expires_in"] == 3600 and sess["token_type"] == "Bearer"
    # the owner sees it among her devices, with its key, never a token
    status, one = api(s, ha, "GET", "/apiv1/users/%s/devices/%s" %
                      (alice, dev["id"]))
    assert status == 200 and one["data"]["dev_pk"] == pk
    assert "token" not in one["data"]
    ca = make_ca(s, ha, alice, name="Agent CA")
    cert = issue(s, ha, alice, ca["id"], "agent.example.com")
    status, _ = api(s, ha, "POST", "/apiv1/users/%s/devices/%s/"
                    "certificates" % (alice, dev["id"]),
                    {"cert_id": cert["id"]})
    assert status == 200
    acc = bearer(sess["access_token"])
    status, c = api(s, acc, "GET", "/apiv1/devices/self/certificates/%s" %
                    cert["id"])
    assert status == 200 and c["data"]["id"] == cert["id"], c
    status, env = api(s, acc, "GET", "/apiv1/devices/self/certificates/"
                      "%s/deploy-materials" % cert["id"])
    assert status == 200, env
    env = env["data"]
    assert env["enc_scheme"] == "aes256gcm"
    data_key = SealedBox(sk).decrypt(base64.b64decode(env["enc_data_key"]))
    pem = AESGCM(data_key).decrypt(base64.b64decode(env["nonce"]),
                                   base64.b64decode(env["enc_privkey"]),
                                   None)
    assert pem.startswith(b"-----BEGIN PRIVATE KEY-----")
    status, _, _ = s.request("GET", "/apiv1/devices/self/updates", None,
                             acc)
    assert status == 200
    # the access token is the device's: no user route opens to it
    status, _ = api(s, acc, "GET", "/apiv1/users/%s/devices" % alice)
    assert status == 401
    # nor a registration
    status, _ = api(s, acc, "POST", "/apiv1/me/devices",
                    {"name": "x", "dev_pk": pk})
    assert status == 401


def test_registration_path_and_session(shared_suite, users):
    """POST /apiv1/device/registration does the same for a session; the
    device is the caller's own."""
    s, (_, (hb, bob)) = shared_suite, users
    before = devices_total(s, hb, bob)
    got = register(s, hb, "/apiv1/device/registration", name="bob-agent")
    assert got["device"]["user_id"] == int(bob)
    assert devices_total(s, hb, bob) == before + 1


BAD = [
    ({"dev_pk": "AAAA"}, 400, "name"),
    ({"name": "x"}, 400, "dev_pk"),
    ({"name": "x", "dev_pk": ""}, 400, "dev_pk"),
    ({"name": "x", "dev_pk": "not a key"}, 400, "dev_pk"),
    ({"name": "x", "dev_pk": base64.b64encode(b"k" * 31).decode()}, 400,
     "dev_pk"),
    ({"name": "x", "dev_pk": base64.b64encode(b"k" * 33).decode()}, 400,
     "dev_pk"),
    ({"name": "a\tb", "dev_pk": base64.b64encode(b"k" * 32).decode()}, 400,
     "printable"),
    ({"name": "x", "dev_pk": base64.b64encode(b"k" * 32).decode(),
      "owner": 1}, 400, "owner"),
]


@pytest.mark.parametrize("body,code,word", BAD)
def test_bad_registrations_change_nothing(shared_suite, users, body, code,
                                          word):
    s, ((ha, alice), _) = shared_suite, users
    before = devices_total(s, ha, alice)
    status, answer = api(s, ha, "POST", "/apiv1/me/devices", body)
    assert status == code, answer
    assert isinstance(answer["error"]["code"], int)
    assert word in answer["error"]["what"], answer
    assert devices_total(s, ha, alice) == before


def test_who_may_register(shared_suite, users):
    s, ((ha, alice), _) = shared_suite, users
    pk = agent_key()[1]
    before = devices_total(s, ha, alice)
    for scopes in (["devices.read"], ["certs.read", "certs.write"]):
        k = make_key(s, ha, alice, scopes)
        for path in ("/apiv1/me/devices", "/apiv1/device/registration"):
            status, answer = api(s, k, "POST", path,
                                 {"name": "no", "dev_pk": pk})
            assert status == 403, answer
            assert answer["error"]["code"] == 4003, answer
    status, answer = api(s, {}, "POST", "/apiv1/me/devices",
                         {"name": "no", "dev_pk": pk})
    assert status == 401, answer
    status, answer = api(s, bearer("ak_" + "A" * 55), "POST",
                         "/apiv1/device/registration",
                         {"name": "no", "dev_pk": pk})
    assert status == 401, answer
    assert devices_total(s, ha, alice) == before


def test_refresh_turns_over_once(shared_suite, users):
    """A refresh gives a new pair; the old access token lives out its
    hour; a refresh token used a second time ends its family: the pair
    made from it stops at once, and other devices go on."""
    s, ((ha, alice), _) = shared_suite, users
    first = register(s, ha, name="rotating")["session"]
    other = register(s, ha, name="bystander")["session"]
    status, answer, _ = refresh(s, first["refresh_token"])
    assert status == 200, answer
    second = answer["data"]
    assert second["access_token"].startswith("da_")
    assert second["refresh_token"].startswith("dr_")
    assert second["access_token"] != first["access_token"]
    assert second["refresh_token"] != first["refresh_token"]
    assert second["expires_in"] == 3600
    for tok in (first["access_token"], second["access_token"]):
        assert serves(s, tok)
    # and again, with the new one
    status, answer, _ = refresh(s, second["refresh_token"])
    assert status == 200, answer
    third = answer["data"]
    assert serves(s, third["access_token"])
    # the first refresh token again: the whole family ends
    status, answer, _ = refresh(s, first["refresh_token"])
    assert status == 401, answer
    assert answer["error"]["code"] == 401
    for tok in (first["access_token"], second["access_token"],
                third["access_token"]):
        assert not serves(s, tok)
    status, _, _ = refresh(s, third["refresh_token"])
    assert status == 401
    # another device's session is its own
    assert serves(s, other["access_token"])
    status, answer, _ = refresh(s, other["refresh_token"])
    assert status == 200, answer


def test_tokens_are_not_each_other(shared_suite, users):
    s, ((ha, alice), _) = shared_suite, users
    sess = register(s, ha, name="mixed")["session"]
    # a refresh token opens no read; an access token refreshes nothing
    assert serves(s, sess["access_token"])
    assert not serves(s, sess["refresh_token"])
    status, answer, _ = refresh(s, sess["access_token"])
    assert status == 401, answer
    # a refresh token with its secret changed is refused, and spends
    # nothing: the real one still turns over
    tok = sess["refresh_token"]
    forged = tok[:-2] + ("AA" if tok[-2:] != "AA" else "BA")
    status, answer, _ = refresh(s, forged)
    assert status == 401, answer
    status, answer, _ = refresh(s, tok)
    assert status == 200, answer


BAD_REFRESH = [
    ({}, 400),
    ({"refresh_token": 5}, 400),
    ({"refresh_token": None}, 400),
    ({"refresh_token": "x", "extra": 1}, 400),
    ({"refresh_token": ""}, 401),
    ({"refresh_token": "dr_short"}, 401),
    ({"refresh_token": "dr_" + "A" * 5000}, 401),
]


@pytest.mark.parametrize("body,code", BAD_REFRESH)
def test_bad_refresh_bodies(shared_suite, body, code):
    from identity import call
    status, answer, _ = call(shared_suite, "POST", "/auth/refresh",
                             body=body, source="127.0.0.3")
    assert status == code, answer
    assert set(answer) == {"error"} and "what" in answer["error"]


def test_a_deleted_device_ends_its_session(shared_suite, users):
    s, ((ha, alice), _) = shared_suite, users
    got = register(s, ha, name="short-lived")
    sess = got["session"]
    status, _ = api(s, ha, "DELETE", "/apiv1/users/%s/devices/%s" %
                    (alice, got["device"]["id"]))
    assert status == 204
    assert not serves(s, sess["access_token"])
    assert refresh(s, sess["refresh_token"])[0] == 401


def test_bola_an_agent_reads_its_own_alone(shared_suite, users):
    s, ((ha, alice), (hb, bob)) = shared_suite, users
    sess = register(s, ha, name="alices-agent")["session"]
    ca = make_ca(s, hb, bob, name="Bob CA")
    cert = issue(s, hb, bob, ca["id"], "bob.example.com")
    acc = bearer(sess["access_token"])
    status, _ = api(s, acc, "GET", "/apiv1/devices/self/certificates/%s" %
                    cert["id"])
    assert status == 404
    status, _ = api(s, acc, "GET", "/apiv1/devices/self/certificates/"
                    "%s/deploy-materials" % cert["id"])
    assert status == 404
    status, _ = api(s, acc, "GET", "/apiv1/users/%s/certificates" % bob)
    assert status == 401


def test_refresh_failures_are_limited_per_address(shared_suite, users):
    """Bad refresh tokens count as failed authentications of their
    address: past the limit (10 a minute) 429 with Retry-After, even
    for a good token; another address is served."""
    s, ((ha, alice), _) = shared_suite, users
    sess = register(s, ha, name="limited")["session"]
    src = "127.0.0.4"
    codes = [refresh(s, "dr_" + "B" * 55, source=src)[0]
             for _ in range(12)]
    assert codes[:10] == [401] * 10, codes
    assert codes[10:] == [429, 429], codes
    status, answer, hdrs = refresh(s, sess["refresh_token"], source=src)
    assert status == 429, answer
    assert int(hdrs["Retry-After"]) > 0
    status, answer, _ = refresh(s, sess["refresh_token"],
                                source="127.0.0.5")
    assert status == 200, answer


# ---- API key permissions on single objects ---------------------------------

def key_with(s, h, uid, permissions, scopes=None):
    body = {"name": "limited", "permissions": permissions}
    if scopes is not None:
        body["scopes"] = scopes
    status, answer = api(s, h, "POST", "/apiv1/users/%s/apikeys" % uid,
                         body)
    assert status == 201, answer
    return bearer(answer["data"]["token"]), answer["data"]


def forbidden(status, answer):
    assert status == 403, answer
    assert answer["error"]["code"] == 4003, answer
    assert answer["error"]["what"].lower() == \
        "api key lacks required permission", answer


@pytest.fixture(scope="module")
def objects(shared_suite, users):
    """Two CAs, two certificates and two devices of alice's."""
    s, ((ha, alice), _) = shared_suite, users
    cas = [make_ca(s, ha, alice, name="Perm CA %d" % i) for i in (1, 2)]
    certs = [issue(s, ha, alice, cas[0]["id"], "p%d.example.com" % i)
             for i in (1, 2)]
    devs = [register(s, ha, name="perm-dev-%d" % i)["device"]
            for i in (1, 2)]
    return cas, certs, devs


def test_a_key_for_one_certificate(shared_suite, users, objects):
    s, ((ha, alice), _) = shared_suite, users
    cas, certs, devs = objects
    base = "/apiv1/users/%s/certificates" % alice
    k, rec = key_with(s, ha, alice, [{"obtype": "certs",
                                      "obid": certs[0]["id"],
                                      "actions": ["read"]}])
    assert rec["permissions"][0]["obid"] == certs[0]["id"]
    status, got = api(s, k, "GET", "%s/%s" % (base, certs[0]["id"]))
    assert status == 200 and got["data"]["id"] == certs[0]["id"], got
    # by its uuid too
    status, got = api(s, k, "GET", "%s/%s" % (base, certs[0]["uuid"]))
    assert status == 200, got
    forbidden(*api(s, k, "GET", "%s/%s" % (base, certs[1]["id"])))
    # a list would show the others; no write; nothing of other types
    forbidden(*api(s, k, "GET", base))
    forbidden(*api(s, k, "DELETE", "%s/%s" % (base, certs[0]["id"])))
    forbidden(*api(s, k, "GET", "%s/%s/export" % (base, certs[0]["id"])))
    forbidden(*api(s, k, "GET", "/apiv1/users/%s/dns-providers" % alice))
    forbidden(*api(s, k, "GET", "/apiv1/users/%s/acme-accounts" % alice))
    forbidden(*api(s, k, "GET", "/apiv1/users/%s/devices" % alice))
    forbidden(*api(s, k, "POST", base, {"ca_id": cas[0]["id"],
                                        "domain": "new.example.com"}))
    # the other certificate is still there for the owner
    assert api(s, ha, "GET", "%s/%s" % (base, certs[1]["id"]))[0] == 200


def test_a_scope_name_is_not_narrowed(shared_suite, users, objects):
    s, ((ha, alice), _) = shared_suite, users
    _, certs, _ = objects
    k, _ = key_with(s, ha, alice, [{"obtype": "certs",
                                    "obid": certs[0]["id"],
                                    "actions": ["read"]}],
                    scopes=["certs.read"])
    for c in certs:
        assert api(s, k, "GET", "/apiv1/users/%s/certificates/%s" %
                   (alice, c["id"]))[0] == 200
    for whole in ({}, {"obid": "*"}, {"obid": None}):
        perm = {"obtype": "certs", "actions": ["read"]}
        perm.update(whole)
        k, _ = key_with(s, ha, alice, [perm])
        assert api(s, k, "GET", "/apiv1/users/%s/certificates" %
                   alice)[0] == 200


def test_a_key_for_one_device_and_one_ca(shared_suite, users, objects):
    s, ((ha, alice), _) = shared_suite, users
    cas, certs, devs = objects
    k, _ = key_with(s, ha, alice, [
        {"obtype": "devices", "obid": devs[0]["id"],
         "actions": ["read", "write"]},
        {"obtype": "cas", "obid": cas[0]["uuid"], "actions": ["read"]},
    ], scopes=["certs.read"])
    dbase = "/apiv1/users/%s/devices" % alice
    assert api(s, k, "GET", "%s/%s" % (dbase, devs[0]["id"]))[0] == 200
    forbidden(*api(s, k, "GET", "%s/%s" % (dbase, devs[1]["id"])))
    forbidden(*api(s, k, "DELETE", "%s/%s" % (dbase, devs[1]["id"])))
    # assigning hands the certificate's key to the device: an export,
    # which certs.read does not allow (test_review11.py)
    forbidden(*api(s, k, "POST", "%s/%s/certificates" %
                   (dbase, devs[0]["id"]), {"cert_id": certs[1]["id"]}))
    forbidden(*api(s, k, "POST", "%s/%s/certificates" %
                   (dbase, devs[1]["id"]), {"cert_id": certs[1]["id"]}))
    # a key that may export that one certificate assigns it, and no other
    k2, _ = key_with(s, ha, alice, [
        {"obtype": "devices", "obid": devs[0]["id"],
         "actions": ["read", "write"]},
        {"obtype": "certs", "obid": certs[1]["id"],
         "actions": ["read", "write"]}])
    status, got = api(s, k2, "POST", "%s/%s/certificates" %
                      (dbase, devs[0]["id"]), {"cert_id": certs[1]["id"]})
    assert status == 200, got
    forbidden(*api(s, k2, "POST", "%s/%s/certificates" %
                   (dbase, devs[0]["id"]), {"cert_id": certs[0]["id"]}))
    forbidden(*api(s, k, "POST", dbase, {"name": "no"}))
    cbase = "/apiv1/users/%s/cas" % alice
    assert api(s, k, "GET", "%s/%s" % (cbase, cas[0]["id"]))[0] == 200
    status, _, _ = s.request("GET", "%s/%s/bundle" % (cbase, cas[0]["id"]),
                             None, k)
    assert status == 200
    forbidden(*api(s, k, "GET", "%s/%s" % (cbase, cas[1]["id"])))
    forbidden(*api(s, k, "GET", cbase))
    forbidden(*api(s, k, "DELETE", "%s/%s" % (cbase, cas[0]["id"])))


def test_bad_permissions_make_no_key(shared_suite, users, objects):
    s, ((ha, alice), (hb, bob)) = shared_suite, users
    _, certs, _ = objects
    bobs = issue(s, hb, bob, make_ca(s, hb, bob, name="Bob P")["id"],
                 "bobp.example.com")
    keys = "/apiv1/users/%s/apikeys" % alice
    before = api(s, ha, "GET", keys)[1]["pagination"]["total"]
    for perms in ([{"obtype": "certs", "obid": bobs["id"],
                    "actions": ["read"]}],
                  [{"obtype": "certs", "obid": 999999,
                    "actions": ["read"]}],
                  [{"obtype": "certs", "obid": "no-such",
                    "actions": ["read"]}],
                  [{"obtype": "hosts", "obid": 1, "actions": ["read"]}],
                  [{"obtype": "apikeys", "obid": 1, "actions": ["read"]}],
                  [{"obtype": "certs", "obid": certs[0]["id"],
                    "actions": ["admin"]}],
                  [{"obtype": "certs", "obid": [1], "actions": ["read"]}],
                  "certs"):
        status, answer = api(s, ha, "POST", keys,
                             {"name": "bad", "permissions": perms})
        assert status == 400, (perms, answer)
        assert "permission" in answer["error"]["what"], answer
    assert api(s, ha, "GET", keys)[1]["pagination"]["total"] == before


def test_a_limited_key_gives_no_more(shared_suite, users, objects):
    """A key limited to one certificate cannot make a key for another,
    nor one with the scope whole."""
    s, ((ha, alice), _) = shared_suite, users
    _, certs, _ = objects
    k, _ = key_with(s, ha, alice, [{"obtype": "certs",
                                    "obid": certs[0]["id"],
                                    "actions": ["read"]}],
                    scopes=["apikeys.write", "apikeys.read"])
    keys = "/apiv1/users/%s/apikeys" % alice
    for body in ({"scopes": ["certs.read"]},
                 {"permissions": [{"obtype": "certs",
                                   "obid": certs[1]["id"],
                                   "actions": ["read"]}]}):
        status, answer = api(s, k, "POST", keys, body)
        assert status == 403, answer


def test_permissions_catalog(shared_suite, users):
    s, ((ha, alice), _) = shared_suite, users
    status, got = api(s, ha, "GET", "/apiv1/permissions/catalog")
    assert status == 200, got
    by = {e["obtype"]: e for e in got["data"]}
    assert set(by) == {"certs", "cas", "devices", "apikeys"}
    for name, e in by.items():
        assert e["actions"] == ["read", "write"]
        assert e["scopes"] == [name + ".read", name + ".write"]
        assert isinstance(e["description"], str) and e["description"]
    assert by["certs"]["obid"] and not by["apikeys"]["obid"]
    # each scope it names is one a key may be made with
    for e in got["data"]:
        status, answer = api(s, ha, "POST", "/apiv1/users/%s/apikeys" %
                             alice, {"name": "cat", "scopes": e["scopes"]})
        assert status == 201, answer
    assert api(s, {}, "GET", "/apiv1/permissions/catalog")[0] == 401


# ---- the documents' error codes ---------------------------------------------

def test_error_codes(shared_suite, users, objects):
    s, ((ha, alice), (hb, bob)) = shared_suite, users
    cas, certs, devs = objects
    base = "/apiv1/users/%s" % alice
    status, answer = api(s, ha, "GET", base + "/certificates/999999")
    assert (status, answer["error"]["code"]) == (404, 4001), answer
    status, answer = api(s, ha, "GET", base + "/devices/999999")
    assert (status, answer["error"]["code"]) == (404, 4001), answer
    # another user's object named under one's own path: 403, 4003
    status, answer = api(s, ha, "POST", base + "/devices/%s/certificates" %
                         devs[0]["id"], {"cert_id": issue(
                             s, hb, bob, make_ca(s, hb, bob)["id"],
                             "bob-e.example.com")["id"]})
    assert (status, answer["error"]["code"]) == (403, 4003), answer
    # a device that cannot be handed a key: 409, 4009
    status, answer = api(s, ha, "POST", base + "/devices",
                         {"name": "keyless"})
    assert status == 201, answer
    bare = answer["data"]
    assert api(s, ha, "POST", base + "/devices/%s/certificates" %
               bare["id"], {"cert_id": certs[0]["id"]})[0] == 200
    status, answer = api(s, bearer(bare["token"]), "GET",
                         "/apiv1/devices/self/certificates/%s/"
                         "deploy-materials" % certs[0]["id"])
    assert (status, answer["error"]["code"]) == (409, 4009), answer
    # a bad or missing credential: 401, 401
    for h in ({}, bearer("ak_" + "Z" * 55), bearer("da_" + "Z" * 55)):
        status, answer = api(s, h, "GET", base + "/certificates")
        assert (status, answer["error"]["code"]) == (401, 401), answer


def test_login_and_refresh_share_the_limit(shared_suite):
    """/auth/general and /auth/refresh share the limit of 10 failures a
    minute per address: then 429 with Retry-After, in the envelope."""
    from identity import admin_password, call
    s, src = shared_suite, "127.0.0.6"
    # names nobody has, each once: no account's delay, the address's
    # count alone
    codes = [call(s, "POST", "/auth/general", body={
        "username": "nobody-%d" % i, "password": "wrong"},
        source=src)[0] for i in range(10)]
    assert codes == [401] * 10, codes
    status, answer, hdrs = refresh(s, "dr_" + "C" * 55, source=src)
    assert status == 429 and int(hdrs["Retry-After"]) > 0, answer
    status, answer, hdrs = call(s, "POST", "/auth/general", body={
        "username": "admin", "password": admin_password(s)}, source=src)
    assert status == 429 and int(hdrs["Retry-After"]) > 0, answer
    assert set(answer) == {"error"} and answer["error"]["code"] == 4029


def test_registration_failures_are_limited(shared_suite, users):
    """A registration's refused key counts on the address's limit of
    authentication failures (10 a minute) as a login does: then 429
    with Retry-After, even with a good key; other addresses go on."""
    from identity import call
    s, ((ha, alice), _) = shared_suite, users
    good = make_key(s, ha, alice, ["devices.write"])["Authorization"]
    pk = agent_key()[1]
    src = "127.0.0.7"

    def reg(auth, source):
        return call(s, "POST", "/apiv1/device/registration",
                    body={"name": "lim", "dev_pk": pk},
                    headers={"Authorization": auth}, source=source)
    codes = [reg("Bearer ak_" + "Q" * 55, src)[0] for _ in range(10)]
    assert codes == [401] * 10, codes
    status, answer, hdrs = reg(good, src)
    assert status == 429 and int(hdrs["Retry-After"]) > 0, answer
    assert reg(good, "127.0.0.8")[0] == 201


# ---- RSA keys are made off authd's loop ------------------------------------

def logins_answer_while(s, h, requests):
    """Each (path, body) of requests is posted in turn with h, each
    making an RSA-4096 key in authd (a second or more); logins made
    meanwhile must answer at once, as the keys are made by authd's
    worker thread and not on its event loop.  Answers the replies."""
    import json
    import threading
    import time
    from identity import admin_password, call
    made, logins = [], []

    def make():
        for path, body in requests:
            # a connection of its own: the kept one is not for threads
            conn = s.connection(timeout=60, source="127.0.0.1")
            hh = {"Content-Type": "application/json"}
            hh.update(h)
            t0 = time.monotonic()
            try:
                conn.request("POST", path, body=json.dumps(body),
                             headers=hh)
                resp = conn.getresponse()
                made.append((resp.status, t0, time.monotonic(),
                             resp.read()))
            finally:
                conn.close()

    maker = threading.Thread(target=make)
    start = time.monotonic()
    maker.start()
    time.sleep(0.1)
    # as the admin: a user's oldest sessions give way to new ones, and
    # the maker's is in use
    pw = admin_password(s)
    while maker.is_alive() and len(logins) < 100:
        t0 = time.monotonic()
        status, _, _ = call(s, "POST", "/auth/general", body={
            "username": "admin", "password": pw}, source="127.0.0.9")
        logins.append((status, t0, time.monotonic() - t0))
        time.sleep(0.2)
    maker.join()
    assert all(m[0] in (201, 202) for m in made), made
    end = made[-1][2]
    # the keys took long enough for the logins to have met them
    assert end - start > 1.0, end - start
    during = [x for x in logins if x[1] < end]
    assert len(during) >= 3, logins
    assert all(x[0] == 200 for x in during), during
    slowest = max(x[2] for x in during)
    longest_key = max(e - b for _, b, e, _ in made)
    assert slowest < longest_key / 2, (slowest, made, during)
    return made


def test_a_login_answers_while_rsa_keys_are_made(shared_suite, users):
    """Two RSA-4096 CAs are made one after another."""
    s, ((ha, alice), _) = shared_suite, users
    logins_answer_while(s, ha, [
        ("/apiv1/users/%s/cas" % alice, {"name": "Big %d" % i,
                                         "key_type": "rsa",
                                         "key_bits": 4096})
        for i in range(2)])


def test_a_login_answers_while_a_cas_rsa_certificates_are_made(
        shared_suite, users):
    """Two certificates of RSA-4096 keys, from a private CA: their keys
    too are made off authd's loop."""
    s, ((ha, alice), _) = shared_suite, users
    ca = make_ca(s, ha, alice, name="Small CA")
    made = logins_answer_while(s, ha, [
        ("/apiv1/users/%s/certificates" % alice,
         {"domain": "big%d.example.com" % i, "ca_id": ca["id"],
          "key_type": "rsa", "key_bits": 4096}) for i in range(2)])
    import json
    for m in made:
        assert json.loads(m[3])["data"]["key_type"] == "rsa-4096"
