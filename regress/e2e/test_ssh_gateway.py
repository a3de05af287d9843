"""The SSH gateway with real clients: OpenSSH's ssh, scp and sftp log in
to a host by its short id, with the host's entry password (through
sshpass) or with one of the owner's keys added through the API; a command
and its exit status, a pty, files into the home that outlive a rebuild;
wrong passwords, a fourth attempt, a disabled user, a stopped host and
forwarding are refused; every login and failure is an event; the host key
stays the same across a restart."""
import fcntl
import os
import pty
import select
import shutil
import signal
import socket
import stat
import struct
import termios
import subprocess
import time

import pytest

from cceapi import Session
from identity import admin_token, call, login, make_user
from suite import BINDIR, LEAKCHECK, TOP, Suite, finish

SSHPASS = "/usr/bin/sshpass"


def wait_for(what, timeout=30, step=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = what()
        if value:
            return value
        time.sleep(step)
    raise AssertionError("timed out waiting")


def task_done(s, token, task_id):
    def done():
        status, body, _ = call(s, "GET", "/v1/admin/tasks?limit=200", token)
        assert status == 200, body
        for t in body["tasks"]:
            if t["task_id"] == task_id and t["status"] in ("succeeded",
                                                           "failed"):
                return t
        return None
    t = wait_for(done)
    assert t["status"] == "succeeded", t
    return t


def host_action(s, token, host_id, action):
    status, body, _ = call(s, "POST", "/v1/admin/hosts/%s/%s" %
                           (host_id, action), token)
    assert status == 202, body
    task_done(s, token, body["task_id"])


def new_host(s, admin, name):
    user = make_user(s, admin, name, "password-" + name)
    status, body, _ = call(s, "POST", "/v1/admin/hosts", admin, {
        "user_id": user["id"], "memory_limit_mb": 128, "pids_limit": 64,
        "cpu_limit": 0.5, "hostname": name, "timezone": "UTC"})
    assert status == 202, body
    task_done(s, admin, body["task_id"])
    h = body["host"]
    status, pw, _ = call(s, "POST", "/v1/admin/hosts/%s/rotate-ssh-password"
                         % h["id"], admin)
    assert status == 200, pw
    return user, h, pw["ssh_password"]


class Gateway:
    def __init__(self, s, tmp):
        self.s = s
        self.tmp = tmp
        self.known = os.path.join(tmp, "known_hosts")

    def base(self, *extra):
        return ["ssh", "-p", str(self.s.ssh_port), "-o",
                "StrictHostKeyChecking=no", "-o",
                "UserKnownHostsFile=" + self.known, "-o", "BatchMode=no",
                "-o", "ConnectTimeout=10", *extra]

    def run(self, argv, password=None, timeout=60, **kw):
        if password is not None:
            argv = [SSHPASS, "-p", password] + argv
        return subprocess.run(argv, capture_output=True, text=True,
                              timeout=timeout, stdin=subprocess.DEVNULL,
                              **kw)

    def ssh(self, short_id, command, password=None, key=None, opts=()):
        if key is not None:
            auth = ["-i", key, "-o", "IdentitiesOnly=yes", "-o",
                    "PasswordAuthentication=no", "-o",
                    "KbdInteractiveAuthentication=no"]
        else:
            auth = ["-o", "PubkeyAuthentication=no", "-o",
                    "PreferredAuthentications=password"]
        argv = self.base(*auth, *opts) + ["%s@127.0.0.1" % short_id]
        if command is not None:
            argv.append(command)
        return self.run(argv, password)

    def scp(self, password, *args):
        return self.run(["scp", "-P", str(self.s.ssh_port), "-o",
                         "StrictHostKeyChecking=no", "-o",
                         "UserKnownHostsFile=" + self.known, "-o",
                         "PubkeyAuthentication=no", *args], password)


@pytest.fixture(scope="module")
def gw(tmp_path_factory):
    assert os.path.exists(SSHPASS), "sshpass is needed (scripts/deps.sh)"
    tmp = str(tmp_path_factory.mktemp("sshgw"))
    # the logins of one address in a minute: this module makes many
    s = Suite(tmp, "limit auth failures 100\n", "sshgw")
    s.start()
    try:
        g = Gateway(s, tmp)
        g.admin = admin_token(s)
        g.user, g.host, g.password = new_host(s, g.admin, "sshcust")
        yield g
    finally:
        finish(s)


def test_password_login_runs_a_command_with_its_exit_status(gw):
    out = gw.ssh(gw.host["short_id"], "echo hi; echo err >&2; exit 3",
                 gw.password)
    assert out.returncode == 3, out.stderr
    assert out.stdout == "hi\n"
    assert "err" in out.stderr
    # the host's own shell, in its home
    out = gw.ssh(gw.host["short_id"], "pwd; hostname", gw.password)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["/home", "sshcust"]


def test_input_reaches_the_command_and_ends(gw):
    out = subprocess.run([SSHPASS, "-p", gw.password] + gw.base(
        "-o", "PubkeyAuthentication=no") + ["%s@127.0.0.1" %
                                            gw.host["short_id"], "wc -c"],
        input="x" * 100000, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "100000"


def test_a_pty_session(gw):
    out = gw.ssh(gw.host["short_id"], "tty; stty size; echo $TERM",
                 gw.password, opts=("-tt",))
    assert out.returncode == 0, out.stderr
    lines = out.stdout.replace("\r", "").split("\n")
    assert lines[0].startswith("/dev/pts/"), out.stdout
    assert lines[2] != "", out.stdout


def set_size(fd, rows, cols):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


def test_a_terminal_and_its_window_changes(gw):
    """ssh on a terminal of 30x100 asks for a pty of that size; resized
    to 40x120, it sends a window change, which reaches the host."""
    pid, master = pty.fork()
    if pid == 0:
        # the size before ssh reads it for its pty request
        set_size(0, 30, 100)
        os.execvp(SSHPASS, [SSHPASS, "-p", gw.password] + gw.base(
            "-o", "PubkeyAuthentication=no", "-tt") +
            ["%s@127.0.0.1" % gw.host["short_id"],
             "stty size; read x; stty size"])
    out = b""
    deadline = time.monotonic() + 30
    resized = False
    while time.monotonic() < deadline:
        r, _, _ = select.select([master], [], [], 0.2)
        if r:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
        if b"30 100" in out and not resized:
            set_size(master, 40, 120)
            os.kill(pid, signal.SIGWINCH)
            time.sleep(0.5)
            os.write(master, b"go\r")
            resized = True
    if not os.waitpid(pid, os.WNOHANG)[0]:
        os.kill(pid, signal.SIGTERM)    # the session then ends too
        os.waitpid(pid, 0)
    text = out.decode(errors="replace")
    assert "30 100" in text, text
    assert "40 120" in text, text


def test_a_key_added_through_the_api_logs_in(gw):
    key = os.path.join(gw.tmp, "id_ed25519")
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f",
                    key], check=True)
    other = os.path.join(gw.tmp, "id_other")
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f",
                    other], check=True)
    # not yet the owner's: refused
    assert gw.ssh(gw.host["short_id"], "true", key=key).returncode == 255
    token = login(gw.s, "sshcust", "password-sshcust")[1]["token"]
    with open(key + ".pub") as f:
        status, body, _ = call(gw.s, "POST", "/v1/user/ssh-keys", token,
                               {"public_key": f.read().strip()})
    assert status == 201, body
    out = gw.ssh(gw.host["short_id"], "echo by-key", key=key)
    assert out.returncode == 0, out.stderr
    assert out.stdout == "by-key\n"
    # another key is still refused
    assert gw.ssh(gw.host["short_id"], "true", key=other).returncode == 255
    # whoever holds only the public key learns nothing of the account:
    # with the owner disabled, a probe is answered as for any key on
    # record, and only a signed attempt hears why it is refused
    public_only = os.path.join(gw.tmp, "public_only")
    os.makedirs(public_only, exist_ok=True)
    shutil.copy(key + ".pub", os.path.join(public_only, "id.pub"))
    uid = gw.user["id"]
    status, body, _ = call(gw.s, "PATCH", "/v1/admin/users/" + uid,
                           gw.admin, {"status": "disabled"})
    assert status == 200, body
    try:
        out = gw.ssh(gw.host["short_id"], "true",
                     key=os.path.join(public_only, "id"))
        assert out.returncode == 255 and "disabled" not in out.stderr, out
        out = gw.ssh(gw.host["short_id"], "true", key=key)
        assert out.returncode == 255
        assert "moat: account disabled" in out.stderr, out.stderr
    finally:
        status, body, _ = call(gw.s, "PATCH", "/v1/admin/users/" + uid,
                               gw.admin, {"status": "active"})
        assert status == 200, body


def test_scp_into_home_outlives_a_rebuild(gw):
    src = os.path.join(gw.tmp, "payload")
    data = os.urandom(300000)
    with open(src, "wb") as f:
        f.write(data)
    target = "%s@127.0.0.1:/home/payload" % gw.host["short_id"]
    out = gw.scp(gw.password, src, target)
    assert out.returncode == 0, out.stderr
    back = os.path.join(gw.tmp, "back")
    out = gw.scp(gw.password, target, back)
    assert out.returncode == 0, out.stderr
    with open(back, "rb") as f:
        assert f.read() == data
    # sftp itself
    out = subprocess.run([SSHPASS, "-p", gw.password, "sftp", "-P",
                          str(gw.s.ssh_port), "-o",
                          "StrictHostKeyChecking=no", "-o",
                          "UserKnownHostsFile=" + gw.known, "-o",
                          "PubkeyAuthentication=no", "%s@127.0.0.1" %
                          gw.host["short_id"]], input="ls -l /home\n",
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "payload" in out.stdout
    host_action(gw.s, gw.admin, gw.host["id"], "rebuild")
    out = gw.ssh(gw.host["short_id"], "wc -c < /home/payload", gw.password)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == str(len(data))


def askpass(gw, name):
    """An SSH_ASKPASS that counts its calls and answers wrongly."""
    count = os.path.join(gw.tmp, name + ".count")
    script = os.path.join(gw.tmp, name + ".sh")
    with open(script, "w") as f:
        f.write("#!/bin/sh\necho x >> %s\necho wrong-password\n" % count)
    os.chmod(script, stat.S_IRWXU)
    return script, count


def test_wrong_passwords_and_a_fourth_attempt(gw):
    # sshpass says 5 when the password is refused
    out = gw.ssh(gw.host["short_id"], "echo in", "not-the-password")
    assert out.returncode == 5 and out.stdout == "", out
    script, count = askpass(gw, "fourth")
    env = dict(os.environ, SSH_ASKPASS=script, SSH_ASKPASS_REQUIRE="force",
               DISPLAY=":0")
    out = gw.run(gw.base("-o", "PubkeyAuthentication=no", "-o",
                         "PreferredAuthentications=password", "-o",
                         "NumberOfPasswordPrompts=6") +
                 ["%s@127.0.0.1" % gw.host["short_id"], "true"], env=env)
    assert out.returncode == 255
    with open(count) as f:
        assert len(f.read().split()) == 3      # cut off before the fourth
    # an unknown short id, or a name that is none, is refused as a
    # wrong password is, and recorded
    out = gw.ssh("zzzzzzzzzz", "echo in", gw.password)
    assert out.returncode == 5 and out.stdout == "", out
    out = gw.ssh("root", "echo in", gw.password)
    assert out.returncode == 5 and out.stdout == "", out
    status, body, _ = call(gw.s, "GET", "/v1/admin/events?type="
                           "ssh.login_failed&limit=200", gw.admin)
    assert len(body["events"]) >= 6, body


def test_a_stopped_host_and_a_disabled_user_are_refused(gw):
    user, h, pw = new_host(gw.s, gw.admin, "sshother")
    assert gw.ssh(h["short_id"], "echo up", pw).stdout == "up\n"
    # another host's password is not this one's
    assert gw.ssh(h["short_id"], "true", gw.password).returncode == 5
    host_action(gw.s, gw.admin, h["id"], "stop")
    out = gw.ssh(h["short_id"], "echo up", pw)
    assert out.returncode == 5 and out.stdout == ""
    assert "moat: host is not running" in out.stderr
    host_action(gw.s, gw.admin, h["id"], "start")
    assert gw.ssh(h["short_id"], "echo up", pw).stdout == "up\n"
    status, body, _ = call(gw.s, "PATCH", "/v1/admin/users/" + user["id"],
                           gw.admin, {"status": "disabled"})
    assert status == 200, body
    out = gw.ssh(h["short_id"], "echo up", pw)
    assert out.returncode == 5 and out.stdout == ""
    assert "moat: account disabled" in out.stderr
    # a suspended user (the command API's suspend, as billing modules
    # set it) is refused as every other login refuses them
    status, body, _ = call(gw.s, "PATCH", "/v1/admin/users/" + user["id"],
                           gw.admin, {"status": "active"})
    assert status == 200, body
    assert gw.ssh(h["short_id"], "echo up", pw).stdout == "up\n"
    cce = Session(gw.s)
    st, a = cce.do("FIND", **{"class": "User", "args": {"name": "sshother"}})
    oid = int(a["data"]["oidlist"][0])
    st, a = cce.raw('SET %d suspend="1"' % oid)
    assert a["status"] == 201, a
    out = gw.ssh(h["short_id"], "echo up", pw)
    assert out.returncode == 5 and out.stdout == ""
    assert "moat: account suspended" in out.stderr
    st, a = cce.raw('SET %d suspend="0"' % oid)
    assert gw.ssh(h["short_id"], "echo up", pw).stdout == "up\n"


def test_a_host_under_attack_is_locked(gw):
    """Failures are counted per host, whatever the address: past 20 in
    five minutes even the right password waits."""
    user, h, pw = new_host(gw.s, gw.admin, "sshlocked")
    script, count = askpass(gw, "locked")
    env = dict(os.environ, SSH_ASKPASS=script, SSH_ASKPASS_REQUIRE="force",
               DISPLAY=":0")
    for _ in range(7):                  # 3 failures each
        out = gw.run(gw.base("-o", "PubkeyAuthentication=no", "-o",
                             "PreferredAuthentications=password") +
                     ["%s@127.0.0.1" % h["short_id"], "true"], env=env)
        assert out.returncode == 255
    out = gw.ssh(h["short_id"], "echo in", pw)
    assert out.returncode == 5 and out.stdout == ""
    assert "moat: too many attempts" in out.stderr
    # another host is not locked with it
    assert gw.ssh(gw.host["short_id"], "echo in", gw.password).stdout == \
        "in\n"


def gatewayd_children(s):
    pid = s.pid("gatewayd")
    with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
        return [int(c) for c in f.read().split()]


def test_a_connection_is_served_in_the_gateways_sandbox(gw):
    """Each connection's child keeps the gateway's user, chroot and
    seccomp filter, and none of its links."""
    # the connections of the tests before have ended
    wait_for(lambda: gatewayd_children(gw.s) == [], timeout=10)
    proc = subprocess.Popen([SSHPASS, "-p", gw.password] + gw.base(
        "-o", "PubkeyAuthentication=no") + ["%s@127.0.0.1" %
                                            gw.host["short_id"], "sleep 4"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL)
    try:
        kids = wait_for(lambda: gatewayd_children(gw.s), timeout=10)
        for kid in kids:
            with open("/proc/%d/status" % kid) as f:
                st = dict(l.split(":", 1) for l in f.read().splitlines())
            # the leak-checking pass runs without sandboxes
            if not LEAKCHECK:
                assert st["Seccomp"].strip() == "2"
                # a second filter of its own: it signals only itself
                # and makes no process (sandbox_seal_child)
                with open("/proc/%d/status" % gw.s.pid("gatewayd")) as f:
                    parent = dict(l.split(":", 1)
                                  for l in f.read().splitlines())
                assert int(st["Seccomp_filters"]) == \
                    int(parent["Seccomp_filters"]) + 1, st
                assert st["NoNewPrivs"].strip() == "1"
                assert int(st["Uid"].split()[0]) == int(
                    subprocess.check_output(["id", "-u", "_moatgw"]))
                assert os.readlink("/proc/%d/root" % kid) == \
                    os.path.join(gw.s.var, "empty")
                # and forks no further than the connections served
                with open("/proc/%d/limits" % kid) as f:
                    nproc = [l for l in f if l.startswith("Max processes")]
                assert nproc[0].split()[2:4] == ["144", "144"], nproc
            fds = [os.readlink("/proc/%d/fd/%s" % (kid, fd))
                   for fd in os.listdir("/proc/%d/fd" % kid)]
            assert all(t.startswith(("socket:", "anon_inode:", "pipe:"))
                       or t == "/dev/null" for t in fds), fds
            # the parent's links to moatd, authd and taskd are closed
            for fd in (3, 5, 7):
                assert not os.path.exists("/proc/%d/fd/%d" % (kid, fd))
    finally:
        assert proc.wait(30) == 0


def test_connections_per_address_are_capped(gw):
    """Eight connections of one address at once; a ninth is closed
    before the SSH banner."""
    held = []
    try:
        for _ in range(8):
            c = socket.create_connection(("127.0.0.1", gw.s.ssh_port), 5)
            c.settimeout(5)
            assert c.recv(64).startswith(b"SSH-2.0-")
            held.append(c)
        c = socket.create_connection(("127.0.0.1", gw.s.ssh_port), 5)
        c.settimeout(5)
        try:
            assert c.recv(64) == b""
        except ConnectionResetError:
            pass
        c.close()
    finally:
        for c in held:
            c.close()
    # the address is served again once they are gone
    assert wait_for(lambda: gw.ssh(gw.host["short_id"], "echo in",
                                   gw.password).stdout == "in\n")


def test_forwarding_is_refused(gw):
    out = gw.ssh(gw.host["short_id"], None, gw.password,
                 opts=("-W", "10.88.0.1:22"))
    assert out.returncode == 255
    assert "prohibited" in out.stderr or "failed" in out.stderr, out.stderr
    out = gw.ssh(gw.host["short_id"], "true", gw.password,
                 opts=("-o", "ExitOnForwardFailure=yes", "-R",
                       "127.0.0.1:0:169.254.169.254:80"))
    assert out.returncode == 255
    assert "forwarding failed" in out.stderr, out.stderr


def test_logins_and_failures_are_events(gw):
    gw.ssh(gw.host["short_id"], "true", "wrong-again")
    gw.ssh(gw.host["short_id"], "true", gw.password)
    for kind in ("ssh.login", "ssh.login_failed"):
        status, body, _ = call(gw.s, "GET", "/v1/admin/events?type=" + kind,
                               gw.admin)
        assert status == 200, body
        assert body["total"] >= 1, body
        text = repr(body["events"])
        assert "127.0.0.1" in text and "password" in text, text
        assert gw.host["short_id"] in text
    # the password is in no event and no log line
    status, body, _ = call(gw.s, "GET", "/v1/admin/events?limit=200",
                           gw.admin)
    assert gw.password not in repr(body)
    assert gw.password not in gw.s.log_text()


def scan(gw):
    out = subprocess.run(["ssh-keyscan", "-p", str(gw.s.ssh_port), "-t",
                          "ed25519", "127.0.0.1"], capture_output=True,
                         text=True, timeout=30)
    lines = [l for l in out.stdout.splitlines() if "ssh-ed25519" in l]
    assert len(lines) == 1, out
    return lines[0].split()[2]


def test_the_host_key_outlives_a_restart(gw):
    key = scan(gw)
    path = os.path.join(gw.s.var, "ssh_host_ed25519_key")
    st = os.stat(path)
    assert stat.S_IMODE(st.st_mode) == 0o600 and st.st_uid == 0
    # an image of an older moat, without sftp-server, gets it again
    sftp = os.path.join(gw.s.var, "task", "image", "usr", "lib", "openssh",
                        "sftp-server")
    assert os.path.exists(sftp)
    gw.s.stop()
    os.unlink(sftp)
    gw.s.start()
    assert scan(gw) == key
    assert wait_for(lambda: os.path.exists(sftp), timeout=10)
    # and the gateway serves again with the same known_hosts
    out = gw.ssh(gw.host["short_id"], "echo again", gw.password,
                 opts=("-o", "StrictHostKeyChecking=yes"))
    assert out.stdout == "again\n", out.stderr


class PlainSuite(Suite):
    """A suite started from a moatd.conf of its own, without the
    "listen ssh" that scripts/run.sh always writes."""

    def start(self, wait=True):
        conf = os.path.join(self.var, "moatd.conf")
        with open(conf, "w") as f:
            f.write('var "%s"\nlisten on 127.0.0.1 port %d\n'
                    'cce schema "%s/etc/cce.schema"\n'
                    % (self.var, self.port, TOP))
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [os.path.join(BINDIR, "moatd"), "-d", "-f", conf], cwd=TOP,
            env=self.env(), stdin=subprocess.DEVNULL, stdout=self.log,
            stderr=subprocess.STDOUT, start_new_session=True)
        if wait:
            self.wait_ready()
        return self


def test_no_listen_ssh_no_gateway(tmp_path):
    s = PlainSuite(tmp_path, "", "nossh")
    try:
        s.start()
        procs = s.status()
        assert "gatewayd" not in procs
        assert set(procs) == {"moatd", "frontd", "authd", "stored", "taskd"}
        assert not os.path.exists(os.path.join(s.var,
                                               "ssh_host_ed25519_key"))
        # the others run and answer, with no link to a gateway
        assert s.request("GET", "/healthz")[0] == 200
        assert call(s, "POST", "/v1/auth/login", None, {
            "username": "admin", "password": "wrong"})[0] == 401
    finally:
        finish(s)
