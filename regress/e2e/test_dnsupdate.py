"""taskd's DNS update client (RFC 2136 with TSIG) against a real named.

Each test starts bind9's named on a free loopback port, as root but in a
temporary directory of its own, serving one zone that accepts TXT updates
signed by a key made with tsig-keygen.  build/test/bin/dnsu_tool drives
the client; real dig checks what the server then serves.
"""
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import pytest

from suite import BINDIR

NAMED = "/usr/sbin/named"
TOOL = os.path.join(BINDIR, "dnsu_tool")
ZONE = "example.test"
LOCKED = "locked.test"
ALGS = ("hmac-sha256", "hmac-sha384", "hmac-sha512", "hmac-sha224",
        "hmac-sha1")


def free_dns_port():
    """A port free on loopback for both UDP and TCP, as named needs."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
            u.bind(("127.0.0.1", 0))
            port = u.getsockname()[1]
            try:
                for fam, addr, kind in (
                        (socket.AF_INET, "127.0.0.1", socket.SOCK_STREAM),
                        (socket.AF_INET6, "::1", socket.SOCK_DGRAM),
                        (socket.AF_INET6, "::1", socket.SOCK_STREAM)):
                    with socket.socket(fam, kind) as t:
                        t.bind((addr, port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port")


def keygen(alg, name):
    out = subprocess.run(["tsig-keygen", "-a", alg, name], check=True,
                         capture_output=True, text=True).stdout
    secret = out.split('secret "')[1].split('"')[0]
    return out, secret


class Named:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="moat-named-")
        self.port = free_dns_port()
        self.keys = {}
        keyconf = ""
        for alg in ALGS:
            name = "moat-" + alg
            text, secret = keygen(alg, name)
            self.keys[alg] = (name, secret)
            keyconf += text
        grants = "".join("grant %s zonesub TXT;\n" % n
                         for n, _ in self.keys.values())
        for z in (ZONE, LOCKED):
            with open(os.path.join(self.dir, z + ".db"), "w") as f:
                f.write("$TTL 60\n"
                        "@ IN SOA ns.%s. admin.%s. 1 60 60 600 60\n"
                        "@ IN NS ns.%s.\n"
                        "ns IN A 127.0.0.1\n" % (z, z, z))
        d = self.dir
        with open(os.path.join(d, "named.conf"), "w") as f:
            f.write(keyconf + """
options {
    directory "%s";
    pid-file "%s/named.pid";
    session-keyfile "%s/session.key";
    managed-keys-directory "%s";
    listen-on port %d { 127.0.0.1; };
    listen-on-v6 port %d { ::1; };
    recursion no;
    dnssec-validation no;
    notify no;
};
controls { };
zone "%s" {
    type primary;
    file "%s/%s.db";
    update-policy { %s };
};
zone "%s" {
    type primary;
    file "%s/%s.db";
    allow-update { none; };
};
""" % (d, d, d, d, self.port, self.port, ZONE, d, ZONE, grants, LOCKED, d,
       LOCKED))
        self.log = open(os.path.join(d, "named.log"), "w")
        self.proc = subprocess.Popen(
            [NAMED, "-g", "-c", os.path.join(d, "named.conf")],
            stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True)
        deadline = time.time() + 20
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("named exited:\n" + self.logtext())
            if self.dig("ns." + ZONE, "A") == ["127.0.0.1"]:
                return
            time.sleep(0.2)
        self.stop()
        raise RuntimeError("named did not answer:\n" + self.logtext())

    def logtext(self):
        with open(os.path.join(self.dir, "named.log")) as f:
            return f.read()[-4000:]

    def dig(self, name, rtype="TXT"):
        r = subprocess.run(["dig", "@127.0.0.1", "-p", str(self.port),
                            "+short", "+norecurse", "+time=1", "+tries=1",
                            name, rtype], capture_output=True, text=True)
        return [line.strip() for line in r.stdout.splitlines()
                if line.strip() and not line.startswith(";")]

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="module")
def named():
    n = Named()
    yield n
    n.stop()


def tool(named, alg, op, name, txt=None, secret=None, zone=ZONE,
         port=None, opts=(), key=None, server="127.0.0.1", tcp=None):
    """Runs dnsu_tool: its status, first line and milliseconds; with tcp
    a list, whether its last exchange went over TCP is appended."""
    kname, ksecret = named.keys[alg]
    args = [TOOL, *opts, server, str(port or named.port), zone,
            key or kname, alg, op, name]
    if txt is not None:
        args.append(txt)
    r = subprocess.run(args, input=(secret or ksecret) + "\n",
                       capture_output=True, text=True, timeout=60)
    assert "runtime error" not in r.stderr and "Sanitizer" not in r.stderr, \
        r.stderr
    lines = r.stdout.splitlines()
    if tcp is not None:
        tcp.append(lines[1] == "tcp 1")
    return r.returncode, lines[0], int(lines[-1].split()[1])


def test_add_see_delete(named):
    name = "_acme-challenge.www." + ZONE
    rc, out, _ = tool(named, "hmac-sha256", "add", name, "token-one")
    assert (rc, out) == (0, "ok")
    rc, out, _ = tool(named, "hmac-sha256", "wait", name, "token-one")
    assert (rc, out) == (0, "ok")
    assert named.dig(name) == ['"token-one"']
    # a second value beside it, then only the first deleted
    assert tool(named, "hmac-sha256", "add", name, "token-two")[0] == 0
    assert sorted(named.dig(name)) == ['"token-one"', '"token-two"']
    rc, out, _ = tool(named, "hmac-sha256", "del", name, "token-one")
    assert (rc, out) == (0, "ok")
    assert named.dig(name) == ['"token-two"']
    rc, out, _ = tool(named, "hmac-sha256", "gone", name, "token-one")
    assert (rc, out) == (0, "ok")
    # the whole RRset
    assert tool(named, "hmac-sha256", "delall", name)[0] == 0
    assert named.dig(name) == []


@pytest.mark.parametrize("alg", ALGS)
def test_each_algorithm(named, alg):
    name = "_acme-challenge.%s.%s" % (alg, ZONE)
    rc, out, _ = tool(named, alg, "add", name, "v-" + alg)
    assert (rc, out) == (0, "ok")
    assert named.dig(name) == ['"v-%s"' % alg]
    rc, out, _ = tool(named, alg, "del", name, "v-" + alg)
    assert (rc, out) == (0, "ok")
    assert named.dig(name) == []


def test_tcp(named):
    name = "_acme-challenge.tcp." + ZONE
    rc, out, _ = tool(named, "hmac-sha512", "add", name, "over-tcp",
                      opts=("-t",))
    assert (rc, out) == (0, "ok")
    assert named.dig(name) == ['"over-tcp"']
    rc, out, _ = tool(named, "hmac-sha512", "wait", name, "over-tcp",
                      opts=("-t",))
    assert (rc, out) == (0, "ok")
    assert tool(named, "hmac-sha512", "delall", name, opts=("-t",))[0] == 0
    assert named.dig(name) == []


def test_ipv6(named):
    name = "_acme-challenge.v6." + ZONE
    for server in ("::1", "[::1]"):
        rc, out, _ = tool(named, "hmac-sha256", "add", name, "six",
                          server=server)
        assert (rc, out) == (0, "ok")
        assert named.dig(name) == ['"six"']
        rc, out, _ = tool(named, "hmac-sha256", "delall", name,
                          server=server)
        assert (rc, out) == (0, "ok")
        assert named.dig(name) == []


def test_large_update_goes_over_tcp(named):
    # more than 512 bytes: no datagram is tried
    name = ".".join(["l" * 60] * 3) + "." + ZONE
    big = "b" * 255
    tcp = []
    rc, out, _ = tool(named, "hmac-sha512", "add", name, big, tcp=tcp)
    assert (rc, out) == (0, "ok") and tcp == [True]
    assert named.dig(name) == ['"%s"' % big]
    small = []
    rc, out, _ = tool(named, "hmac-sha256", "delall", name, tcp=small)
    assert (rc, out) == (0, "ok") and small == [False]
    assert named.dig(name) == []


def test_truncated_answer_is_asked_again_over_tcp(named):
    # five 200-byte values: the TXT answer does not fit 512 bytes, so
    # named truncates it over UDP and the client asks again over TCP
    name = "_acme-challenge.many." + ZONE
    values = [chr(ord("a") + i) * 200 for i in range(5)]
    for v in values:
        assert tool(named, "hmac-sha256", "add", name, v)[0] == 0
    tcp = []
    rc, out, _ = tool(named, "hmac-sha256", "wait", name, values[3],
                      tcp=tcp)
    assert (rc, out) == (0, "ok") and tcp == [True]
    assert tool(named, "hmac-sha256", "delall", name)[0] == 0
    assert named.dig(name) == []


def test_wrong_secret(named):
    name = "_acme-challenge.bad." + ZONE
    wrong = keygen("hmac-sha256", "x")[1]
    rc, out, _ = tool(named, "hmac-sha256", "add", name, "nope",
                      secret=wrong)
    assert rc == 1
    assert out.startswith("error: NOTAUTH/BADSIG"), out
    assert named.dig(name) == []


def test_unknown_key(named):
    name = "_acme-challenge.bad." + ZONE
    rc, out, _ = tool(named, "hmac-sha256", "add", name, "nope",
                      key="nobody-knows")
    assert rc == 1
    assert out.startswith("error: NOTAUTH/BADKEY"), out
    assert named.dig(name) == []


def test_wrong_zone(named):
    rc, out, _ = tool(named, "hmac-sha256", "add",
                      "_acme-challenge.other.test", "nope",
                      zone="other.test")
    assert rc == 1
    assert out.startswith("error: NOTAUTH") or \
        out.startswith("error: REFUSED") or \
        out.startswith("error: NOTZONE"), out


def test_zone_refuses_key(named):
    # a zone the server serves but where this key may change nothing
    rc, out, _ = tool(named, "hmac-sha256", "add",
                      "_acme-challenge." + LOCKED, "nope", zone=LOCKED)
    assert rc == 1 and out.startswith("error: REFUSED"), out
    assert named.dig("_acme-challenge." + LOCKED) == []


def test_name_outside_grant(named):
    # the key may update TXT only; the zone apex SOA is not ours either:
    # a name outside the zone never leaves the client
    rc, out, _ = tool(named, "hmac-sha256", "add", "www.elsewhere.org",
                      "nope")
    assert rc == 1 and "not within the zone" in out, out


def test_bad_input_sends_nothing(named):
    for args in (("add", "bad name." + ZONE, "x"),
                 ("add", "_a." + ZONE, "bad\x01"),
                 ("add", "a" * 64 + "." + ZONE, "x")):
        rc, out, _ = tool(named, "hmac-sha256", *args)
        assert rc == 1 and out.startswith("error: "), out
    rc, out, _ = tool(named, "hmac-sha256", "add", "_a." + ZONE, "x",
                      secret="not*base64")
    assert rc == 1 and "base64" in out, out


def test_unreachable_times_out(named):
    # a UDP socket that never answers: the client gives up in its bound
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        t0 = time.time()
        rc, out, ms = tool(named, "hmac-sha256", "add",
                           "_acme-challenge." + ZONE, "x", port=port,
                           opts=("-T", "300", "-n", "2"))
        took = time.time() - t0
        assert rc == 1 and out.startswith("error: timeout"), out
        assert 550 <= ms <= 1500, ms
        assert took < 5
        # it did try twice
        s.setblocking(False)
        got = 0
        try:
            while True:
                s.recv(2048)
                got += 1
        except BlockingIOError:
            pass
        assert got == 2


def test_nothing_listening(named):
    # a closed port answers at once with an ICMP refusal, not a timeout
    port = free_dns_port()
    rc, out, ms = tool(named, "hmac-sha256", "add",
                       "_acme-challenge." + ZONE, "x", port=port)
    assert rc == 1 and out.startswith("error: DNS server unreachable"), out
    assert ms < 1000


def test_wait_bounded(named):
    name = "_acme-challenge.never." + ZONE
    t0 = time.time()
    rc, out, _ = tool(named, "hmac-sha256", "wait", name, "absent",
                      opts=("-w", "1500"))
    assert rc == 1 and "not visible" in out, out
    assert time.time() - t0 < 5
