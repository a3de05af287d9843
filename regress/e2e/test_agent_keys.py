"""Certificates apiv1 (issue 11): an agent on an API key alone.
certctrl-apikeys.txt polls `GET /apiv1/devices/self/updates` with an
`ak_` key: the key speaks for the device it registered, or for the one
device its devices.read permission names, and needs devices.read.  The
original agent's registration body (its fingerprint, platform, model,
version, address, user agent besides the document's fields) is taken,
and what is not a string of bounded length is still refused."""
import base64
import threading
import time

import pytest

from test_agent import key_with
from test_agent import shared_suite, users  # noqa: F401 (fixtures)
from test_certs_ca import api, bearer, issue, make_ca, make_key
from test_devices import give, poll


def agent_pk():
    from nacl.public import PrivateKey
    return base64.b64encode(bytes(PrivateKey.generate().public_key)).decode()


def register(s, h, path="/apiv1/me/devices", **body):
    body.setdefault("name", "agent-host")
    body.setdefault("dev_pk", agent_pk())
    status, answer = api(s, h, "POST", path, body)
    assert status == 201, answer
    return answer["data"]["device"]


def signals(body):
    return [(x["type"], x["ref"].get("cert_id")) for x in
            body["data"]["signals"]]


def test_a_key_polls_for_the_device_it_registered(shared_suite, users):
    """The document's own example: the key that registered the agent
    polls its updates; the newest device it registered is the one."""
    from suite import Client
    s, ((ha, alice), _) = shared_suite, users
    key = make_key(s, ha, alice, ["devices.read", "devices.write"])
    register(s, key, name="old-install")
    dev = register(s, key, name="edge-key")
    status, hdrs, body = poll(s, key)
    assert status == 204, body
    assert hdrs["Cache-Control"] == "no-store" and hdrs["ETag"] == '"0"'
    ca = make_ca(s, ha, alice, name="Key CA")
    cert = issue(s, ha, alice, ca["id"], "key.example.com")
    give(s, ha, alice, dev["id"], cert["id"])
    status, hdrs, body = poll(s, key)
    assert status == 200, body
    assert [t for t, _ in signals(body)] == ["ca.assigned", "cert.updated"]
    assert signals(body)[1] == ("cert.updated", cert["id"])
    cursor = body["data"]["cursor"]
    # a long poll on the key is woken by its device's signal
    got = {}

    def waiter():
        got["answer"] = poll(s, key, "?wait=20&cursor=" + cursor,
                             client=Client(s.port))
    t = threading.Thread(target=waiter)
    t.start()
    time.sleep(1.0)
    assert "answer" not in got, "answered before any change"
    cert2 = issue(s, ha, alice, ca["id"], "key2.example.com")
    give(s, ha, alice, dev["id"], cert2["id"])
    t.join(10)
    assert not t.is_alive()
    status, _, body = got["answer"]
    assert status == 200, body
    assert signals(body) == [("cert.updated", cert2["id"])]
    # its device gone, the key speaks for the one it made before
    status, _ = api(s, ha, "DELETE", "/apiv1/users/%s/devices/%s" %
                    (alice, dev["id"]))
    assert status == 204
    status, _, body = poll(s, key)
    assert status == 204, body


def test_a_key_polls_for_the_device_its_permission_names(shared_suite,
                                                          users):
    s, ((ha, alice), _) = shared_suite, users
    d1 = register(s, ha, name="named-1")
    d2 = register(s, ha, name="named-2")
    ca = make_ca(s, ha, alice, name="Named CA")
    c1 = issue(s, ha, alice, ca["id"], "n1.example.com")
    c2 = issue(s, ha, alice, ca["id"], "n2.example.com")
    give(s, ha, alice, d1["id"], c1["id"])
    give(s, ha, alice, d2["id"], c2["id"])
    key = key_with(s, ha, alice, [{"obtype": "devices", "obid": d2["id"],
                                   "actions": ["read"]}])[0]
    status, _, body = poll(s, key)
    assert status == 200, body
    assert ("cert.updated", c2["id"]) in signals(body)
    assert ("cert.updated", c1["id"]) not in signals(body)
    # a key naming two devices speaks for none
    two = key_with(s, ha, alice, [{"obtype": "devices", "obid": d,
                                   "actions": ["read"]}
                                  for d in (d1["id"], d2["id"])])[0]
    status, _, body = poll(s, two)
    assert status == 403 and body["error"]["code"] == 4003, body


def test_what_a_key_needs_to_poll(shared_suite, users):
    s, ((ha, alice), _) = shared_suite, users
    # devices.write registers, but polling reads: 403 without devices.read
    wo = make_key(s, ha, alice, ["devices.write"])
    register(s, wo, name="write-only")
    status, _, body = poll(s, wo)
    assert status == 403 and body["error"]["code"] == 4003, body
    # a key that speaks for no device: 404 (4001)
    ro = make_key(s, ha, alice, ["devices.read"])
    status, _, body = poll(s, ro)
    assert status == 404 and body["error"]["code"] == 4001, body
    # a bad key, a login session: 401
    status, _, body = poll(s, bearer("ak_" + "A" * 55))
    assert status == 401, body
    status, _, body = poll(s, ha)
    assert status == 401, body


def test_bola_a_key_never_polls_another_users_device(shared_suite, users):
    s, ((ha, alice), (hb, bob)) = shared_suite, users
    dev = register(s, ha, name="alices-only")
    ca = make_ca(s, ha, alice, name="Alice BOLA CA")
    cert = issue(s, ha, alice, ca["id"], "bola.example.com")
    give(s, ha, alice, dev["id"], cert["id"])
    # bob cannot name alice's device in a key of his
    status, answer = api(s, hb, "POST", "/apiv1/users/%s/apikeys" % bob,
                         {"name": "theirs", "permissions": [
                             {"obtype": "devices", "obid": dev["id"],
                              "actions": ["read"]}]})
    assert status == 400, answer
    # and his key, which registered nothing, reaches no device of hers
    bk = make_key(s, hb, bob, ["devices.read", "devices.write"])
    status, _, body = poll(s, bk)
    assert status == 404, body
    register(s, bk, name="bobs")
    status, _, body = poll(s, bk)
    assert status == 204, body
    # alice's signals stay hers
    give(s, ha, alice, dev["id"], issue(s, ha, alice, ca["id"],
                                        "bola2.example.com")["id"])
    status, _, body = poll(s, bk)
    assert status == 204, body


# ---- the original agent's registration body --------------------------------

def agent_body(**over):
    """What the original agent sends (its fingerprint and itself)."""
    body = {"device_public_id": "3f2a9c1e-7b4d-4e8a-9c01-5d6e7f809a1b",
            "platform": "linux", "model": "x86_64", "app_version": "1.0.0",
            "name": "Test Device", "ip": "192.168.1.100",
            "user_agent": "DeviceApp/1.0", "dev_pk": agent_pk()}
    body.update(over)
    return body


@pytest.mark.parametrize("path", ["/apiv1/me/devices",
                                  "/apiv1/device/registration",
                                  "/apiv1/users/{}/devices"])
def test_the_original_agents_registration_body(shared_suite, users, path):
    s, ((ha, alice), _) = shared_suite, users
    status, answer = api(s, ha, "POST", path.format(alice), agent_body())
    assert status == 201, answer
    dev = answer["data"].get("device", answer["data"])
    assert dev["name"] == "Test Device"
    # taken, not kept: the device shows the document's fields alone
    status, one = api(s, ha, "GET", "/apiv1/users/%s/devices/%s" %
                      (alice, dev["id"]))
    assert status == 200
    assert not {"platform", "model", "ip", "user_agent"} & set(one["data"])


def devices_total(s, h, uid):
    status, page = api(s, h, "GET", "/apiv1/users/%s/devices" % uid)
    assert status == 200, page
    return page["pagination"]["total"]


BAD_AGENT = [
    ({"platform": 5}, "platform"),
    ({"model": ["x"]}, "model"),
    ({"app_version": {"v": 1}}, "app_version"),
    ({"ip": "1" * 65}, "ip"),
    ({"user_agent": "u" * 257}, "user_agent"),
    ({"device_public_id": "d" * 65}, "device_public_id"),
    ({"device_public_id": True}, "device_public_id"),
    ({"platform": "linux\x01"}, "platform"),
    ({"fingerprint": "x"}, "fingerprint"),
]


@pytest.mark.parametrize("over,word", BAD_AGENT)
def test_malformed_agent_bodies_change_nothing(shared_suite, users, over,
                                               word):
    s, ((ha, alice), _) = shared_suite, users
    before = devices_total(s, ha, alice)
    status, answer = api(s, ha, "POST", "/apiv1/me/devices",
                         agent_body(**over))
    assert status == 400, answer
    assert word in answer["error"]["what"], answer
    assert devices_total(s, ha, alice) == before
