"""Entry short links (issue 13): GET /entry/{shortId} serves the script
a host's access_command pipes into bash, and POST
/v1/entry/{shortId}/auth checks the host's entry password in authd,
password before state, under the login limits, with events.  The
script runs on a pty up to its ssh (a recording ssh and sshpass first
on PATH; the SSH gateway itself is another branch's, and the lead adds
the end-to-end login once both are merged)."""
import http.client
import json
import os
import threading
import time

import pytest
from suite import finish

from entryhelp import (GatewaySuite, admin_token, call, fake_bin,
                       gateway_suite,
                       host_action, make_host, records, rotate, run_on_pty,
                       script_env, script_source, set_status,
                       shellchecked)

# a small per-address limit, so that its 429 comes after few delays
CONF = "limit auth failures 5\n"


@pytest.fixture(scope="module")
def s(tmp_path_factory):
    yield from gateway_suite(tmp_path_factory, "entry", CONF)


@pytest.fixture(scope="module")
def world(s):
    """A user with a running host and its entry password."""
    admin = admin_token(s)
    user, host = make_host(s, admin, "entrycust", "password-entry")
    return {"admin": admin, "user": user, "host": host,
            "password": rotate(s, admin, host["id"])}


def auth(s, short_id, body, source=None):
    status, hdrs, raw = s.request(
        "POST", "/v1/entry/%s/auth" % short_id,
        body if isinstance(body, bytes) else json.dumps(body).encode(),
        {"Content-Type": "application/json"}, source)
    return status, (json.loads(raw) if raw else None), hdrs, raw


def events(s, admin, kind):
    status, body, _ = call(s, "GET", "/v1/admin/events?limit=200&type=" +
                           kind, admin)
    assert status == 200, body
    return body["events"]


def test_script_is_served_for_a_host(s, world):
    sid = world["host"]["short_id"]
    status, hdrs, raw = s.request("GET", "/entry/" + sid)
    assert status == 200
    assert hdrs["Content-Type"].startswith("text/x-shellscript")
    base = "https://127.0.0.1:%d" % s.port
    assert raw.decode() == script_source("entry.sh", base, sid)
    shellchecked(raw)
    # the access command names the same link
    assert "/entry/%s | bash" % sid in world["host"]["access_command"]


def test_script_unknown_and_odd_short_ids(s, world):
    for path in ("/entry/zzzzzzzzzz", "/entry/ABCDEFGHIJ", "/entry/abc",
                 "/entry/" + "a" * 300, "/entry/%00%01%02abcdef",
                 "/entry/%27%3B%20rm", "/entry/..%2F..%2Fetc",
                 "/entry/%ff%fe%fd%fc%fb%fa%f9%f8%f7%f6"):
        status, hdrs, raw = s.request("GET", path)
        assert status in (404, 400), (path, status, raw)
        body = json.loads(raw)
        assert set(body) == {"error"}, body
        if status == 404:
            assert body["error"] in ("no host assigned", "not found"), body
    # still serving
    status, _, _ = s.request("GET", "/entry/" + world["host"]["short_id"])
    assert status == 200


def test_auth_ready(s, world):
    sid = world["host"]["short_id"]
    status, body, _, raw = auth(s, sid, {"password": world["password"]})
    assert status == 200, body
    assert body == {"ssh_user": sid, "ssh_pass": world["password"],
                    "ssh_host": "127.0.0.1", "ssh_port": s.ssh_port,
                    "status": "ready"}
    # compact, and the port a number, for the scripts' grep
    assert b'"ssh_port":%d' % s.ssh_port in raw and b", " not in raw
    ok = [e for e in events(s, world["admin"], "auth.success")
          if "entry:" + sid in json.dumps(e)]
    assert ok and ok[0]["message"] == "entry password verified", ok


def test_auth_errors(s, world):
    sid = world["host"]["short_id"]
    src = "127.0.0.21"
    for body in ({}, {"password": ""}, {"password": None},
                 {"password": 12}, {"username": "x"}):
        status, answer, _, _ = auth(s, sid, body, src)
        assert status == 400 and answer == {
            "error": "password is required"}, (body, answer)
    status, answer, _, _ = auth(s, sid, b"{not json", src)
    assert status == 400 and "error" in answer
    # oversized: refused before authd
    status, answer, _, _ = auth(s, sid, {"password": "x" * 5000}, src)
    assert status == 400, answer
    status, answer, _, _ = auth(s, sid, {"password": "wrong-one"}, src)
    assert status == 401 and answer == {"error": "invalid credentials"}
    status, answer, _, _ = auth(s, "zzzzzzzzzz", {"password": "x"},
                                "127.0.0.22")
    assert status == 404 and answer == {"error": "no host assigned"}
    for odd in ("ABCDEFGHIJ", "%00aaaaaaaaa", "a" * 200, "%ff" * 10):
        status, answer, _, _ = auth(s, odd, {"password": "x"}, "127.0.0.22")
        assert status in (400, 404) and set(answer) == {"error"}, odd
    bad = [e for e in events(s, world["admin"], "auth.failed")
           if "entry:" + sid in json.dumps(e)]
    assert any(e["message"] == "wrong entry password" for e in bad), bad
    assert all(world["password"] not in json.dumps(e) for e in bad)


def test_wrong_password_before_state(s, world):
    """A disabled owner with a wrong password gets 401, as anyone does;
    only the right password learns that the account is disabled."""
    sid = world["host"]["short_id"]
    admin, user = world["admin"], world["user"]
    set_status(s, admin, user["id"], "disabled")
    try:
        status, answer, _, _ = auth(s, sid, {"password": "not-it"},
                                    "127.0.0.31")
        assert status == 401 and answer == {"error": "invalid credentials"}
        status, answer, _, _ = auth(s, sid, {"password": world["password"]},
                                    "127.0.0.31")
        assert status == 403 and answer == {"error": "account disabled"}
    finally:
        set_status(s, admin, user["id"], "active")
    status, answer, _ = call(s, "PUT", "/v1/admin/users/%s/expiry" %
                             user["id"], admin,
                             {"expires_at": "2020-01-01T00:00:00Z"})
    assert status == 200, answer
    try:
        status, answer, _, _ = auth(s, sid, {"password": "not-it"},
                                    "127.0.0.32")
        assert status == 401
        status, answer, _, _ = auth(s, sid, {"password": world["password"]},
                                    "127.0.0.32")
        assert status == 403 and answer == {"error": "account expired"}
    finally:
        call(s, "PUT", "/v1/admin/users/%s/expiry" % user["id"], admin,
             {"expires_at": None})
    status, _, _, _ = auth(s, sid, {"password": world["password"]},
                           "127.0.0.32")
    assert status == 200


def test_not_ready_while_stopped(s, world):
    sid, admin = world["host"]["short_id"], world["admin"]
    host_action(s, admin, world["host"]["id"], "stop")
    try:
        status, answer, _, _ = auth(s, sid, {"password": world["password"]},
                                    "127.0.0.41")
        assert status == 200 and answer["status"] == "not_ready", answer
        assert set(answer) == {"status", "message"}
        assert "stopped" in answer["message"]
        # a wrong password learns nothing of the host's state
        status, answer, _, _ = auth(s, sid, {"password": "nope"},
                                    "127.0.0.41")
        assert status == 401
    finally:
        host_action(s, admin, world["host"]["id"], "start")
    status, answer, _, _ = auth(s, sid, {"password": world["password"]},
                                "127.0.0.41")
    assert answer["status"] == "ready"


def test_no_password_made_is_invalid(s, world):
    """A host whose password was never made (none is, before the first
    rotate) takes no password at all."""
    admin = world["admin"]
    _, host = make_host(s, admin, "entrynopw", "password-nopw")
    for guess in ("", "x", "password-nopw"):
        status, answer, _, _ = auth(s, host["short_id"],
                                    {"password": guess or " "},
                                    "127.0.0.51")
        assert status == 401, answer
    call(s, "DELETE", "/v1/admin/hosts/" + host["id"], admin)


def test_limits(s, world):
    """The address limit (5 here) is the logins': the sixth wrong
    password is 429 with Retry-After, and so is the right one then; the
    host's own schedule slows guesses from many addresses."""
    sid = world["host"]["short_id"]
    src = "127.0.0.61"
    codes = []
    for _ in range(6):
        status, answer, hdrs, _ = auth(s, sid, {"password": "guess"}, src)
        codes.append(status)
    assert codes == [401] * 5 + [429], codes
    assert int(hdrs["Retry-After"]) > 0
    status, _, _, _ = auth(s, sid, {"password": world["password"]}, src)
    assert status == 429
    # another address: the host has failures, so its attempts wait
    t0 = time.monotonic()
    status, _, _, _ = auth(s, sid, {"password": "guess"}, "127.0.0.62")
    assert status == 401 and time.monotonic() - t0 >= 0.9
    # the right password from a fresh address still gets in, and resets
    status, answer, _, _ = auth(s, sid, {"password": world["password"]},
                                "127.0.0.63")
    assert status == 200 and answer["status"] == "ready"
    t0 = time.monotonic()
    status, _, _, _ = auth(s, sid, {"password": "guess"}, "127.0.0.64")
    assert status == 401 and time.monotonic() - t0 < 0.9


def test_strangers_cannot_keep_the_hosts_users_out(tmp_path):
    """Strangers who keep a host's schedule full get 429, and so would
    anyone at a new address; an address that got in before has a
    schedule of its own and gets in within the usual delay (as logins,
    test_limits.py)."""
    g = GatewaySuite(tmp_path, "limit auth failures 1000\n", "strangers")
    g.start()
    try:
        admin = admin_token(g)
        _, host = make_host(g, admin, "entryowner", "password-owner")
        sid, pw = host["short_id"], rotate(g, admin, host["id"])
        assert auth(g, sid, {"password": pw}, "127.0.0.5")[0] == 200
        done = threading.Event()

        def guess(i):
            conn = g.connection(timeout=30, source="127.0.0.6")
            try:
                conn.request("POST", "/v1/entry/%s/auth" % sid,
                             json.dumps({"password": "guess-%d" % i}),
                             {"Content-Type": "application/json"})
                conn.getresponse().read()
            except (OSError, http.client.HTTPException):
                pass
            finally:
                conn.close()

        def attack():
            while not done.is_set():
                burst = [threading.Thread(target=guess, args=(i,))
                         for i in range(8)]
                for t in burst:
                    t.start()
                for t in burst:
                    t.join(40)

        attacker = threading.Thread(target=attack)
        attacker.start()
        try:
            time.sleep(3)
            status, _, hdrs, _ = auth(g, sid, {"password": pw}, "127.0.0.7")
            assert status == 429 and int(hdrs["Retry-After"]) > 0, status
            t0 = time.monotonic()
            status, answer, _, _ = auth(g, sid, {"password": pw},
                                        "127.0.0.5")
            assert status == 200 and answer["status"] == "ready", answer
            assert time.monotonic() - t0 < 12
        finally:
            done.set()
            attacker.join(60)
    finally:
        finish(g)


def test_connection_info(s, world):
    admin, h = world["admin"], world["host"]
    status, body, _ = call(s, "GET", "/v1/admin/hosts/" + h["id"], admin)
    assert status == 200
    ci = body["host"]["connection_info"]
    assert ci == {
        "ssh_command": "ssh -p %d %s@127.0.0.1" % (s.ssh_port,
                                                  h["short_id"]),
        "ssh_port": s.ssh_port,
        "curl_command": "curl -sSf https://127.0.0.1:%d/entry/%s | bash"
        % (s.port, h["short_id"]),
        "vnc_url": "/v1/admin/hosts/%s/vnc/" % h["id"]}
    status, tok = s.json("POST", "/v1/auth/login", json.dumps(
        {"username": "entrycust", "password": "password-entry"}).encode(),
        {"Content-Type": "application/json"})
    assert status == 200, tok
    status, body, _ = call(s, "GET", "/v1/user/hosts/" + h["id"],
                           tok["token"])
    assert status == 200, body
    ci = body["host"]["connection_info"]
    assert ci["vnc_url"] == "/v1/user/hosts/%s/vnc/" % h["id"]
    assert ci["ssh_port"] == s.ssh_port


# -- the script itself, on a pty ---------------------------------------------

def link(s, sid):
    return "curl -sSfk https://127.0.0.1:%d/entry/%s | bash" % (s.port, sid)


def test_script_runs_sshpass(s, world, tmp_path):
    sid = world["host"]["short_id"]
    env = script_env(tmp_path, s, fake_bin(str(tmp_path / "bin")))
    code, out = run_on_pty(link(s, sid), [("Password for %s: " % sid,
                                            world["password"])], env)
    assert code == 0, out
    assert world["password"] not in out      # not echoed
    rec = records(env["MOAT_RECORD"])
    assert len(rec) == 1, rec
    assert rec[0]["prog"] == "sshpass" and rec[0]["argv"] == [
        "-e", "ssh", "-p", str(s.ssh_port), "-o",
        "StrictHostKeyChecking=accept-new", "%s@127.0.0.1" % sid]
    assert rec[0]["SSHPASS"] == world["password"]


def test_script_runs_ssh_askpass(s, world, tmp_path):
    """Without sshpass: ssh's own SSH_ASKPASS gives it the password."""
    sid = world["host"]["short_id"]
    env = script_env(tmp_path, s, fake_bin(str(tmp_path / "bin"),
                                           with_sshpass=False, only=True),
                     only=True)
    env["TMPDIR"] = str(tmp_path / "tmp")
    os.mkdir(env["TMPDIR"])
    code, out = run_on_pty(link(s, sid), [("Password for %s: " % sid,
                                            world["password"])], env)
    assert code == 0, out
    rec = records(env["MOAT_RECORD"])
    assert len(rec) == 1, rec
    assert rec[0]["prog"] == "ssh" and rec[0]["argv"] == [
        "-p", str(s.ssh_port), "-o", "StrictHostKeyChecking=accept-new",
        "%s@127.0.0.1" % sid]
    assert rec[0]["askpass"] == world["password"] + "\n"
    assert rec[0]["SSH_ASKPASS_REQUIRE"] == "force"
    # the helper (which holds no password: it reads the environment) is
    # gone
    assert os.listdir(env["TMPDIR"]) == []


def test_script_exit_codes(s, world, tmp_path):
    sid, admin, user = (world["host"]["short_id"], world["admin"],
                        world["user"])
    env = script_env(tmp_path, s, fake_bin(str(tmp_path / "bin")))
    prompt = "Password for %s: " % sid
    # auth_invalid
    code, out = run_on_pty(link(s, sid), [(prompt, "wrong")], env)
    assert code == 10, out
    assert "invalid credentials" in out
    # account_disabled, with the right password
    set_status(s, admin, user["id"], "disabled")
    try:
        code, out = run_on_pty(link(s, sid), [(prompt, world["password"])],
                               env)
        assert code == 11, out
    finally:
        set_status(s, admin, user["id"], "active")
    # host_not_found: a script for a host that went away
    status, _, raw = s.request("GET", "/entry/" + sid)
    script = tmp_path / "gone.sh"
    script.write_text(raw.decode().replace(sid, "q" * 10))
    code, out = run_on_pty("bash %s" % script,
                           [("Password for %s: " % ("q" * 10), "x")], env)
    assert code == 13, out
    # a network error: 2 (nothing listens on port 1)
    script.write_text(raw.decode().replace(
        "https://127.0.0.1:%d" % s.port, "https://127.0.0.1:1"))
    code, out = run_on_pty("bash %s" % script, [(prompt, "x")], env)
    assert code == 2, out
    # not ready: 15
    host_action(s, admin, world["host"]["id"], "stop")
    try:
        code, out = run_on_pty(link(s, sid), [(prompt, world["password"])],
                               env)
        assert code == 15, out
    finally:
        host_action(s, admin, world["host"]["id"], "start")
    assert records(env["MOAT_RECORD"]) == []    # ssh never ran
