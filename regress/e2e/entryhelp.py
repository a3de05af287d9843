"""What test_entry.py and test_bootstrap_sessions.py share: a suite with
an SSH gateway port of its own, real hosts, the scripts run by bash on a
pty, and a recording ssh (and sshpass) first on PATH.  The gateway
itself is another branch's (issue 13): these tests stop where a script
runs ssh, and assert on the arguments it ran it with."""
import json
import os
import pty
import select
import shutil
import stat
import subprocess
import tempfile
import time

from identity import admin_token, call, make_user
from suite import TOP, Suite, finish


# every suite has a gateway port of its own (suite.py)
GatewaySuite = Suite


def gateway_suite(tmp_path_factory, name, conf=""):
    s = GatewaySuite(tmp_path_factory.mktemp(name), conf)
    s.start()
    yield s
    finish(s)


def wait_for(what, timeout=30, step=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = what()
        if value:
            return value
        time.sleep(step)
    raise AssertionError("timed out waiting")


def task_done(s, admin, task_id, timeout=60):
    def done():
        status, body, _ = call(s, "GET", "/v1/admin/tasks?limit=200", admin)
        assert status == 200, body
        for t in body["tasks"]:
            if t["task_id"] == task_id and t["status"] in (
                    "succeeded", "failed"):
                return t
        return None
    return wait_for(done, timeout)


def host_status(s, admin, host_id):
    status, body, _ = call(s, "GET", "/v1/admin/hosts/" + host_id, admin)
    assert status == 200, body
    return body["host"]["status"]


def make_host(s, admin, username, password):
    """A user and their running host."""
    user = make_user(s, admin, username, password)
    status, body, _ = call(s, "POST", "/v1/admin/hosts", admin,
                           {"user_id": user["id"], "memory_limit_mb": 96,
                            "pids_limit": 48, "cpu_limit": 0.5})
    assert status == 202, body
    t = task_done(s, admin, body["task_id"])
    assert t["status"] == "succeeded", t
    return user, body["host"]


def host_action(s, admin, host_id, action):
    status, body, _ = call(s, "POST", "/v1/admin/hosts/%s/%s" %
                           (host_id, action), admin)
    assert status == 202, body
    t = task_done(s, admin, body["task_id"])
    assert t["status"] == "succeeded", t


def rotate(s, admin, host_id):
    status, body, _ = call(s, "POST", "/v1/admin/hosts/%s/rotate-ssh-password"
                           % host_id, admin)
    assert status == 200, body
    return body["ssh_password"]


def set_status(s, admin, user_id, value):
    status, body, _ = call(s, "PATCH", "/v1/admin/users/" + user_id, admin,
                           {"status": value})
    assert status == 200 and body["status"] == value, body


def script_source(name, base, short_id=""):
    with open(os.path.join(TOP, "frontd", "scripts", name)) as f:
        text = f.read()
    return text.replace("@BASE@", base).replace("@SHORT_ID@", short_id)


def shellchecked(script):
    """bash parses the script and shellcheck (scripts/deps.sh) finds
    nothing in it."""
    with tempfile.NamedTemporaryFile(suffix=".sh") as f:
        f.write(script)
        f.flush()
        out = subprocess.run(["bash", "-n", f.name], capture_output=True,
                             text=True)
        assert out.returncode == 0, out.stderr
        out = subprocess.run(["shellcheck", "-s", "bash", f.name],
                             capture_output=True, text=True)
        assert out.returncode == 0, out.stdout


# -- a recording ssh -------------------------------------------------------

RECORDER = r'''#!/usr/bin/python3
import json, os, subprocess, sys
rec = {"prog": os.path.basename(sys.argv[0]), "argv": sys.argv[1:],
       "SSHPASS": os.environ.get("SSHPASS"),
       "SSH_ASKPASS_REQUIRE": os.environ.get("SSH_ASKPASS_REQUIRE")}
if sys.argv[1:] == ["-V"]:
    sys.stderr.write("OpenSSH_9.2p1 Debian-2, OpenSSL 3.0.11\n")
    sys.exit(0)
if os.environ.get("SSH_ASKPASS"):
    rec["askpass"] = subprocess.run([os.environ["SSH_ASKPASS"]],
                                    capture_output=True,
                                    text=True).stdout
with open(os.environ["MOAT_RECORD"], "a") as f:
    f.write(json.dumps(rec) + "\n")
'''

# what the scripts run besides ssh, for a PATH without sshpass
TOOLS = ("bash", "curl", "grep", "head", "cut", "stty", "sed", "mktemp",
         "chmod", "rm", "tr", "sleep", "cat", "env")


def fake_bin(directory, with_sshpass=True, only=False):
    """A directory with a recording ssh (and sshpass); with only, also
    the tools the scripts need and nothing else (no real sshpass)."""
    os.makedirs(directory, exist_ok=True)
    names = ["ssh"] + (["sshpass"] if with_sshpass else [])
    for name in names:
        path = os.path.join(directory, name)
        with open(path, "w") as f:
            f.write(RECORDER)
        os.chmod(path, stat.S_IRWXU)
    if only:
        for tool in TOOLS:
            os.symlink(shutil.which(tool), os.path.join(directory, tool))
    return directory


def records(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def run_on_pty(command, answers, env, timeout=60):
    """Runs command with bash on a new pty (its controlling terminal),
    typing each answer once its prompt has appeared after the one
    before; (exit status, everything written to the terminal)."""
    pid, fd = pty.fork()
    if pid == 0:
        os.execve("/bin/bash", ["bash", "-c", command], env)
    out, seen, pending = b"", 0, list(answers)
    deadline = time.monotonic() + timeout
    status = None
    try:
        while status is None and time.monotonic() < deadline:
            if select.select([fd], [], [], 0.2)[0]:
                try:
                    out += os.read(fd, 4096)
                except OSError:     # EIO: the child side is closed
                    pass
            while pending:
                at = out.find(pending[0][0].encode(), seen)
                if at < 0:
                    break
                seen = at + len(pending[0][0])
                os.write(fd, pending.pop(0)[1].encode() + b"\n")
            done, st = os.waitpid(pid, os.WNOHANG)
            if done:
                status = st
        if status is None:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
            raise AssertionError("timed out; the terminal showed:\n" +
                                 out.decode(errors="replace"))
        while select.select([fd], [], [], 0.1)[0]:
            try:
                data = os.read(fd, 4096)
            except OSError:
                break
            if not data:
                break
            out += data
    finally:
        os.close(fd)
    return os.waitstatus_to_exitcode(status), out.decode(errors="replace")


def script_env(tmp, s, path_dir, only=False):
    env = {"HOME": str(tmp), "TERM": "dumb",
           "MOAT_CURL_OPTS": "-k",
           "MOAT_RECORD": os.path.join(str(tmp), "ssh.record"),
           "PATH": path_dir if only else path_dir + ":" +
           os.environ.get("PATH", "/usr/bin:/bin")}
    return env


__all__ = ["GatewaySuite", "gateway_suite", "admin_token", "call",
           "make_host", "host_action", "host_status", "rotate",
           "set_status", "script_source", "shellchecked", "fake_bin", "records",
           "run_on_pty", "script_env", "task_done", "wait_for"]
