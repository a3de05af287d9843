"""The customer's way in, whole (issue 13): a host's access command (the
entry link piped into bash) and the bootstrap script, each run by bash
on a terminal with the real ssh and sshpass, end in a shell on the host
through the SSH gateway, where a command typed runs and its output comes
back.  test_entry.py and test_bootstrap_sessions.py check the scripts'
every branch up to ssh; test_ssh_gateway.py the gateway."""
import os
import shutil

import pytest

from entryhelp import (admin_token, gateway_suite, host_action, make_host,
                       rotate, run_on_pty, script_env)

# what the host's shell prints for a command no other line contains
COMMAND = "echo way-in-$((6 * 7)) $(cat /proc/1/comm); exit"


@pytest.fixture(scope="module")
def s(tmp_path_factory):
    assert shutil.which("ssh") and shutil.which("sshpass"), \
        "ssh and sshpass are needed (scripts/deps.sh)"
    yield from gateway_suite(tmp_path_factory, "wayin")


@pytest.fixture(scope="module")
def world(s):
    admin = admin_token(s)
    user, host = make_host(s, admin, "wayincust", "password-wayin")
    return {"admin": admin, "host": host,
            "password": rotate(s, admin, host["id"])}


def real_env(tmp_path, s):
    """The scripts' environment with the machine's own ssh and sshpass."""
    bindir = str(tmp_path / "nothing")
    os.makedirs(bindir, exist_ok=True)
    return script_env(tmp_path, s, bindir)


def in_the_host(out):
    # the echo ran in the host: its pid 1 is the container's, not init
    lines = [line for line in out.splitlines() if "way-in-42" in line and
             "echo" not in line]
    assert lines, out
    assert "systemd" not in lines[0] and "init" not in lines[0], lines


def test_the_access_command_ends_in_a_shell(s, world, tmp_path):
    sid = world["host"]["short_id"]
    assert world["host"]["access_command"].endswith(
        "/entry/%s | bash" % sid)
    link = "curl -sSfk https://127.0.0.1:%d/entry/%s | bash" % (s.port, sid)
    code, out = run_on_pty(link, [("Password for %s: " % sid,
                                   world["password"]), ("# ", COMMAND)],
                           real_env(tmp_path, s))
    assert code == 0, out
    assert world["password"] not in out
    in_the_host(out)


def test_the_bootstrap_script_starts_the_host_and_ends_in_a_shell(
        s, world, tmp_path):
    admin, h = world["admin"], world["host"]
    host_action(s, admin, h["id"], "stop")
    cmd = "curl -sSfk https://127.0.0.1:%d/v1/bootstrap/script | bash" % \
        s.port
    code, out = run_on_pty(cmd, [("Username: ", "wayincust"),
                                 ("Password: ", "password-wayin"),
                                 ("password: ", world["password"]),
                                 ("# ", COMMAND)],
                           real_env(tmp_path, s), 150)
    assert code == 0, out
    in_the_host(out)
