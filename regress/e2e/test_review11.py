"""What a review of the certificate service found (issue 11), each
attack now refused, beside the honest request that still works:

- a certificate given to a device is handed to whoever holds the
  device's key, which a key with devices.write can register: so an API
  key needs certs.write on the certificate to assign it (an export);
- a key whose CA rights name some CAs signs with those alone;
- moat's own http-01 listener answers any user's challenge, so no user
  may order a certificate for a name the server's own certificate
  serves (here the generated one's: localhost).
"""
import base64

import pytest

from identity import admin_token, make_user
from test_certs_ca import api, bearer, issue, make_ca, make_key, session


@pytest.fixture(scope="module")
def shared_suite(tmp_path_factory):
    from suite import module_suite
    yield from module_suite(tmp_path_factory, "review11",
                            "limit api requests 100000\n")


@pytest.fixture(scope="module")
def alice(shared_suite):
    make_user(shared_suite, admin_token(shared_suite), "alice",
              "alice-password-1")
    return session(shared_suite, "alice", "alice-password-1")


def agent_key():
    from nacl.public import PrivateKey
    sk = PrivateKey.generate()
    return sk, base64.b64encode(bytes(sk.public_key)).decode()


def open_envelope(sk, env):
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from nacl.public import SealedBox
    data_key = SealedBox(sk).decrypt(base64.b64decode(env["enc_data_key"]))
    return AESGCM(data_key).decrypt(base64.b64decode(env["nonce"]),
                                    base64.b64decode(env["enc_privkey"]),
                                    None)


def key_with(s, h, uid, scopes, permissions=None):
    body = {"name": "k", "scopes": scopes}
    if permissions is not None:
        body["permissions"] = permissions
    status, answer = api(s, h, "POST", "/apiv1/users/%s/apikeys" % uid,
                         body)
    assert status == 201, answer
    return bearer(answer["data"]["token"])


def own_device(s, key):
    """A device the key registers with an X25519 key of ours."""
    sk, pk = agent_key()
    status, got = api(s, key, "POST", "/apiv1/me/devices",
                      {"name": "mine", "dev_pk": pk})
    assert status == 201, got
    return sk, got["data"]["device"], got["data"]["session"]


def assign(s, key, uid, dev, cert):
    return api(s, key, "POST", "/apiv1/users/%s/devices/%s/certificates" %
               (uid, dev["id"]), {"cert_id": cert["id"]})


@pytest.mark.parametrize("scopes,permissions", [
    (["devices.write"], None),
    (["devices.write"], "read"),
    (["devices.write", "certs.read"], None),
])
def test_assigning_needs_the_right_to_export(shared_suite, alice, scopes,
                                             permissions):
    s, (ha, uid) = shared_suite, alice
    ca = make_ca(s, ha, uid, name="Victim CA")
    cert = issue(s, ha, uid, ca["id"], "victim.example.com")
    perms = None if permissions is None else [
        {"obtype": "certs", "obid": cert["id"], "actions": [permissions]}]
    key = key_with(s, ha, uid, scopes, perms)
    base = "/apiv1/users/%s/certificates/%s" % (uid, cert["id"])
    assert api(s, key, "GET", base + "/export")[0] == 403
    _, dev, sess = own_device(s, key)
    status, answer = assign(s, key, uid, dev, cert)
    assert status == 403, answer
    status, answer = api(s, bearer(sess["access_token"]), "GET",
                         "/apiv1/devices/self/certificates/%s/"
                         "deploy-materials" % cert["id"])
    assert status in (403, 404), answer


def test_a_key_that_may_export_may_assign(shared_suite, alice):
    s, (ha, uid) = shared_suite, alice
    ca = make_ca(s, ha, uid, name="Own CA")
    cert = issue(s, ha, uid, ca["id"], "own.example.com")
    key = key_with(s, ha, uid, ["devices.write", "certs.write"])
    sk, dev, sess = own_device(s, key)
    status, answer = assign(s, key, uid, dev, cert)
    assert status == 200, answer
    status, env = api(s, bearer(sess["access_token"]), "GET",
                      "/apiv1/devices/self/certificates/%s/"
                      "deploy-materials" % cert["id"])
    assert status == 200, env
    assert open_envelope(sk, env["data"]).startswith(
        b"-----BEGIN PRIVATE KEY-----")
    # and a session (all rights) assigns as before
    cert2 = issue(s, ha, uid, ca["id"], "own2.example.com")
    assert assign(s, ha, uid, dev, cert2)[0] == 200


def test_a_key_given_one_ca_signs_with_that_ca_alone(shared_suite, alice):
    s, (ha, uid) = shared_suite, alice
    ca_x = make_ca(s, ha, uid, name="Allowed CA")
    ca_y = make_ca(s, ha, uid, name="Root of trust CA")
    base = "/apiv1/users/%s/certificates" % uid
    for actions in (["read", "write"], ["read"]):
        key = key_with(s, ha, uid, ["certs.write"], [
            {"obtype": "cas", "obid": ca_x["id"], "actions": actions}])
        total = api(s, ha, "GET", base)[1]["pagination"]["total"]
        status, got = api(s, key, "POST", base, {
            "ca_id": ca_y["id"], "domain": "mitm.example.com"})
        assert status == 403, got
        assert api(s, ha, "GET", base)[1]["pagination"]["total"] == total
        status, got = api(s, key, "POST", base, {
            "ca_id": ca_x["id"], "domain": "fine.example.com"})
        assert status == 201, got
        assert got["data"]["ca_id"] == ca_x["id"]
    # certs.write alone issues from any of the user's CAs, as documented
    status, got = api(s, make_key(s, ha, uid, ["certs.write"]), "POST",
                      base, {"ca_id": ca_y["id"],
                             "domain": "any.example.com"})
    assert status == 201, got


@pytest.mark.parametrize("names", [["localhost"], ["a.example.com",
                                                   "LOCALHOST"]])
def test_the_servers_own_names_cannot_be_ordered(shared_suite, alice,
                                                  names):
    s, (ha, uid) = shared_suite, alice
    status, got = api(s, ha, "POST", "/apiv1/users/%s/certificates" % uid,
                      {"acme_account_id": "999999", "domain": names[0],
                       "sans": names[1:]})
    assert status == 403, got
    assert "own certificate" in got["error"]["what"], got
    # another name goes on to stored, which knows no such account
    status, got = api(s, ha, "POST", "/apiv1/users/%s/certificates" % uid,
                      {"acme_account_id": "999999",
                       "domain": "b.example.com"})
    assert status == 404, got
