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
import threading
import time

import pytest

from identity import admin_token, call, make_user
from suite import Client, free_port
from test_acme_engine import BLOCKED, Pebble
from test_certs_ca import api, bearer
from test_dns_providers import session


class ValidatingPebble(Pebble):
    """pebble whose http-01 requests go to moat's acme listener: its
    challtestsrv answers DNS alone (every name is 127.0.0.1)."""

    def __init__(self, d, http_port, sleep=False):
        self.want_http_port = http_port
        self.sleep = sleep
        super().__init__(d)

    def wait(self):
        super().wait()


def start_pebble(d, http_port, sleep=False):
    # Pebble's constructor picks its own http port: set ours after, by
    # writing its config again before it starts is not possible, so a
    # small subclass of the run instead
    import test_acme_engine as eng
    orig = eng.free_port
    ports = iter([None])

    def fp():
        return orig()
    p = object.__new__(Pebble)
    p.d = d
    p.cert, key = eng.make_tls(d)
    p.port, p.mport = orig(), orig()
    p.http_port = http_port
    dns_port, cts_port = orig(), orig()
    cfg = {"pebble": {
        "listenAddress": "127.0.0.1:%d" % p.port,
        "managementListenAddress": "127.0.0.1:%d" % p.mport,
        "certificate": p.cert, "privateKey": key,
        "httpPort": http_port, "tlsPort": orig(),
        "ocspResponderURL": "",
        "externalAccountBindingRequired": False,
        "domainBlocklist": [BLOCKED]}}
    cfgpath = os.path.join(d, "pebble.json")
    with open(cfgpath, "w") as f:
        json.dump(cfg, f)
    p.cts_log = open(os.path.join(d, "challtestsrv.log"), "w")
    p.cts = subprocess.Popen(
        ["pebble-challtestsrv", "-management", "127.0.0.1:%d" % cts_port,
         "-http01", "", "-dns01", "127.0.0.1:%d" % dns_port,
         "-https01", "", "-tlsalpn01", "", "-defaultIPv6", "",
         "-defaultIPv4", "127.0.0.1"],
        stdout=p.cts_log, stderr=subprocess.STDOUT)
    env = dict(os.environ, PEBBLE_WFE_NONCEREJECT="0",
               PEBBLE_AUTHZREUSE="0")
    if not sleep:
        env["PEBBLE_VA_NOSLEEP"] = "1"
    p.log_path = os.path.join(d, "pebble.log")
    p.log = open(p.log_path, "w")
    p.proc = subprocess.Popen(
        ["pebble", "-config", cfgpath, "-dnsserver",
         "127.0.0.1:%d" % dns_port],
        stdout=p.log, stderr=subprocess.STDOUT, env=env)
    p.dir = "https://127.0.0.1:%d/dir" % p.port
    p.mgmt = "http://127.0.0.1:%d" % cts_port
    import ssl
    p.ctx = ssl.create_default_context(cafile=p.cert)
    p.wait()
    del ports, fp
    return p


def conf_for(peb, acme_port):
    return ('acme directory "pebble" url "%s" ca-file "%s"\n'
            'listen acme on 127.0.0.1 port %d\n' % (peb.dir, peb.cert,
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
    import base64
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

    rnames = ["r1.example.com", "r2.example.com"]
    status, answer = issue(s, h, uid, acct, rnames, key_type="rsa",
                           action="create")
    assert status == 202, answer
    c = wait_cert(s, h, uid, answer["data"]["id"])
    assert c["status"] == "issued" and c["key_type"] == "rsa-2048"
    text = check_exported(s, h, uid, c, rnames, "rsaEncryption", pebble,
                          str(tmp_path))
    assert "2048 bit" in text
