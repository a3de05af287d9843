"""Issue 11 under attack (h11-review): what another user, a device's
token, an API key without the scope and hostile input reach of the
certificate service, each case a finding fixed or a promise held."""
import base64
import os
import threading
import time

import pytest

from identity import admin_token, make_user
from test_certs_ca import api, bearer, issue, make_ca, make_key, session
from test_devices import UPDATES, poll, register


@pytest.fixture(scope="module")
def shared_suite(tmp_path_factory):
    from suite import module_suite
    yield from module_suite(tmp_path_factory, "h11review",
                            "limit api requests 100000\n"
                            "egress allow endpoint \"::1/128\"\n")


@pytest.fixture(scope="module")
def users(shared_suite):
    token = admin_token(shared_suite)
    make_user(shared_suite, token, "alice", "alice-password-1")
    make_user(shared_suite, token, "bob", "bob-password-11")
    return (session(shared_suite, "alice", "alice-password-1"),
            session(shared_suite, "bob", "bob-password-11"))


def pids(s):
    return {n: s.pid(n) for n in ("frontd", "authd", "stored", "taskd")}


# ---- a device's token reaches its own alone --------------------------------

def test_a_device_reads_only_what_it_holds(shared_suite, users):
    s, ((ha, alice), (hb, bob)) = shared_suite, users
    ca_a = make_ca(s, ha, alice, name="A CA")
    ca_a2 = make_ca(s, ha, alice, name="A other CA")
    ca_b = make_ca(s, hb, bob, name="B CA")
    mine = issue(s, ha, alice, ca_a["id"], "mine.example.com")
    sibling = issue(s, ha, alice, ca_a2["id"], "sibling.example.com")
    bobs = issue(s, hb, bob, ca_b["id"], "bobs.example.com")
    pk = base64.b64encode(os.urandom(32)).decode()
    d = register(s, ha, alice, name="edge", dev_pk=pk)
    d2 = register(s, ha, alice, name="edge2", dev_pk=pk)
    db = register(s, hb, bob, name="bobs-edge", dev_pk=pk)
    dev = bearer(d["token"])
    assert api(s, ha, "POST", "/apiv1/users/%s/devices/%s/certificates" %
               (alice, d["id"]), {"cert_id": mine["id"]})[0] == 200
    assert api(s, ha, "POST", "/apiv1/users/%s/devices/%s/certificates" %
               (alice, d2["id"]), {"cert_id": sibling["id"]})[0] == 200
    assert api(s, hb, "POST", "/apiv1/users/%s/devices/%s/certificates" %
               (bob, db["id"]), {"cert_id": bobs["id"]})[0] == 200
    base = "/apiv1/devices/self"
    for c in (sibling, bobs):
        for ref in (c["id"], c["uuid"]):
            for tail in ("", "/deploy-materials"):
                status, answer = api(s, dev, "GET", "%s/certificates/%s%s"
                                     % (base, ref, tail))
                assert status == 404, (ref, tail, answer)
    for ca in (ca_a2, ca_b):
        for ref in (ca["id"], ca["uuid"]):
            status, _, raw = s.request("GET", "%s/cas/%s/bundle" %
                                       (base, ref), None, dev)
            assert status == 404, raw
    # its own, by both names
    for ref in (mine["id"], mine["uuid"]):
        assert api(s, dev, "GET", "%s/certificates/%s" % (base, ref))[0] \
            == 200
    # no user route opens to it
    for path in ("/apiv1/users/%s/certificates" % alice,
                 "/apiv1/users/%s/certificates/%s" % (alice, mine["id"]),
                 "/apiv1/users/%s/certificates/%s/export" %
                 (alice, mine["id"]),
                 "/apiv1/users/%s/devices" % alice,
                 "/apiv1/users/%s/cas" % alice,
                 "/apiv1/users/%s/dns-providers" % alice,
                 "/apiv1/users/%s/acme-accounts" % alice,
                 "/apiv1/users/%s/apikeys" % alice):
        status, answer = api(s, dev, "GET", path)
        assert status == 401, (path, answer)


# ---- an API key: scope, and another user's objects ------------------------

def test_api_keys_scopes_and_other_users(shared_suite, users):
    s, ((ha, alice), (hb, bob)) = shared_suite, users
    ca = make_ca(s, ha, alice, name="Keyed CA")
    cert = issue(s, ha, alice, ca["id"], "keyed.example.com")
    d = register(s, ha, alice, name="keyed")
    reader = make_key(s, ha, alice, ["certs.read"])
    devread = make_key(s, ha, alice, ["devices.read"])
    bobkey = make_key(s, hb, bob, ["certs.read", "certs.write", "cas.read",
                                   "cas.write", "devices.read",
                                   "devices.write"])
    base = "/apiv1/users/%s" % alice
    assert api(s, reader, "GET", "%s/certificates/%s/export" %
               (base, cert["id"]))[0] == 403
    assert api(s, reader, "DELETE", "%s/certificates/%s" %
               (base, cert["id"]))[0] == 403
    assert api(s, devread, "POST", "%s/devices/%s/certificates" %
               (base, d["id"]), {"cert_id": cert["id"]})[0] == 403
    assert api(s, reader, "GET", "%s/cas" % base)[0] == 403
    for ref in (cert["id"], cert["uuid"]):
        for path in ("%s/certificates/%s" % (base, ref),
                     "%s/certificates/%s/export" % (base, ref),
                     "/apiv1/users/%s/certificates/%s/export" % (bob, ref)):
            status, answer = api(s, bobkey, "GET", path)
            assert status == 404 and answer["error"]["code"] == 4001, (
                path, answer)
    for ref in (ca["id"], ca["uuid"]):
        status, _, raw = s.request("GET", "/apiv1/users/%s/cas/%s/bundle" %
                                   (bob, ref), None, bobkey)
        assert status == 404, raw
    status, answer = api(s, bobkey, "POST", "/apiv1/users/%s/certificates"
                         % bob, {"ca_id": ca["id"], "domain": "x.test"})
    assert status in (403, 404), answer
    assert api(s, ha, "GET", "%s/certificates/%s" % (base, cert["id"]))[0] \
        == 200


# ---- dev_pk: a key nothing can be sealed to --------------------------------

LOW_ORDER = [bytes(32), bytes([1]) + bytes(31),
             bytes.fromhex("e0eb7a7c3b41b8ae1656e3faf19fc46a"
                           "da098deb9c32b1fd866205165f49b800"),
             bytes([0xec]) + b"\xff" * 30 + b"\x7f"]


@pytest.mark.parametrize("raw", LOW_ORDER,
                         ids=["zero", "one", "order-8", "p-minus-1"])
def test_a_low_order_dev_pk_is_refused(shared_suite, users, raw):
    """A point of small order (all zeros, the identity) gives an all-zero
    shared secret: libsodium refuses to seal to it, so deploy materials
    for such a device were a 500.  It is refused at registration."""
    s, ((ha, alice), _) = shared_suite, users
    pk = base64.b64encode(raw).decode()
    base = "/apiv1/users/%s/devices" % alice
    total = api(s, ha, "GET", base)[1]["pagination"]["total"]
    status, answer = api(s, ha, "POST", base, {"name": "lo", "dev_pk": pk})
    assert status == 400, answer
    assert "dev_pk" in answer["error"]["what"]
    assert api(s, ha, "GET", base)[1]["pagination"]["total"] == total


# ---- the long poll's edges --------------------------------------------------

@pytest.fixture
def agent(shared_suite, users):
    s, ((ha, alice), _) = shared_suite, users
    ca = make_ca(s, ha, alice, name="Poll CA")
    cert = issue(s, ha, alice, ca["id"], "poll.example.com")
    d = register(s, ha, alice, name="poller")
    return ha, alice, ca, cert, d, bearer(d["token"])


def give(s, h, uid, dev_id, cert_id):
    status, answer = api(s, h, "POST", "/apiv1/users/%s/devices/%s/"
                         "certificates" % (uid, dev_id), {"cert_id": cert_id})
    assert status == 200, answer


@pytest.mark.parametrize("cursor", ["18446744073709551615",
                                    "99999999999999999999999",
                                    "9223372036854775808"])
def test_a_cursor_past_int64_is_400(shared_suite, agent, cursor):
    """A cursor too large for a signal's number was taken, and stored read
    it as a negative number: the poll answered every signal kept, older
    than the cursor it was given, and a cursor smaller than that."""
    s = shared_suite
    ha, alice, ca, cert, d, dev = agent
    give(s, ha, alice, d["id"], cert["id"])
    status, _, body = poll(s, dev, "?cursor=" + cursor)
    assert status == 400, body
    status, _, body = poll(s, dev, "", {"If-None-Match": '"%s"' % cursor})
    assert status == 400, body


@pytest.mark.parametrize("inm", ['*', '"1", "2"', 'W/', '"', '"-1"',
                                 '" 1"', '"1" ', '"0x1"', '"+1"'])
def test_odd_if_none_match(shared_suite, agent, inm):
    s = shared_suite
    before = pids(s)
    status, _, body = poll(s, agent[5], "", {"If-None-Match": inm})
    assert status in (400, 204, 200), body
    assert pids(s) == before


def test_many_held_polls_and_the_device_deleted(shared_suite, users):
    """Fifty polls of one device held at once (the rate limit allows
    sixty a minute); the device deleted: each hears 401 at once, and
    every process carries on."""
    from suite import Client
    s, ((ha, alice), _) = shared_suite, users
    d = register(s, ha, alice, name="crowd")
    dev = bearer(d["token"])
    before = pids(s)
    got = []
    lock = threading.Lock()

    def waiter():
        try:
            r = poll(s, dev, "?wait=30&cursor=0", client=Client(s.port))
        except Exception as e:  # noqa: BLE001 (reported below)
            r = (repr(e), None, None)
        with lock:
            got.append(r[0])
    threads = [threading.Thread(target=waiter) for _ in range(50)]
    for t in threads:
        t.start()
    time.sleep(2.0)
    assert not got, got
    gone = time.monotonic()
    assert api(s, ha, "DELETE", "/apiv1/users/%s/devices/%s" %
               (alice, d["id"]))[0] == 204
    for t in threads:
        t.join(15)
    assert time.monotonic() - gone < 10
    assert got == [401] * 50, got
    assert pids(s) == before
    status, _, _ = poll(s, dev)
    assert status == 401


# ---- hostile bodies ---------------------------------------------------------

def nested(n):
    return ("[" * n + "]" * n).encode()


HOSTILE = [
    ("/certificates", b'{"ca_id": 1, "domain": ' + nested(40) + b'}'),
    ("/certificates", b'{"domain": "a.test", "sans": ' + nested(1000) +
     b'}'),
    ("/devices", b'{"name": "\\u202eevil\\u0000"}'),
    ("/devices", b'{"name": "\xff\xfe"}'),
    ("/cas", b'{"name": "' + b'\xc3\xa9' * 40 + b'"}'),
    ("/cas", b'{"name": "a", "name": "b"}'),
    ("/certificates", b'{"ca_id": 1, "domain": "a.test", "sans": [' +
     b','.join([b'"n%d.a.test"' % i for i in range(101)]) + b']}'),
    ("/certificates", b'{"ca_id": 1, "domain": "\\u00e4.test"}'),
    ("/certificates", b'{"ca_id": 1, "domain": "a..test"}'),
    ("/certificates", b'{"ca_id": 1, "domain": "' + b'a' * 300 + b'"}'),
    ("/certificates", b'{"ca_id": 99999999999999999999999, '
     b'"domain": "a.test"}'),
    ("/certificates", b'{"ca_id": -1, "domain": "a.test"}'),
    ("/certificates", b'{"ca_id": 1.5, "domain": "a.test"}'),
    ("/dns-providers", b'{"type": "rfc2136", "server": "1.2.3.4%eth0", '
     b'"zone": "a.test", "key_name": "k", "secret": "AAAA"}'),
    ("/dns-providers", b'{"type": "rfc2136", "server": "1.2.3.4", '
     b'"port": 70000, "zone": "a.test", "key_name": "k", '
     b'"secret": "AAAA"}'),
    ("/acme-accounts", b'{"email": "a@b", "directory": "' + b'x' * 5000 +
     b'"}'),
    ("/devices/1/certificates", b'{"cert_id": {"$gt": 0}}'),
    ("/devices/1/certificates", b'{"cert_id": "1 OR 1=1"}'),
]


@pytest.mark.parametrize("path,raw", HOSTILE)
def test_hostile_bodies_are_4xx(shared_suite, users, path, raw):
    s, ((ha, alice), _) = shared_suite, users
    before = pids(s)
    h = dict(ha)
    h["Content-Type"] = "application/json"
    status, _, answer = s.request("POST", "/apiv1/users/%s%s" %
                                  (alice, path), raw, h)
    assert 400 <= status < 500, (status, answer)
    assert pids(s) == before


# ---- a DNS provider's server: not this machine's services ------------------

SECRET = base64.b64encode(b"k" * 32).decode()


@pytest.mark.parametrize("server", ["127.0.0.1", "127.1.2.3", "0.0.0.0",
                                    "169.254.169.254", "::ffff:127.0.0.1",
                                    "[::ffff:169.254.169.254]", "fe80::1",
                                    "[fd00:ec2::254]", "::",
                                    # private ranges: other tenants' hosts
                                    "10.0.0.5", "172.16.3.4", "192.168.1.1",
                                    "100.64.0.9", "fd12:3456::1",
                                    "::ffff:10.1.1.1"])
def test_a_dns_server_on_this_machine_is_refused(shared_suite, users,
                                                 server):
    """taskd sends TSIG-signed updates to the server a user names: one
    on loopback, link-local or the metadata address would let any user
    aim them at the machine's own services.  As an egress endpoint, such
    an address needs moatd.conf's egress allow endpoint."""
    s, ((ha, alice), _) = shared_suite, users
    base = "/apiv1/users/%s/dns-providers" % alice
    total = api(s, ha, "GET", base)[1]["pagination"]["total"]
    status, answer = api(s, ha, "POST", base, {
        "type": "rfc2136", "server": server, "zone": "a.test",
        "key_name": "k", "secret": SECRET})
    assert status == 400, answer
    assert "egress allow endpoint" in answer["error"]["what"], answer
    assert api(s, ha, "GET", base)[1]["pagination"]["total"] == total


@pytest.mark.parametrize("server", ["192.0.2.53", "[::1]", "::1",
                                    "172.32.0.1", "100.128.0.1"])
def test_a_dns_server_elsewhere_or_allowed(shared_suite, users, server):
    s, ((ha, alice), _) = shared_suite, users
    status, answer = api(s, ha, "POST", "/apiv1/users/%s/dns-providers" %
                         alice, {"type": "rfc2136", "server": server,
                                 "zone": "a.test", "key_name": "k",
                                 "secret": SECRET})
    assert status == 201, answer


# ---- polls do not spend the user's API limit --------------------------------

@pytest.fixture(scope="module")
def limited_suite(tmp_path_factory):
    """The default limits: 100 API requests a minute for a user."""
    from suite import Suite
    s = Suite(tmp_path_factory.mktemp("h11limits"))
    s.start()
    yield s
    try:
        s.stop()
    finally:
        s.remove_system_objects()
        s.remove_state()
    assert not s.sanitizer_reports(), s.symbolized_log()[-8000:]


def test_device_polls_do_not_spend_the_users_api_limit(limited_suite):
    """Three agents polling within their own limit (40 a minute each of
    60) spent the user's 100 API requests a minute: every device and the
    user themselves were then refused with 429."""
    s = limited_suite
    make_user(s, admin_token(s), "carol", "carol-password-1")
    h, uid = session(s, "carol", "carol-password-1")
    devs = [bearer(register(s, h, uid, name="agent-%d" % i)["token"])
            for i in range(3)]
    statuses = [poll(s, dev)[0] for _ in range(40) for dev in devs]
    assert set(statuses) == {204}, statuses
    status, answer = api(s, h, "GET", "/apiv1/users/%s/devices" % uid)
    assert status == 200, answer
    # a device's own limit still holds
    statuses = [poll(s, devs[0])[0] for _ in range(25)]
    assert statuses.count(429) >= 5, statuses


# ---- the device list pages by cursor, as certctrl-apiv1.txt's lists do -----

def test_devices_are_listed_by_cursor(shared_suite):
    """certctrl-apiv1.txt: list endpoints take ?cursor= and answer
    pagination.cursor and has_more.  The device list refused ?cursor=
    (400, unknown filter) and answered no cursor."""
    s = shared_suite
    token = admin_token(s)
    make_user(s, token, "dave", "dave-password-1")
    make_user(s, token, "erin", "erin-password-1")
    hd, dave = session(s, "dave", "dave-password-1")
    he, erin = session(s, "erin", "erin-password-1")
    made = [register(s, hd, dave, name="d%d" % i)["id"] for i in range(5)]
    register(s, he, erin, name="erins")
    base = "/apiv1/users/%s/devices" % dave
    seen, cursor, pages = [], None, 0
    while True:
        q = "?limit=2" + ("&cursor=" + cursor if cursor else "")
        status, page = api(s, hd, "GET", base + q)
        assert status == 200, page
        seen += [x["id"] for x in page["data"]]
        pages += 1
        assert page["pagination"]["total"] == 5
        if not page["pagination"]["has_more"]:
            assert page["pagination"]["cursor"] is None
            break
        cursor = page["pagination"]["cursor"]
        assert isinstance(cursor, str) and cursor
    assert seen == made and pages == 3
    # signed for this user's device list alone
    status, page = api(s, hd, "GET", base + "?limit=2")
    cursor = page["pagination"]["cursor"]
    status, answer = api(s, he, "GET", "/apiv1/users/%s/devices?cursor=%s"
                         % (erin, cursor))
    assert status == 400, answer
    forged = cursor[:15] + ("1" if cursor[15] != "1" else "2") + cursor[16:]
    status, answer = api(s, hd, "GET", base + "?cursor=" + forged)
    assert status == 400, answer
    status, answer = api(s, hd, "GET", base + "?cursor=zz")
    assert status == 400, answer
    make_ca(s, hd, dave, name="c1")
    make_ca(s, hd, dave, name="c2")
    status, page = api(s, hd, "GET", "/apiv1/users/%s/cas?limit=1" % dave)
    status, answer = api(s, hd, "GET", base + "?cursor=" +
                         page["pagination"]["cursor"])
    assert status == 400, answer
    # offset still pages, and says where the next page starts
    status, page = api(s, hd, "GET", base + "?limit=2&offset=2")
    assert [x["id"] for x in page["data"]] == made[2:4]
    assert page["pagination"]["has_more"] is True


# ---- a user deleted or disabled: their devices' held polls hear it --------

@pytest.mark.parametrize("how", ["delete", "disable"])
def test_held_polls_of_a_user_gone_are_401_at_once(shared_suite, how):
    """A device's own deletion woke its held polls (401 at once); its
    user's deletion or disabling did not: they answered 204 at the end
    of their wait, as if the device were still welcome."""
    from identity import call
    from suite import Client
    s = shared_suite
    token = admin_token(s)
    name = "gone-" + how
    user = make_user(s, token, name, name + "-password")
    h, uid = session(s, name, name + "-password")
    dev = bearer(register(s, h, uid, name="agent")["token"])
    got = {}

    def waiter():
        got["answer"] = poll(s, dev, "?wait=20&cursor=0",
                             client=Client(s.port))
        got["at"] = time.monotonic()
    t = threading.Thread(target=waiter)
    t.start()
    time.sleep(1.0)
    assert "answer" not in got
    gone = time.monotonic()
    ref = user.get("id", user.get("user", {}).get("id"))
    if how == "delete":
        status, body, _ = call(s, "DELETE", "/v1/admin/users/%s" % ref,
                               token)
        assert status in (200, 204), body
    else:
        status, body, _ = call(s, "PATCH", "/v1/admin/users/%s" % ref,
                               token, {"status": "disabled"})
        assert status == 200, body
    t.join(15)
    assert not t.is_alive()
    assert got["answer"][0] == 401, got["answer"]
    assert got["at"] - gone < 2.0, got["at"] - gone


# ---- every certctrl list says has_more -------------------------------------

def test_provider_and_account_lists_say_has_more(shared_suite):
    """certctrl-apiv1.txt's clients page on pagination.has_more: the DNS
    provider and ACME account lists answered only a total."""
    s = shared_suite
    make_user(s, admin_token(s), "frank", "frank-password-1")
    h, uid = session(s, "frank", "frank-password-1")
    base = "/apiv1/users/%s/dns-providers" % uid
    for i in range(3):
        status, answer = api(s, h, "POST", base, {
            "type": "rfc2136", "name": "p%d" % i, "server": "192.0.2.53",
            "zone": "a.test", "key_name": "k", "secret": SECRET})
        assert status == 201, answer
    seen, offset = [], 0
    while True:
        status, page = api(s, h, "GET", base + "?limit=2&offset=%d" % offset)
        assert status == 200, page
        seen += [x["id"] for x in page["data"]]
        assert page["pagination"]["total"] == 3
        offset += len(page["data"])
        if not page["pagination"]["has_more"]:
            break
    assert len(seen) == 3 == len(set(seen))
    status, page = api(s, h, "GET", "/apiv1/users/%s/acme-accounts" % uid)
    assert status == 200 and page["pagination"]["has_more"] is False
