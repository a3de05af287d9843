#!/usr/bin/python3
"""figure acme_issue_vs_certbot (bench/run.sh, section 10): the time to
obtain a certificate for 3 names from one pebble (PEBBLE_VA_NOSLEEP=1,
http-01 really validated), moat's API against certbot, alternating,
ROUNDS rounds, the medians.

- moat: a suite of its own (BINDIR), configured with the pebble as
  `acme directory "pebble"` and its http-01 listener (`listen acme on
  127.0.0.1 port P`); its account made once through the API (POST
  /apiv1/users/:id/acme-accounts); timed from POST .../certificates with
  acme_account_id to the GET that shows it `issued`.
- certbot: `certbot certonly --standalone` (ECDSA P-256, as moat's
  default), registered once, timed as a command; it answers http-01 on
  127.0.0.2 port P, where pebble-challtestsrv's DNS sends its names
  (moat's names resolve to 127.0.0.1).

Fresh names every round, so that no authorization is reused.  When
moat's half fails it prints `figure acme_issue_vs_certbot unavailable
(reason)`, never a made-up value.

    acme_bench.py BINDIR WORKDIR [ROUNDS]
"""
import http.client
import json
import os
import re
import socket
import ssl
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
DOMAIN = "bench.test"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Unavailable(Exception):
    pass


class Pebble:
    def __init__(self, d):
        self.d = d
        self.cert = os.path.join(d, "pebble.pem")
        key = os.path.join(d, "pebble.key")
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
             "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out",
             self.cert, "-days", "2", "-subj", "/CN=localhost", "-addext",
             "subjectAltName=IP:127.0.0.1,DNS:localhost"],
            check=True, capture_output=True)
        self.port, self.http_port = free_port(), free_port()
        dns_port, cts_port = free_port(), free_port()
        cfg = {"pebble": {
            "listenAddress": "127.0.0.1:%d" % self.port,
            "managementListenAddress": "127.0.0.1:%d" % free_port(),
            "certificate": self.cert, "privateKey": key,
            "httpPort": self.http_port, "tlsPort": free_port(),
            "ocspResponderURL": "",
            "externalAccountBindingRequired": False}}
        path = os.path.join(d, "pebble.json")
        with open(path, "w") as f:
            json.dump(cfg, f)
        # the DNS pebble asks; no challenge server of its own: moat and
        # certbot answer http-01 themselves
        self.cts = subprocess.Popen(
            ["pebble-challtestsrv", "-management",
             "127.0.0.1:%d" % cts_port, "-http01", "", "-https01", "",
             "-tlsalpn01", "", "-dns01", "127.0.0.1:%d" % dns_port,
             "-defaultIPv4", "127.0.0.1", "-defaultIPv6", ""],
            stdout=open(os.path.join(d, "challtestsrv.log"), "w"),
            stderr=subprocess.STDOUT)
        env = dict(os.environ, PEBBLE_VA_NOSLEEP="1",
                   PEBBLE_WFE_NONCEREJECT="0", PEBBLE_AUTHZREUSE="0")
        self.proc = subprocess.Popen(
            ["pebble", "-config", path, "-dnsserver",
             "127.0.0.1:%d" % dns_port],
            stdout=open(os.path.join(d, "pebble.log"), "w"),
            stderr=subprocess.STDOUT, env=env)
        self.dir = "https://127.0.0.1:%d/dir" % self.port
        self.mgmt = "http://127.0.0.1:%d" % cts_port
        ctx = ssl.create_default_context(cafile=self.cert)
        end = time.time() + 20
        while True:
            try:
                urllib.request.urlopen(self.dir, context=ctx,
                                       timeout=2).read()
                urllib.request.urlopen(self.mgmt + "/", timeout=2)
                break
            except urllib.error.HTTPError:
                break       # challtestsrv answers / with 404: it is up
            except OSError:
                if time.time() > end:
                    raise
                time.sleep(0.2)

    def resolve(self, name, address):
        req = urllib.request.Request(
            self.mgmt + "/add-a", json.dumps(
                {"host": name + ".", "addresses": [address]}).encode())
        urllib.request.urlopen(req, timeout=5).read()

    def stop(self):
        for p in (self.proc, self.cts):
            p.terminate()
            p.wait()


class Certbot:
    def __init__(self, d, pebble):
        self.d, self.pebble = d, pebble
        self.env = dict(os.environ, REQUESTS_CA_BUNDLE=pebble.cert)

    def run(self, *args):
        cmd = ["certbot", *args, "--non-interactive", "--server",
               self.pebble.dir, "--config-dir", os.path.join(self.d, "etc"),
               "--work-dir", os.path.join(self.d, "work"), "--logs-dir",
               os.path.join(self.d, "logs")]
        r = subprocess.run(cmd, env=self.env, capture_output=True,
                           text=True)
        if r.returncode != 0:
            raise RuntimeError("certbot %s: %s" % (args[0],
                                                   r.stderr[-600:]))

    def register(self):
        self.run("register", "--agree-tos",
                 "--register-unsafely-without-email")

    def issue(self, names, label):
        for n in names:
            self.pebble.resolve(n, "127.0.0.2")
        t0 = time.monotonic()
        self.run("certonly", "--standalone", "--http-01-address",
                 "127.0.0.2", "--http-01-port", str(self.pebble.http_port),
                 "--key-type", "ecdsa", "--elliptic-curve", "secp256r1",
                 "--cert-name", label, *sum([["-d", n] for n in names], []))
        elapsed = time.monotonic() - t0
        live = os.path.join(self.d, "etc", "live", label, "fullchain.pem")
        if not os.path.exists(live):
            raise RuntimeError("certbot stored no certificate")
        return elapsed


class Moat:
    """A suite of its own, and moat's API as a script would use it."""

    def __init__(self, d, bindir, pebble):
        os.makedirs(d, exist_ok=True)
        self.port = free_port()
        self.var = os.path.join(d, "var")
        conf = os.path.join(d, "acme.conf")
        with open(conf, "w") as f:
            f.write('limit api requests 1000000\n'
                    'acme directory "pebble" url "%s" ca-file "%s"\n'
                    'listen acme on 127.0.0.1 port %d\n'
                    % (pebble.dir, pebble.cert, pebble.http_port))
        env = dict(os.environ, MOAT_CONF=conf, MOAT_VAR=self.var,
                   MOAT_PORT=str(self.port))
        self.proc = subprocess.Popen(
            [os.path.join(TOP, "scripts", "run.sh"), bindir], env=env,
            stdout=open(os.path.join(d, "moat.log"), "w"),
            stderr=subprocess.STDOUT, start_new_session=True)
        self.ctx = ssl._create_unverified_context()
        end = time.time() + 30
        while True:
            try:
                if self.call("GET", "/healthz")[0] == 200 and \
                        os.path.exists(os.path.join(self.var,
                                                    "admin.password")):
                    break
            except OSError:
                pass
            if time.time() > end or self.proc.poll() is not None:
                raise Unavailable("moat's suite did not start")
            time.sleep(0.2)
        time.sleep(0.5)
        with open(os.path.join(self.var, "admin.password")) as f:
            self.login(f.read().strip())

    def call(self, method, path, body=None, headers=None):
        c = http.client.HTTPSConnection("127.0.0.1", self.port,
                                        context=self.ctx, timeout=30)
        h = {"Content-Type": "application/json"}
        h.update(headers or {})
        c.request(method, path, json.dumps(body) if body is not None
                  else None, h)
        r = c.getresponse()
        raw = r.read()
        c.close()
        try:
            answer = json.loads(raw) if raw else None
        except ValueError:
            answer = raw[:200]
        return r.status, answer, r

    def login(self, password):
        status, answer, r = self.call("POST", "/auth/general", {
            "username": "admin", "password": password})
        if status != 200:
            raise Unavailable("login: %d" % status)
        jar = {}
        for part in re.split(r", (?=[!#$%&'*+.^_`|~0-9A-Za-z-]+=)",
                             r.getheader("Set-Cookie", "")):
            name, _, rest = part.partition("=")
            jar[name] = rest.split(";")[0]
        csrf = [v for k, v in jar.items() if k.endswith("moat_csrf")][0]
        self.h = {"Cookie": "; ".join("%s=%s" % kv for kv in jar.items()),
                  "X-CSRF-Token": csrf}
        self.uid = answer["data"]["user_id"]

    def api(self, method, path, body=None):
        return self.call(method, "/apiv1/users/%s%s" % (self.uid, path),
                         body, self.h)[:2]

    def account(self):
        status, answer = self.api("POST", "/acme-accounts", {
            "email": "bench@example.test", "directory": "pebble"})
        if status != 201:
            raise Unavailable("POST acme-accounts: %d %s" % (
                status, json.dumps(answer)[:160]))
        self.acct = answer["data"]["id"]

    def issue(self, names, label):
        t0 = time.monotonic()
        status, answer = self.api("POST", "/certificates", {
            "domain": names[0], "sans": names[1:],
            "acme_account_id": self.acct})
        if status not in (200, 201, 202):
            raise Unavailable("POST certificates: %d %s" % (
                status, json.dumps(answer)[:160]))
        cert = answer["data"]["id"]
        while time.monotonic() - t0 < 120:
            status, answer = self.api("GET", "/certificates/%s" % cert)
            state = (answer or {}).get("data", {}).get("status") \
                if status == 200 else None
            if state == "issued":
                elapsed = time.monotonic() - t0
                got = answer["data"]
                if not got.get("serial") or got.get("domain") != names[0] \
                        or sorted(got.get("sans") or []) != \
                        sorted(names[1:]) and sorted(got.get("sans") or
                                                     []) != sorted(names):
                    raise Unavailable("issued, but not as asked: %s"
                                      % json.dumps(got)[:160])
                return elapsed
            if status != 200 or state in ("failed", "error", "revoked"):
                raise Unavailable("GET certificate: %d %s" % (
                    status, json.dumps(answer)[:160]))
            time.sleep(0.05)
        raise Unavailable("not issued within 120 s")

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def names(who, rnd):
    return ["%s%d-r%d.%s" % (who, i, rnd, DOMAIN) for i in (1, 2, 3)]


def main():
    bindir, work = sys.argv[1], sys.argv[2]
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    os.makedirs(work, exist_ok=True)
    pebble = Pebble(work)
    moat = None
    why = None
    cb_times, moat_times = [], []
    try:
        certbot = Certbot(os.path.join(work, "certbot"), pebble)
        certbot.register()
        try:
            moat = Moat(os.path.join(work, "moat"), bindir, pebble)
            moat.account()
        except Unavailable as e:
            why = str(e)
        for rnd in range(1, rounds + 1):
            cb_times.append(certbot.issue(names("cb", rnd), "r%d" % rnd))
            print("acme_certbot_round_s %.2f" % cb_times[-1])
            if why is None:
                try:
                    moat_times.append(moat.issue(names("moat", rnd),
                                                 "r%d" % rnd))
                    print("acme_moat_round_s %.2f" % moat_times[-1])
                except Unavailable as e:
                    why = str(e)
    except (RuntimeError, OSError, subprocess.SubprocessError) as e:
        why = why or str(e)
    finally:
        if moat is not None:
            moat.stop()
        pebble.stop()
    if cb_times:
        print("acme_certbot_median_s %.2f (%d rounds, 3 names)"
              % (statistics.median(cb_times), len(cb_times)))
    if why is not None or not cb_times or len(moat_times) < rounds:
        reason = why or "certbot failed"
        print("figure acme_issue_vs_certbot unavailable (%s)"
              % reason.replace("\n", " ")[:200])
        return
    print("acme_moat_median_s %.2f" % statistics.median(moat_times))
    print("figure acme_issue_vs_certbot %.2f <= 1.0" % (
        statistics.median(moat_times) / statistics.median(cb_times)))


if __name__ == "__main__":
    main()
