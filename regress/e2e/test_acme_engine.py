"""The ACME engine (taskd/acme*.c) against a real pebble that really
validates: pebble-challtestsrv serves the http-01 answers and the DNS
that pebble asks (A records and dns-01 TXT), both set by the probe's
`present` callback through its management API.  The probe
(regress/acme/acme_probe.c) signs with a local key: test code only.

Each pebble runs on free loopback ports with a TLS certificate made
here, and is stopped (by its own process handle) when its module ends.
"""
import base64
import http.server
import json
import os
import re
import secrets
import socket
import ssl
import subprocess
import threading
import time
import urllib.request

import pytest

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BINDIR = os.environ.get("MOAT_TEST_BINDIR",
                        os.path.join(TOP, "build", "test", "bin"))
PROBE = os.path.join(BINDIR, "acme_probe")
BLOCKED = "blocked.example"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_tls(d):
    """A self-signed certificate for 127.0.0.1, pebble's own."""
    cert, key = os.path.join(d, "tls.pem"), os.path.join(d, "tls.key")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
         "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out",
         cert, "-days", "2", "-subj", "/CN=localhost", "-addext",
         "subjectAltName=IP:127.0.0.1,DNS:localhost"],
        check=True, capture_output=True)
    return cert, key


class Pebble:
    def __init__(self, d, nonce_reject=0, eab_keys=None):
        self.d = d
        self.cert, key = make_tls(d)
        self.port, self.mport = free_port(), free_port()
        self.http_port, dns_port, cts_port = (free_port(), free_port(),
                                              free_port())
        cfg = {"pebble": {
            "listenAddress": "127.0.0.1:%d" % self.port,
            "managementListenAddress": "127.0.0.1:%d" % self.mport,
            "certificate": self.cert, "privateKey": key,
            "httpPort": self.http_port, "tlsPort": free_port(),
            "ocspResponderURL": "",
            "externalAccountBindingRequired": eab_keys is not None,
            "externalAccountMACKeys": eab_keys or {},
            "domainBlocklist": [BLOCKED]}}
        cfgpath = os.path.join(d, "pebble.json")
        with open(cfgpath, "w") as f:
            json.dump(cfg, f)
        self.cts_log = open(os.path.join(d, "challtestsrv.log"), "w")
        self.cts = subprocess.Popen(
            ["pebble-challtestsrv", "-management",
             "127.0.0.1:%d" % cts_port,
             "-http01", "127.0.0.1:%d" % self.http_port,
             "-dns01", "127.0.0.1:%d" % dns_port, "-https01", "",
             "-tlsalpn01", "", "-defaultIPv6", ""],
            stdout=self.cts_log, stderr=subprocess.STDOUT)
        env = dict(os.environ, PEBBLE_VA_NOSLEEP="1",
                   PEBBLE_WFE_NONCEREJECT=str(nonce_reject),
                   PEBBLE_AUTHZREUSE="0")
        self.log_path = os.path.join(d, "pebble.log")
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            ["pebble", "-config", cfgpath, "-dnsserver",
             "127.0.0.1:%d" % dns_port],
            stdout=self.log, stderr=subprocess.STDOUT, env=env)
        self.dir = "https://127.0.0.1:%d/dir" % self.port
        self.mgmt = "http://127.0.0.1:%d" % cts_port
        self.ctx = ssl.create_default_context(cafile=self.cert)
        self.wait()

    def wait(self):
        end = time.time() + 20
        while time.time() < end:
            try:
                urllib.request.urlopen(self.dir, context=self.ctx,
                                       timeout=2).read()
                urllib.request.urlopen(self.mgmt + "/", timeout=2)
                return
            except urllib.error.HTTPError:
                return   # challtestsrv answers / with 404: it is up
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("pebble did not start: %s" %
                           open(self.log_path).read())

    def fetch(self, path):
        url = "https://127.0.0.1:%d%s" % (self.mport, path)
        return urllib.request.urlopen(url, context=self.ctx).read()

    def chain_files(self):
        """pebble's issuing root and intermediate, for openssl verify."""
        root = os.path.join(self.d, "root.pem")
        inter = os.path.join(self.d, "inter.pem")
        with open(root, "wb") as f:
            f.write(self.fetch("/roots/0"))
        with open(inter, "wb") as f:
            f.write(self.fetch("/intermediates/0"))
        return root, inter

    def stop(self):
        for p in (self.proc, self.cts):
            p.terminate()
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        self.log.close()
        self.cts_log.close()


@pytest.fixture(scope="module")
def pebble(tmp_path_factory):
    p = Pebble(str(tmp_path_factory.mktemp("pebble")))
    yield p
    p.stop()


def probe(peb, tmp, key, *args, keytype=None, expect=0):
    cmd = [PROBE, "-d", peb.dir, "-c", peb.cert, "-k",
           os.path.join(tmp, key)]
    if keytype:
        cmd += ["-t", keytype]
    cmd += list(args)
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert "Sanitizer" not in r.stderr and "runtime error" not in \
        r.stderr, r.stderr
    assert r.returncode == expect, (r.returncode, r.stdout, r.stderr)
    return r


def issue_args(peb, tmp, names, chal, out="cert", *extra):
    args = []
    for n in names:
        args += ["-n", n]
    return args + ["-C", chal, "-m", peb.mgmt, "-o",
                   os.path.join(tmp, out)] + list(extra) + ["issue"]


def x509(path, *opts):
    return subprocess.run(["openssl", "x509", "-in", path, "-noout"] +
                          list(opts), check=True, capture_output=True,
                          text=True).stdout


def sans(path):
    text = x509(path, "-ext", "subjectAltName")
    return sorted(re.findall(r"DNS:([^,\s]+)", text))


def check_issued(peb, tmp, out, names):
    leaf = os.path.join(tmp, out + ".leaf.pem")
    chain = os.path.join(tmp, out + ".chain.pem")
    root, inter = peb.chain_files()
    v = subprocess.run(["openssl", "verify", "-CAfile", root,
                        "-untrusted", inter, leaf],
                       capture_output=True, text=True)
    assert v.returncode == 0 and leaf + ": OK" in v.stdout, v
    # the chain the engine split off is the one that leads to the root
    v = subprocess.run(["openssl", "verify", "-CAfile", root,
                        "-untrusted", chain, leaf],
                       capture_output=True, text=True)
    assert v.returncode == 0, v
    assert open(leaf).read().count("BEGIN CERTIFICATE") == 1
    assert sans(leaf) == sorted(names)
    # the certificate is for the CSR's key
    pub = subprocess.run(["openssl", "pkey", "-in",
                          os.path.join(tmp, out + ".key.pem"), "-pubout"],
                         capture_output=True, text=True).stdout
    assert x509(leaf, "-pubkey").strip() == pub.strip()


def keytext(tmp, name):
    return subprocess.run(["openssl", "pkey", "-in", os.path.join(tmp, name),
                           "-noout", "-text"], capture_output=True,
                          text=True, check=True).stdout


def order_url(stdout):
    m = re.findall(r"^order (https://\S+)$", stdout, re.M)
    assert len(m) == 1, stdout
    return m[0]


def account_url(stdout):
    m = re.search(r"^account (https://\S+)$", stdout, re.M)
    assert m, stdout
    return m.group(1)


def test_ecdsa_account_http01_three_names(pebble, tmp_path):
    tmp = str(tmp_path)
    names = ["www.h1.example", "api.h1.example", "h1.example"]
    r = probe(pebble, tmp, "acct.pem", "-e", "ops@h1.example",
              *issue_args(pebble, tmp, names, "http-01"), keytype="ec256")
    assert "ASN1 OID: prime256v1" in keytext(tmp, "acct.pem")
    for n in names:
        assert "present http-01 %s" % n in r.stdout
        assert "cleanup http-01 %s" % n in r.stdout
    check_issued(pebble, tmp, "cert", names)
    # this pebble rejects no nonce: none was retried
    assert "badnonce 0" in r.stdout
    # the contact went to the account, found again by its key
    acct = probe(pebble, tmp, "acct.pem", "-x", "orders")
    assert account_url(acct.stdout) == account_url(r.stdout)
    assert "contact mailto:ops@h1.example" in acct.stdout
    assert "orders 1" in acct.stdout


def test_rsa_account_dns01(pebble, tmp_path):
    tmp = str(tmp_path)
    names = ["a.d1.example", "b.d1.example", "c.d1.example"]
    r = probe(pebble, tmp, "acct.pem",
              *issue_args(pebble, tmp, names, "dns-01"), keytype="rsa")
    assert "Private-Key: (2048 bit, 2 primes)" in keytext(tmp, "acct.pem")
    for n in names:
        assert "present dns-01 %s" % n in r.stdout
        assert "cleanup dns-01 %s" % n in r.stdout
    check_issued(pebble, tmp, "cert", names)


def test_es384_account(pebble, tmp_path):
    tmp = str(tmp_path)
    probe(pebble, tmp, "acct.pem",
          *issue_args(pebble, tmp, ["p384.example"], "http-01"),
          keytype="ec384")
    assert "ASN1 OID: secp384r1" in keytext(tmp, "acct.pem")
    check_issued(pebble, tmp, "cert", ["p384.example"])


def test_unanswered_challenge_fails_with_the_ca_problem(pebble, tmp_path):
    """pebble really validates: with nothing served, it refuses."""
    tmp = str(tmp_path)
    r = probe(pebble, tmp, "acct.pem", "-P",
              *issue_args(pebble, tmp, ["absent.example"], "http-01"),
              expect=1)
    assert "absent.example: http-01 failed: " \
        "urn:ietf:params:acme:error:" in r.stderr, r.stderr
    assert "cleanup http-01 absent.example" in r.stdout
    assert not os.path.exists(os.path.join(tmp, "cert.leaf.pem"))


def test_forbidden_identifier(pebble, tmp_path):
    tmp = str(tmp_path)
    bad = "x." + BLOCKED
    r = probe(pebble, tmp, "acct.pem",
              *issue_args(pebble, tmp, ["fine.example", bad], "http-01"),
              expect=1)
    assert "urn:ietf:params:acme:error:rejectedIdentifier" in r.stderr
    assert "forbidden by policy" in r.stderr and bad in r.stderr
    assert "present" not in r.stdout


def test_resume_does_not_make_a_second_order(pebble, tmp_path):
    tmp = str(tmp_path)
    names = ["r1.example", "r2.example"]
    r = probe(pebble, tmp, "acct.pem",
              *issue_args(pebble, tmp, names, "http-01", "cert", "-s"),
              expect=3)
    url = order_url(r.stdout)
    assert "present" not in r.stdout   # killed before any challenge
    assert "orders 1" in probe(pebble, tmp, "acct.pem", "orders").stdout
    r = probe(pebble, tmp, "acct.pem",
              *issue_args(pebble, tmp, names, "http-01", "cert", "-r",
                          url))
    assert "issued %s" % url in r.stdout
    assert "order " not in r.stdout    # no order_created: none made
    check_issued(pebble, tmp, "cert", names)
    assert "orders 1" in probe(pebble, tmp, "acct.pem", "orders").stdout
    # an order is resumed only for the names it was made for
    r = probe(pebble, tmp, "acct.pem",
              *issue_args(pebble, tmp, ["r1.example", "other.example"],
                          "http-01", "other", "-r", url), expect=1)
    assert "the order to resume is for other names" in r.stderr
    # a finished order resumed again only downloads its certificate
    r = probe(pebble, tmp, "acct.pem",
              *issue_args(pebble, tmp, names, "http-01", "again", "-r",
                          url))
    assert "present" not in r.stdout
    assert open(os.path.join(tmp, "again.leaf.pem")).read() == \
        open(os.path.join(tmp, "cert.leaf.pem")).read()


def test_resume_between_authorizations(pebble, tmp_path):
    """Killed once the first name is proved: the resumed worker proves
    only the others, on the same order."""
    tmp = str(tmp_path)
    names = ["m1.example", "m2.example", "m3.example"]
    r = probe(pebble, tmp, "acct.pem",
              *issue_args(pebble, tmp, names, "http-01", "cert", "-X",
                          "1"), expect=4)
    url = order_url(r.stdout)
    first = re.findall(r"^present http-01 (\S+)$", r.stdout, re.M)
    assert len(first) == 1
    r = probe(pebble, tmp, "acct.pem",
              *issue_args(pebble, tmp, names, "http-01", "cert", "-r",
                          url))
    again = re.findall(r"^present http-01 (\S+)$", r.stdout, re.M)
    assert sorted(again + first) == sorted(names), r.stdout
    assert "issued %s" % url in r.stdout
    check_issued(pebble, tmp, "cert", names)
    assert "orders 1" in probe(pebble, tmp, "acct.pem", "orders").stdout


def test_key_rollover(pebble, tmp_path):
    tmp = str(tmp_path)
    old = account_url(probe(pebble, tmp, "old.pem", "account").stdout)
    r = probe(pebble, tmp, "old.pem", "-N", os.path.join(tmp, "new.pem"),
              "-T", "rsa", "-x", "rollover")
    assert "rolled %s" % old in r.stdout
    r = probe(pebble, tmp, "old.pem", "-x", "account", expect=1)
    assert "accountDoesNotExist" in r.stderr, r.stderr
    r = probe(pebble, tmp, "new.pem", "-x", "account")
    assert account_url(r.stdout) == old
    probe(pebble, tmp, "new.pem", "-x",
          *issue_args(pebble, tmp, ["roll.example"], "dns-01"))
    check_issued(pebble, tmp, "cert", ["roll.example"])


def test_bad_nonce_retried(tmp_path_factory, tmp_path):
    peb = Pebble(str(tmp_path_factory.mktemp("pebble-nonce")),
                 nonce_reject=50)
    try:
        tmp = str(tmp_path)
        names = ["n1.example", "n2.example", "n3.example"]
        r = probe(peb, tmp, "acct.pem",
                  *issue_args(peb, tmp, names, "http-01"))
        check_issued(peb, tmp, "cert", names)
        # pebble refused nonces, and the engine sent again
        assert int(re.search(r"^badnonce (\d+)$", r.stdout,
                             re.M).group(1)) > 0, r.stdout
    finally:
        peb.stop()


def test_external_account_binding(tmp_path_factory, tmp_path):
    hmac = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode() \
        .rstrip("=")
    wrong = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode() \
        .rstrip("=")
    peb = Pebble(str(tmp_path_factory.mktemp("pebble-eab")),
                 eab_keys={"kid-1": hmac})
    try:
        tmp = str(tmp_path)
        r = probe(peb, tmp, "a.pem", "account", expect=1)
        assert "requires external account binding" in r.stderr
        r = probe(peb, tmp, "a.pem", "-K", "kid-1", "-H", wrong,
                  "account", expect=1)
        assert "urn:ietf:params:acme:error:" in r.stderr, r.stderr
        r = probe(peb, tmp, "a.pem", "-K", "kid-1", "-H", hmac,
                  "account")
        account_url(r.stdout)
        probe(peb, tmp, "a.pem", "-x",
              *issue_args(peb, tmp, ["eab.example"], "http-01"))
        check_issued(peb, tmp, "cert", ["eab.example"])
    finally:
        peb.stop()


class AriCA(http.server.BaseHTTPRequestHandler):
    """A CA that offers only a directory and renewalInfo (RFC 9773),
    which pebble 2.4 does not: it records the paths asked."""
    asked = []
    window = {"start": "2027-01-02T03:04:05Z",
              "end": "2027-01-03T03:04:05.5+01:00"}

    def do_GET(self):
        self.asked.append(self.path)
        base = "https://127.0.0.1:%d" % self.server.server_port
        if self.path == "/dir":
            body = {"newNonce": base + "/nonce", "newAccount": base +
                    "/acct", "newOrder": base + "/order",
                    "renewalInfo": base + "/ari/"}
        elif self.path.startswith("/ari/"):
            body = {"suggestedWindow": self.window,
                    "explanationURL": "https://ca.example/why"}
        else:
            self.send_error(404)
            return
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Retry-After", "21600")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def cert_id(path):
    """RFC 9773's certID, computed apart from the engine."""
    aki = x509(path, "-ext", "authorityKeyIdentifier")
    hexid = re.search(r"((?:[0-9A-F]{2}:)+[0-9A-F]{2})", aki).group(1)
    serial = int(x509(path, "-serial").strip().split("=")[1], 16)
    sbytes = serial.to_bytes((serial.bit_length() + 8) // 8, "big")

    def b64(b):
        return base64.urlsafe_b64encode(b).decode().rstrip("=")
    return b64(bytes.fromhex(hexid.replace(":", ""))) + "." + b64(sbytes)


def test_renewal_info(pebble, tmp_path):
    tmp = str(tmp_path)
    probe(pebble, tmp, "acct.pem",
          *issue_args(pebble, tmp, ["ari.example"], "http-01"))
    leaf = os.path.join(tmp, "cert.leaf.pem")
    # pebble 2.4 offers no renewalInfo: a clear error
    r = subprocess.run([PROBE, "-d", pebble.dir, "-c", pebble.cert, "-f",
                        leaf, "ari"], capture_output=True, text=True)
    assert r.returncode == 1 and "offers no renewalInfo" in r.stderr, r
    srv = http.server.HTTPServer(("127.0.0.1", 0), AriCA)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(pebble.cert, os.path.join(pebble.d, "tls.key"))
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    try:
        url = "https://127.0.0.1:%d/dir" % srv.server_port
        r = subprocess.run([PROBE, "-d", url, "-c", pebble.cert, "-f",
                            leaf, "ari"], capture_output=True, text=True)
        assert r.returncode == 0, r
        assert "/ari/" + cert_id(leaf) in AriCA.asked
        # 2027-01-02T03:04:05Z and 2027-01-03T02:04:05Z
        assert "window 1798859045 1798941845 21600 " \
            "https://ca.example/why" in r.stdout, r.stdout
        AriCA.window = {"start": "2027-01-02T03:04:05Z", "end": "soon"}
        r = subprocess.run([PROBE, "-d", url, "-c", pebble.cert, "-f",
                            leaf, "ari"], capture_output=True, text=True)
        assert r.returncode == 1
        assert "without a suggested window" in r.stderr, r.stderr
    finally:
        srv.shutdown()
        srv.server_close()


class HostileCA(http.server.BaseHTTPRequestHandler):
    """A CA that misbehaves as mode says, to show the engine's bounds."""
    mode = ""
    asked = []
    times = []
    polls = 0

    def answer(self, status, body, headers=()):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Replay-Nonce", "n" + secrets.token_hex(8))
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def do_HEAD(self):
        self.asked.append(("HEAD", self.path))
        self.answer(200, b"")

    def do_GET(self):
        self.asked.append(("GET", self.path))
        base = "https://127.0.0.1:%d" % self.server.server_port
        d = {"newNonce": base + "/nonce", "newAccount": base + "/acct",
             "newOrder": base + "/order"}
        if self.mode == "httpdir":
            d["newAccount"] = "http://127.0.0.1:%d/acct" % \
                self.server.server_port
        self.answer(200, d)

    def do_POST(self):
        self.asked.append(("POST", self.path))
        self.times.append((self.path, time.monotonic()))
        self.rfile.read(int(self.headers["Content-Length"]))
        if self.mode == "order" and self.path == "/acct":
            self.answer(201, {"status": "valid"},
                        [("Location", "https://127.0.0.1:%d/acct/1" %
                          self.server.server_port)])
        elif self.mode == "order":
            HostileCA.polls += 1
            order = {"status": "processing", "identifiers": [
                {"type": "dns", "value": "p.example"}]}
            if HostileCA.polls > 3:
                order["status"] = "invalid"
                order["error"] = {"type": "urn:ietf:params:acme:error:"
                                  "serverInternal", "detail": "boom"}
            self.answer(200, order, [("Retry-After", "2")])
        elif self.mode == "badnonce":
            self.answer(400, {"type": "urn:ietf:params:acme:error:"
                              "badNonce", "detail": "stale"})
        elif self.mode == "big":
            self.answer(201, b"{\"x\":\"" + b"a" * 400000 + b"\"}",
                        [("Location", "https://127.0.0.1/acct/1")])
        elif self.mode == "redirect":
            self.answer(302, b"", [("Location", "https://127.0.0.1:%d/"
                                    "elsewhere" % self.server.server_port)])
        else:
            self.answer(201, {"status": "valid"},
                        [("Location", "http://127.0.0.1/acct/1")])

    def log_message(self, *args):
        pass


@pytest.fixture
def hostile(pebble):
    srv = http.server.HTTPServer(("127.0.0.1", 0), HostileCA)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(pebble.cert, os.path.join(pebble.d, "tls.key"))
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    HostileCA.asked = []
    HostileCA.times = []
    HostileCA.polls = 0
    yield srv, "https://127.0.0.1:%d/dir" % srv.server_port
    srv.shutdown()
    srv.server_close()


def hostile_account(pebble, tmp, url, mode):
    HostileCA.mode = mode
    r = subprocess.run([PROBE, "-d", url, "-c", pebble.cert, "-k",
                        os.path.join(tmp, "k.pem"), "account"],
                       capture_output=True, text=True, timeout=60)
    assert "Sanitizer" not in r.stderr
    assert r.returncode == 1, r
    return r.stderr


@pytest.mark.parametrize("mode,error", [
    ("badnonce", "the CA refused 16 nonces in a row"),
    ("big", "answer over 262144 bytes"),
    ("redirect", "newAccount: HTTP 302"),
    ("httpdir", "the directory lacks newNonce, newAccount or newOrder"),
    ("", "newAccount gave no account URL"),
])
def test_hostile_ca(pebble, hostile, tmp_path, mode, error):
    srv, url = hostile
    err = hostile_account(pebble, str(tmp_path), url, mode)
    assert error in err, err
    posts = [p for m, p in HostileCA.asked if m == "POST"]
    assert ("GET", "/elsewhere") not in HostileCA.asked  # no redirect
    assert len(posts) == (16 if mode == "badnonce" else
                          0 if mode == "httpdir" else 1)


def test_untrusted_ca_refused(pebble, hostile, tmp_path):
    """Without the CA file the self-signed certificate is not trusted."""
    srv, url = hostile
    HostileCA.mode = ""
    r = subprocess.run([PROBE, "-d", url, "-k",
                        os.path.join(str(tmp_path), "k.pem"), "account"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 1 and "SSL" in r.stderr, r
    assert HostileCA.asked == []


def test_order_polled_as_retry_after_says(pebble, hostile, tmp_path):
    """A resumed order the CA keeps processing, then fails: each poll
    waits the Retry-After asked, and the order's problem is the error."""
    srv, url = hostile
    HostileCA.mode = "order"
    tmp = str(tmp_path)
    order = "https://127.0.0.1:%d/order/1" % srv.server_port
    r = subprocess.run([PROBE, "-d", url, "-c", pebble.cert, "-k",
                        os.path.join(tmp, "k.pem"), "-n", "p.example",
                        "-C", "http-01", "-m", "http://127.0.0.1:1",
                        "-o", os.path.join(tmp, "c"), "-r", order,
                        "issue"], capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 1, r
    assert "the order is invalid: urn:ietf:params:acme:error:" \
        "serverInternal: boom" in r.stderr, r.stderr
    polls = [t for p, t in HostileCA.times if p == "/order/1"]
    assert len(polls) == 4, HostileCA.times
    # the first fetch, then three polls, each 2 s after the one before
    gaps = [b - a for a, b in zip(polls[1:], polls[2:])]
    assert all(g >= 1.9 for g in gaps), gaps


def test_wildcard_by_dns01(pebble, tmp_path):
    """A wildcard and its base name: two authorizations of one name,
    both answered by the TXT of _acme-challenge of that name."""
    tmp = str(tmp_path)
    names = ["*.w.example", "w.example"]
    r = probe(pebble, tmp, "acct.pem",
              *issue_args(pebble, tmp, names, "dns-01"))
    assert r.stdout.count("present dns-01 w.example") == 2, r.stdout
    check_issued(pebble, tmp, "cert", names)
    # a wildcard cannot be proved by http-01: the CA offers no such
    # challenge, and the engine says so
    r = probe(pebble, tmp, "acct.pem",
              *issue_args(pebble, tmp, ["*.v.example"], "http-01", "v"),
              expect=1)
    assert "v.example: the CA offers no http-01 challenge" in r.stderr
