"""ACME issuance as a task, through moat's API only, against a real
pebble that really validates: pebble fetches http-01 answers from moat's
acme listener (its httpPort is the listener's port) and resolves every
name to 127.0.0.1 through pebble-challtestsrv's DNS.

An ECDSA and an RSA certificate with several names (openssl verify
against pebble's root and intermediate, the names and key type asked
for, the exported key matching); a forbidden identifier failing the
task with the CA's words; a renewal with a new key and serial that a
device hears of on its long poll; the issuance limit; BOLA on the
account; kill -9 of taskd mid-order, resumed after a restart with one
order.
"""
import json
import os
import signal
import subprocess
import base64
import threading
import time

import pytest

from identity import admin_token, call, make_user
from suite import Client, free_port
from test_acme_engine import BLOCKED, Pebble
from test_certs_ca import api, bearer, make_ca
from test_certs_ca import issue as ca_issue
from test_dns_providers import session


def start_pebble(d, http_port, dns_port=None, validity=None,
                 eab_keys=None):
    """pebble whose http-01 requests go to moat's acme listener at
    http_port; its challtestsrv answers DNS alone (every name is
    127.0.0.1), unless pebble asks another server (dns_port)."""
    import ssl
    import test_acme_engine as eng
    p = object.__new__(Pebble)
    p.d = d
    p.cert, key = eng.make_tls(d)
    p.port, p.mport, p.http_port = free_port(), free_port(), http_port
    cts_dns, cts_port = free_port(), free_port()
    cfg = {"pebble": {
        "listenAddress": "127.0.0.1:%d" % p.port,
        "managementListenAddress": "127.0.0.1:%d" % p.mport,
        "certificate": p.cert, "privateKey": key,
        "httpPort": http_port, "tlsPort": free_port(),
        "ocspResponderURL": "",
        "externalAccountBindingRequired": eab_keys is not None,
        "externalAccountMACKeys": eab_keys or {},
        "domainBlocklist": [BLOCKED]}}
    if validity is not None:
        cfg["pebble"]["certificateValidityPeriod"] = validity
    cfgpath = os.path.join(d, "pebble.json")
    with open(cfgpath, "w") as f:
        json.dump(cfg, f)
    p.cts_log = open(os.path.join(d, "challtestsrv.log"), "w")
    p.cts = subprocess.Popen(
        ["pebble-challtestsrv", "-management", "127.0.0.1:%d" % cts_port,
         "-http01", "", "-dns01", "127.0.0.1:%d" % cts_dns,
         "-https01", "", "-tlsalpn01", "", "-defaultIPv6", "",
         "-defaultIPv4", "127.0.0.1"],
        stdout=p.cts_log, stderr=subprocess.STDOUT)
    env = dict(os.environ, PEBBLE_WFE_NONCEREJECT="0",
               PEBBLE_AUTHZREUSE="0", PEBBLE_VA_NOSLEEP="1")
    p.log_path = os.path.join(d, "pebble.log")
    p.log = open(p.log_path, "w")
    p.proc = subprocess.Popen(
        ["pebble", "-config", cfgpath, "-dnsserver",
         "127.0.0.1:%d" % (dns_port or cts_dns)],
        stdout=p.log, stderr=subprocess.STDOUT, env=env)
    p.dir = "https://127.0.0.1:%d/dir" % p.port
    p.mgmt = "http://127.0.0.1:%d" % cts_port
    p.ctx = ssl.create_default_context(cafile=p.cert)
    p.wait()
    return p


def orders_made(peb):
    """New orders pebble was asked for, from its request log."""
    with open(peb.log_path) as f:
        return f.read().count("Added order")


def conf_for(peb, acme_port, eab=""):
    return ('acme directory "pebble" url "%s" ca-file "%s"%s\n'
            'listen acme on 127.0.0.1 port %d\n' % (peb.dir, peb.cert, eab,
                                                     acme_port))


@pytest.fixture(scope="module")
def acme_port():
    return free_port()


@pytest.fixture(scope="module")
def pebble(tmp_path_factory, acme_port):
    p = start_pebble(str(tmp_path_factory.mktemp("pebble")), acme_port)
    yield p
    p.stop()


@pytest.fixture
def acme_suite(make_suite, pebble, acme_port):
    return make_suite(conf=conf_for(pebble, acme_port))


def user_with_account(s, name, key_type=None):
    admin = admin_token(s)
    u = make_user(s, admin, name, name + "-password")
    h = session(s, name, name + "-password")
    body = {"email": name + "@example.test", "directory": "pebble"}
    if key_type:
        body["key_type"] = key_type
    status, answer = api(s, h, "POST", "/apiv1/users/%d/acme-accounts" %
                         u["oid"], body)
    assert status == 201, answer
    return u, h, answer["data"]


def wait_cert(s, h, uid, cid, until=("issued", "failed"), serial=None,
              timeout=90):
    end = time.time() + timeout
    while time.time() < end:
        status, answer = api(s, h, "GET", "/apiv1/users/%d/certificates/%s"
                             % (uid, cid))
        assert status == 200, answer
        c = answer["data"]
        if c["status"] in until and (serial is None or
                                     c["serial"] != serial):
            return c
        time.sleep(0.3)
    raise AssertionError("certificate still %s:\n%s" % (c, s.log_text()
                                                       [-6000:]))


def tasks(s, kind="cert.issue"):
    admin = admin_token(s)
    status, body, _ = call(s, "GET", "/v1/admin/tasks?kind=" + kind, admin)
    assert status == 200, body
    return body["tasks"] if "tasks" in body else body["data"]


def openssl(*args, data=None):
    r = subprocess.run(["openssl"] + list(args), input=data,
                       capture_output=True, check=True)
    return r.stdout.decode()


def check_exported(s, h, uid, c, names, key_word, pebble, tmp):
    status, answer = api(s, h, "GET", "/apiv1/users/%d/certificates/%s/"
                         "export" % (uid, c["id"]))
    assert status == 200, answer
    cert, chain = answer["data"]["cert"], answer["data"]["chain"]
    key = base64.b64decode(answer["data"]["privkey"])
    leaf = os.path.join(tmp, "leaf.pem")
    with open(leaf, "w") as f:
        f.write(cert)
    root, inter = pebble.chain_files()
    out = openssl("verify", "-CAfile", root, "-untrusted", inter, leaf)
    assert out.strip().endswith("OK"), out
    assert "BEGIN CERTIFICATE" in chain
    text = openssl("x509", "-noout", "-text", "-in", leaf)
    for n in names:
        assert "DNS:" + n in text
    assert key_word in text
    # the exported key is the certificate's
    pub_cert = openssl("x509", "-noout", "-pubkey", "-in", leaf)
    pub_key = openssl("pkey", "-pubout", data=key)
    assert pub_cert == pub_key
    return text


def spawner_status(s):
    """/proc status of taskd's child that spawns the ACME workers."""
    taskd = s.pid("taskd")
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open("/proc/%s/status" % pid) as f:
                st = dict(line.rstrip("\n").split(":\t", 1)
                          for line in f if ":\t" in line)
        except OSError:
            continue
        if st.get("PPid") == str(taskd) and st.get("Name", "").startswith(
                "taskd") and st["Uid"].split()[0] != "0":
            return st
    raise AssertionError("no spawner under taskd %d" % taskd)


def issue(s, h, uid, acct, names, **extra):
    body = {"domain": names[0], "sans": names[1:], "acme_account_id":
            acct["id"]}
    body.update(extra)
    status, answer = api(s, h, "POST", "/apiv1/users/%d/certificates" %
                         uid, body)
    return status, answer


def test_ecdsa_and_rsa_by_http01(acme_suite, pebble, tmp_path):
    s = acme_suite
    u, h, acct = user_with_account(s, "alice")
    uid = u["oid"]
    names = ["a1.example.com", "www.a1.example.com", "api.a1.example.com"]
    status, answer = issue(s, h, uid, acct, names)
    assert status == 202, answer
    c = answer["data"]
    assert c["status"] == "pending" and c["source"] == "acme"
    assert c["acme_account_id"] == acct["id"] and c["serial"] == ""
    c = wait_cert(s, h, uid, c["id"])
    assert c["status"] == "issued", (c, tasks(s))
    assert c["key_type"] == "ecdsa-p256" and c["serial"] != ""
    assert c["not_after"] is not None and c["issuer"] != ""
    text = check_exported(s, h, uid, c, names, "id-ecPublicKey", pebble,
                          str(tmp_path))
    assert "prime256v1" in text or "P-256" in text
    # the account was registered on first use
    status, answer = api(s, h, "GET", "/apiv1/users/%d/acme-accounts/%s"
                         % (uid, acct["id"]))
    assert answer["data"]["status"] == "valid"
    assert answer["data"]["account_url"].startswith("https://127.0.0.1")

    # the workers' spawner, taskd's child: nobody, no capability
    assert spawner_status(s)["Uid"].split()[:3] == ["65534"] * 3
    assert spawner_status(s)["CapEff"] == "0000000000000000"
    assert spawner_status(s)["CapPrm"] == "0000000000000000"
    assert spawner_status(s)["NoNewPrivs"] == "1"

    rnames = ["r1.example.com", "r2.example.com"]
    status, answer = issue(s, h, uid, acct, rnames, key_type="rsa",
                           action="create")
    assert status == 202, answer
    c = wait_cert(s, h, uid, answer["data"]["id"])
    assert c["status"] == "issued" and c["key_type"] == "rsa-2048"
    text = check_exported(s, h, uid, c, rnames, "rsaEncryption", pebble,
                          str(tmp_path))
    assert "2048 bit" in text


def test_taskd_and_frontd_hold_no_private_key(acme_suite):
    """After an ACME issuance and the key's export, no line of the key's
    PEM is in taskd (which ran the order and took the certificate) or in
    frontd (which carried the request, and the export as base64); the
    certificate's lines, which taskd took, are found there, so the
    search reaches where they would be."""
    from test_v1_identity import read_memory
    s = acme_suite
    u, h, acct = user_with_account(s, "kim")
    uid = u["oid"]
    status, answer = issue(s, h, uid, acct, ["k1.example.com",
                                             "k2.example.com"])
    assert status == 202, answer
    c = wait_cert(s, h, uid, answer["data"]["id"])
    assert c["status"] == "issued", (c, tasks(s))
    status, answer = api(s, h, "GET", "/apiv1/users/%d/certificates/%s/"
                         "export" % (uid, c["id"]))
    assert status == 200, answer
    pem = base64.b64decode(answer["data"]["privkey"])
    assert pem.startswith(b"-----BEGIN PRIVATE KEY-----")
    key_lines = [line for line in pem.split(b"\n") if len(line) == 64]
    cert_lines = [line.encode() for line in
                  answer["data"]["cert"].split("\n") if len(line) == 64]
    assert key_lines and cert_lines
    taskd = read_memory(s.pid("taskd"))
    frontd = read_memory(s.pid("frontd"))
    for line in key_lines:
        assert not any(line in r for r in taskd), "taskd holds the key"
        assert not any(line in r for r in frontd), "frontd holds the key"
    assert any(line in r for r in taskd for line in cert_lines)


def test_forbidden_identifier_fails_with_the_cas_words(acme_suite):
    s = acme_suite
    u, h, acct = user_with_account(s, "carol")
    status, answer = issue(s, h, u["oid"], acct, ["ok.example.com",
                                                   BLOCKED])
    assert status == 202, answer
    c = wait_cert(s, h, u["oid"], answer["data"]["id"])
    assert c["status"] == "failed" and c["serial"] == ""
    t = [x for x in tasks(s) if x["status"] == "failed"]
    assert len(t) == 1, tasks(s)
    assert t[0]["error_code"] == "acme_refused"
    assert "rejectedIdentifier" in t[0]["error_message"], t[0]
    assert BLOCKED in t[0]["error_message"]
    # nothing to export from a failed certificate
    status, answer = api(s, h, "GET", "/apiv1/users/%d/certificates/%s/"
                         "export" % (u["oid"], c["id"]))
    assert status == 409, answer
    assert "privkey" not in str(answer)


def device_poll(s, dev, query):
    status, hdrs, raw = Client(s.port).send(
        "GET", "/apiv1/devices/self/updates" + query, None, dev)
    return status, hdrs, (json.loads(raw) if raw else None)


def test_renew_new_key_new_serial_and_the_device_hears(acme_suite,
                                                       pebble, tmp_path):
    s = acme_suite
    u, h, acct = user_with_account(s, "dave")
    uid = u["oid"]
    names = ["renew.example.com", "www.renew.example.com"]
    status, answer = issue(s, h, uid, acct, names)
    assert status == 202, answer
    c = wait_cert(s, h, uid, answer["data"]["id"])
    assert c["status"] == "issued", tasks(s)
    status, answer = api(s, h, "GET", "/apiv1/users/%d/certificates/%s/"
                         "export" % (uid, c["id"]))
    old_key = answer["data"]["privkey"]
    status, answer = api(s, h, "POST", "/apiv1/users/%d/devices" % uid,
                         {"name": "edge-1"})
    assert status == 201, answer
    dev = answer["data"]
    status, answer = api(s, h, "POST", "/apiv1/users/%d/devices/%s/"
                         "certificates" % (uid, dev["id"]),
                         {"cert_id": c["id"]})
    assert status == 200, answer
    auth = bearer(dev["token"])
    status, hdrs, _ = device_poll(s, auth, "")
    cursor = hdrs["ETag"].strip('"')
    got = {}

    def waiter():
        got["answer"] = device_poll(s, auth, "?wait=30&cursor=" + cursor)
    t = threading.Thread(target=waiter)
    t.start()
    time.sleep(0.5)
    status, answer = api(s, h, "POST", "/apiv1/users/%d/certificates/%s/"
                         "renew" % (uid, c["id"]))
    assert status == 202, answer
    assert answer["data"]["serial"] == c["serial"]   # until it is done
    # one renewal at a time: a second key would pair with the first's
    # certificate
    status, answer = api(s, h, "POST", "/apiv1/users/%d/certificates/%s/"
                         "renew" % (uid, c["id"]))
    assert status == 409 and answer["error"]["code"] == 4009, answer
    r = wait_cert(s, h, uid, c["id"], until=("issued",), serial=c["serial"])
    assert r["serial"] != c["serial"] and r["id"] == c["id"]
    t.join(30)
    assert not t.is_alive()
    status, _, body = got["answer"]
    assert status == 200, body
    # its material is new: cert.updated, then install.updated
    assert [(x["type"], x["ref"]) for x in body["data"]["signals"]] == \
        [("cert.updated", {"cert_id": c["id"]}),
         ("install.updated", {"cert_id": c["id"]})]
    text = check_exported(s, h, uid, r, names, "id-ecPublicKey", pebble,
                          str(tmp_path))
    assert text
    status, answer = api(s, h, "GET", "/apiv1/users/%d/certificates/%s/"
                         "export" % (uid, c["id"]))
    assert answer["data"]["privkey"] != old_key, "the renewal kept the key"
    # issue again (the original's route): 204, a task, a new serial
    status, answer = api(s, h, "POST", "/apiv1/users/%d/certificates/%s/"
                         "issues" % (uid, c["id"]))
    assert status == 204, answer
    r2 = wait_cert(s, h, uid, c["id"], until=("issued",),
                   serial=r["serial"])
    assert r2["serial"] != r["serial"]


def test_issuance_limit_and_bola(acme_suite):
    s = acme_suite
    u, h, acct = user_with_account(s, "erin")
    v, hv, vacct = user_with_account(s, "frank")
    uid = u["oid"]
    # another user's account, or provider, is not found
    status, answer = api(s, h, "POST", "/apiv1/users/%d/certificates" % uid,
                         {"domain": "x.example.com",
                          "acme_account_id": vacct["id"]})
    assert status == 404, answer
    assert answer["error"]["code"] == 4001
    status, answer = api(s, h, "POST", "/apiv1/users/%d/certificates" % uid,
                         {"domain": "x.example.com", "acct_id": acct["id"],
                          "dns_provider_id": 999})
    assert status == 404, answer
    # nor renewed, nor issued again, by another user
    status, answer = issue(s, hv, v["oid"], vacct, ["frank.example.com"])
    assert status == 202, answer
    fc = answer["data"]
    for what in ("renew", "issues"):
        status, answer = api(s, h, "POST", "/apiv1/users/%d/certificates/"
                             "%s/%s" % (v["oid"], fc["id"], what))
        assert status in (403, 404), answer
    # a private CA's certificate neither renews nor issues again here
    ca = make_ca(s, h, uid)
    pc = ca_issue(s, h, uid, ca["id"], "private.example.com")
    for what in ("renew", "issues"):
        status, answer = api(s, h, "POST", "/apiv1/users/%d/certificates/"
                             "%s/%s" % (uid, pc["id"], what))
        assert status == 409, answer
    # five requests an hour, then 429 with Retry-After
    for i in range(5):
        status, answer = issue(s, h, uid, acct, [BLOCKED])
        assert status == 202, (i, answer)
    before = len(tasks(s))
    status, answer, hdrs = call(
        s, "POST", "/apiv1/users/%d/certificates" % uid, body={
            "domain": "late.example.com", "acme_account_id": acct["id"]},
        headers=h)
    assert status == 429, answer
    assert 3500 <= int(hdrs["Retry-After"]) <= 3600
    assert len(tasks(s)) == before
    status, answer = api(s, h, "GET", "/apiv1/users/%d/certificates" % uid)
    assert len([c for c in answer["data"] if c["source"] == "acme"]) == 5


def test_taskd_killed_mid_order_resumes_that_order(make_suite, tmp_path,
                                                   monkeypatch):
    """kill -9 of taskd once the order exists (a test build's worker
    waits MOAT_TEST_ACME_PAUSE seconds after recording a new order): the
    suite fails closed, and once started again the task resumes the
    order it recorded instead of making a second."""
    port = free_port()
    peb = start_pebble(str(tmp_path), port)
    monkeypatch.setenv("MOAT_TEST_ACME_PAUSE", "30")
    try:
        s = make_suite(conf=conf_for(peb, port))
        u, h, acct = user_with_account(s, "gina")
        status, answer = issue(s, h, u["oid"], acct,
                               ["k1.example.com", "k2.example.com"])
        assert status == 202, answer
        cid = answer["data"]["id"]
        end = time.time() + 30
        while time.time() < end:
            t = tasks(s)
            if t and t[0]["progress_message"] != "" and \
                    t[0]["progress_percent"] >= 40:
                break
            time.sleep(0.05)
        assert t[0]["status"] == "running", t
        assert orders_made(peb) == 1
        os.kill(s.pid("taskd"), signal.SIGKILL)
        assert s.wait_exit(15) not in (None, 0)
        s.stop()
        s.start()
        c = wait_cert(s, h, u["oid"], cid, timeout=120)
        assert c["status"] == "issued", tasks(s)
        assert orders_made(peb) == 1, "a second order was made"
        t = tasks(s)
        assert t[0]["attempts"] == 2, t
    finally:
        peb.stop()


def test_dns01_through_a_real_named(make_suite, tmp_path):
    """dns-01: the worker puts the TXT into a real named with the
    provider's TSIG key (opened by authd for the job), pebble asks that
    named, and the TXT is gone after."""
    from test_dnsupdate import ZONE, Named
    named = Named()
    port = free_port()
    peb = start_pebble(str(tmp_path), port, dns_port=named.port)
    try:
        # named is on this machine: a provider's server there is
        # refused unless the operator allows it
        s = make_suite(conf=conf_for(peb, port) +
                       'egress allow endpoint "127.0.0.0/8"\n')
        u, h, acct = user_with_account(s, "hugo", key_type="rsa")
        key_name, secret = named.keys["hmac-sha256"]
        status, answer = api(s, h, "POST", "/apiv1/users/%d/dns-providers"
                             % u["oid"], {
                                 "type": "rfc2136", "name": "lab",
                                 "server": "127.0.0.1", "port": named.port,
                                 "zone": ZONE, "key_name": key_name,
                                 "algorithm": "hmac-sha256",
                                 "secret": secret})
        assert status == 201, answer
        prov = answer["data"]
        names = ["d1." + ZONE, "*.w." + ZONE]
        status, answer = issue(s, h, u["oid"], acct, names,
                               dns_provider_id=prov["id"])
        assert status == 202, answer
        assert answer["data"]["dns_provider_id"] == prov["id"]
        c = wait_cert(s, h, u["oid"], answer["data"]["id"])
        assert c["status"] == "issued", (tasks(s), named.logtext())
        check_exported(s, h, u["oid"], c, names, "id-ecPublicKey", peb,
                       str(tmp_path))
        for n in ("d1", "w"):
            assert named.dig("_acme-challenge.%s.%s" % (n, ZONE)) == []
        assert "TXT" in named.logtext()   # the updates reached named
    finally:
        peb.stop()
        named.stop()


def test_auto_renew_at_two_thirds_of_a_short_life(make_suite, tmp_path):
    """pebble issues for 30 s: at two thirds of that the certificate
    with auto_renew is issued again unasked, under a new key of its
    type that authd made for the renewal, and its device hears of it;
    one without auto_renew is left alone."""
    port = free_port()
    peb = start_pebble(str(tmp_path), port, validity=30)
    try:
        s = make_suite(conf=conf_for(peb, port))
        u, h, acct = user_with_account(s, "ivan")
        uid = u["oid"]
        status, answer = issue(s, h, uid, acct, ["auto.example.com"],
                               auto_renew=True, key_type="ecdsa-p384")
        assert status == 202 and answer["data"]["auto_renew"] is True
        c = wait_cert(s, h, uid, answer["data"]["id"])
        status, answer = api(s, h, "GET", "/apiv1/users/%d/certificates/"
                             "%s/export" % (uid, c["id"]))
        assert status == 200, answer
        old_key = base64.b64decode(answer["data"]["privkey"])
        status, answer = issue(s, h, uid, acct, ["manual.example.com"])
        m = wait_cert(s, h, uid, answer["data"]["id"])
        assert c["status"] == m["status"] == "issued", tasks(s)
        status, answer = api(s, h, "POST", "/apiv1/users/%d/devices" % uid,
                             {"name": "edge-auto"})
        dev = answer["data"]
        status, answer = api(s, h, "POST", "/apiv1/users/%d/devices/%s/"
                             "certificates" % (uid, dev["id"]),
                             {"cert_id": c["id"]})
        assert status == 200, answer
        auth = bearer(dev["token"])
        status, hdrs, _ = device_poll(s, auth, "")
        cursor = hdrs["ETag"].strip('"')
        issued = time.time()
        r = wait_cert(s, h, uid, c["id"], until=("issued",),
                      serial=c["serial"], timeout=60)
        assert r["serial"] != c["serial"]
        # not before two thirds of its 30 s (less the time it took)
        assert time.time() - issued >= 12
        # a new key, of the certificate's type, the new certificate's
        assert r["key_type"] == "ecdsa-p384"
        status, answer = api(s, h, "GET", "/apiv1/users/%d/certificates/"
                             "%s/export" % (uid, c["id"]))
        assert status == 200, answer
        new_key = base64.b64decode(answer["data"]["privkey"])
        assert openssl("pkey", "-pubout", data=new_key) != \
            openssl("pkey", "-pubout", data=old_key), "the key was reused"
        assert "secp384r1" in openssl("pkey", "-noout", "-text",
                                      data=new_key) or "P-384" in \
            openssl("pkey", "-noout", "-text", data=new_key)
        leaf = openssl("x509", "-noout", "-pubkey", data=answer["data"]
                       ["cert"].encode())
        assert leaf == openssl("pkey", "-pubout", data=new_key)
        status, _, body = device_poll(s, auth, "?cursor=" + cursor)
        assert status == 200, body
        got = [(x["type"], x["ref"]) for x in body["data"]["signals"]]
        assert ("cert.updated", {"cert_id": c["id"]}) in got
        assert ("install.updated", {"cert_id": c["id"]}) in got
        # a renewal (cert.renew), asked by the scheduler
        auto = [t for t in tasks(s, "cert.renew")
                if t["requested_by"] == "auto-renew"]
        assert auto and auto[0]["status"] == "succeeded", \
            tasks(s, "cert.renew")
        status, answer = api(s, h, "GET", "/apiv1/users/%d/certificates/%s"
                             % (uid, m["id"]))
        assert answer["data"]["serial"] == m["serial"]
    finally:
        peb.stop()


def test_an_account_registered_with_eab(make_suite, tmp_path):
    """A CA that requires External Account Binding: the worker binds
    the new account with authd's HMAC under the configured key."""
    import secrets
    hmac = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode() \
        .rstrip("=")
    port = free_port()
    peb = start_pebble(str(tmp_path), port, eab_keys={"kid-7": hmac})
    try:
        s = make_suite(conf=conf_for(
            peb, port, ' eab-kid "kid-7" eab-hmac "%s"' % hmac))
        u, h, acct = user_with_account(s, "jane")
        status, answer = issue(s, h, u["oid"], acct, ["eab.example.com"])
        assert status == 202, answer
        c = wait_cert(s, h, u["oid"], answer["data"]["id"])
        assert c["status"] == "issued", tasks(s)
        status, answer = api(s, h, "GET", "/apiv1/users/%d/acme-accounts/"
                             "%s" % (u["oid"], acct["id"]))
        assert answer["data"]["status"] == "valid"
    finally:
        peb.stop()


def test_eab_with_a_wrong_key_fails_with_the_cas_words(make_suite,
                                                       tmp_path):
    import secrets
    key = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode() \
        .rstrip("=")
    wrong = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode() \
        .rstrip("=")
    port = free_port()
    peb = start_pebble(str(tmp_path), port, eab_keys={"kid-7": key})
    try:
        s = make_suite(conf=conf_for(
            peb, port, ' eab-kid "kid-7" eab-hmac "%s"' % wrong))
        u, h, acct = user_with_account(s, "kurt")
        status, answer = issue(s, h, u["oid"], acct, ["eab2.example.com"])
        c = wait_cert(s, h, u["oid"], answer["data"]["id"])
        assert c["status"] == "failed"
        t = tasks(s)[0]
        assert t["error_code"] == "acme_refused", t
        assert "externalAccountBinding" in t["error_message"] or \
            "unauthorized" in t["error_message"], t
        status, answer = api(s, h, "GET", "/apiv1/users/%d/acme-accounts/"
                             "%s" % (u["oid"], acct["id"]))
        assert answer["data"]["status"] == "pending"
    finally:
        peb.stop()
