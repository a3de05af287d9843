#!/usr/bin/python3
"""figures ssh_login_vs_direct and scp_throughput_vs_direct (bench/run.sh,
section 12): OpenSSH's ssh and scp through moat's SSH gateway into a
running host, against the same client to an sshd of the machine on a
free loopback port (the same key, the same command, the same file).

- ssh_login_vs_direct: the time from starting `ssh -i KEY ... 'echo hi'`
  to its end (the output read, the exit status back), through the
  gateway over the time to the direct sshd; medians of 9, alternating.
  Target: at most 1.5.
- scp_throughput_vs_direct: a 100 MB copy into the host's home through
  the gateway, against the same copy into a directory through the direct
  sshd: throughput through the gateway over throughput direct (medians
  of 3, alternating).  Target: at least 0.8.

Usage: ssh_bench.py BINDIR WORK.  On any failure it prints
"figure ... unavailable (reason)"."""
import http.client
import json
import os
import shutil
import socket
import ssl
import statistics
import subprocess
import sys
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROUNDS = 9
SCP_ROUNDS = 3
SCP_MB = int(os.environ.get("BENCH_SCP_MB", "100"))


class Unavailable(Exception):
    pass


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Moat:
    """A suite of its own with a host, and moat's API as a script uses it."""

    def __init__(self, d, bindir):
        self.port, self.ssh_port = free_port(), free_port()
        self.var = os.path.join(d, "var")
        conf = os.path.join(d, "ssh.conf")
        with open(conf, "w") as f:
            f.write("limit api requests 1000000\n"
                    "limit auth failures 1000\n")
        env = dict(os.environ, MOAT_CONF=conf, MOAT_VAR=self.var,
                   MOAT_PORT=str(self.port), MOAT_SSH_PORT=str(self.ssh_port))
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
            self.token = self.login("admin", f.read().strip())

    def call(self, method, path, body=None, token=None):
        c = http.client.HTTPSConnection("127.0.0.1", self.port,
                                        context=self.ctx, timeout=30)
        h = {"Content-Type": "application/json"}
        if token:
            h["Authorization"] = "Bearer " + token
        c.request(method, path, json.dumps(body) if body is not None
                  else None, h)
        r = c.getresponse()
        raw = r.read()
        c.close()
        return r.status, json.loads(raw) if raw else None

    def login(self, name, password):
        status, answer = self.call("POST", "/v1/auth/login", {
            "username": name, "password": password})
        if status != 200:
            raise Unavailable("login %s: %d" % (name, status))
        return answer["token"]

    def host(self, pubkey):
        """A user with the key and a running host; its short id."""
        status, u = self.call("POST", "/v1/admin/users", {
            "username": "benchssh", "password": "password-benchssh",
            "role": "user"}, self.token)
        if status not in (200, 201):
            raise Unavailable("user: %d %s" % (status, u))
        user = u.get("user", u)
        token = self.login("benchssh", "password-benchssh")
        status, k = self.call("POST", "/v1/user/ssh-keys",
                              {"public_key": pubkey}, token)
        if status != 201:
            raise Unavailable("ssh key: %d %s" % (status, k))
        self.host_id = None
        status, h = self.call("POST", "/v1/admin/hosts", {
            "user_id": user["id"], "memory_limit_mb": 512,
            "pids_limit": 256, "cpu_limit": 1, "hostname": "bench",
            "timezone": "UTC"}, self.token)
        if status != 202:
            raise Unavailable("host: %d %s" % (status, h))
        self.host_id = h["host"]["id"]
        end = time.time() + 60
        while time.time() < end:
            status, got = self.call("GET", "/v1/admin/hosts/" +
                                    h["host"]["id"], None, self.token)
            if status != 200:
                raise Unavailable("host: %d %s" % (status, got))
            if got["host"]["status"] == "running":
                return h["host"]["short_id"]
            if got["host"]["status"] == "failed":
                break
            time.sleep(0.1)
        raise Unavailable("the host did not run")

    def stop(self):
        """The host goes with the suite: no container is left behind."""
        if getattr(self, "host_id", None) and self.proc.poll() is None:
            self.call("DELETE", "/v1/admin/hosts/" + self.host_id,
                      None, self.token)
            end = time.time() + 30
            while time.time() < end and self.call(
                    "GET", "/v1/admin/hosts/" + self.host_id, None,
                    self.token)[0] == 200:
                time.sleep(0.2)
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


class Sshd:
    """The machine's sshd on a free loopback port, root by key alone."""

    def __init__(self, d, pubkey):
        self.port = free_port()
        self.dir = d
        key = os.path.join(d, "sshd_host_key")
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f",
                        key], check=True)
        auth = os.path.join(d, "authorized_keys")
        with open(auth, "w") as f:
            f.write(pubkey + "\n")
        conf = os.path.join(d, "sshd_config")
        with open(conf, "w") as f:
            f.write("Port %d\nListenAddress 127.0.0.1\nHostKey %s\n"
                    "PidFile %s/sshd.pid\nAuthorizedKeysFile %s\n"
                    "PermitRootLogin prohibit-password\nStrictModes no\n"
                    "UsePAM no\nPasswordAuthentication no\n"
                    "Subsystem sftp /usr/lib/openssh/sftp-server\n"
                    % (self.port, key, d, auth))
        os.makedirs("/run/sshd", exist_ok=True)
        self.proc = subprocess.Popen(["/usr/sbin/sshd", "-D", "-e", "-f",
                                      conf], stdout=subprocess.DEVNULL,
                                     stderr=open(os.path.join(d, "sshd.log"),
                                                 "w"))
        end = time.time() + 10
        while time.time() < end:
            try:
                socket.create_connection(("127.0.0.1", self.port), 1).close()
                return
            except OSError:
                time.sleep(0.1)
        raise Unavailable("sshd did not start")

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


def client_opts(work, key):
    return ["-o", "StrictHostKeyChecking=no", "-o",
            "UserKnownHostsFile=" + os.path.join(work, "known_hosts"),
            "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o",
            "GSSAPIAuthentication=no", "-o",
            # the same key exchange both ways: libssh 0.10 has no
            # sntrup761, which costs OpenSSH's client ~0.3 s here
            "KexAlgorithms=curve25519-sha256", "-i", key]


def timed(argv):
    t0 = time.monotonic()
    out = subprocess.run(argv, capture_output=True, text=True, timeout=120)
    elapsed = time.monotonic() - t0
    if out.returncode != 0:
        raise Unavailable("%s: %s" % (argv[0], out.stderr.strip()[-160:]))
    return elapsed, out.stdout


def main():
    bindir, work = sys.argv[1:3]
    work = os.path.join(work, "ssh")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    key = os.path.join(work, "id_ed25519")
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f",
                    key], check=True)
    with open(key + ".pub") as f:
        pubkey = f.read().strip()
    moat = sshd = None
    try:
        moat = Moat(work, bindir)
        short = moat.host(pubkey)
        sshd = Sshd(work, pubkey)
        opts = client_opts(work, key)
        gw = ["ssh", "-p", str(moat.ssh_port)] + opts + \
            ["%s@127.0.0.1" % short, "echo hi"]
        direct = ["ssh", "-p", str(sshd.port)] + opts + \
            ["root@127.0.0.1", "echo hi"]
        timed(gw)
        timed(direct)           # known hosts, caches warm
        g, d = [], []
        for _ in range(ROUNDS):
            t, out = timed(gw)
            if out != "hi\n":
                raise Unavailable("gateway answered %r" % out)
            g.append(t)
            d.append(timed(direct)[0])
        gm, dm = statistics.median(g), statistics.median(d)
        print("ssh_login_ms gateway %.1f direct %.1f (medians of %d)"
              % (gm * 1000, dm * 1000, ROUNDS))
        login = gm / dm
        blob = os.path.join(work, "blob")
        with open(blob, "wb") as f:
            for _ in range(SCP_MB):
                f.write(os.urandom(1 << 20))
        os.makedirs(os.path.join(work, "into"), exist_ok=True)
        g, d = [], []
        for _ in range(SCP_ROUNDS):
            g.append(timed(["scp", "-P", str(moat.ssh_port)] + opts +
                           [blob, "%s@127.0.0.1:/home/blob" % short])[0])
            d.append(timed(["scp", "-P", str(sshd.port)] + opts +
                           [blob, "root@127.0.0.1:%s/into/blob" % work])[0])
        gm, dm = statistics.median(g), statistics.median(d)
        print("scp_%dmb_s gateway %.2f direct %.2f (medians of %d)"
              % (SCP_MB, gm, dm, SCP_ROUNDS))
        print("figure ssh_login_vs_direct %.2f <= 1.5" % login)
        print("figure scp_throughput_vs_direct %.2f >= 0.8" % (dm / gm))
    except (Unavailable, OSError, subprocess.SubprocessError) as e:
        print("figure ssh_login_vs_direct unavailable (%s)" % e)
        print("figure scp_throughput_vs_direct unavailable (%s)" % e)
    finally:
        if sshd:
            sshd.stop()
        if moat:
            moat.stop()


if __name__ == "__main__":
    main()
