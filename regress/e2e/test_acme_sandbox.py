"""The ACME worker's seccomp filter kills it (issue 11).  A test build's
trigger (MOAT_TEST_ACME_FORBIDDEN, compiled into test builds alone) has
each worker make a forbidden call (execve) once it is sandboxed; the test
build's spawner puts a process between itself and each worker that logs
how the worker ended.  The task is not done, and nothing else dies."""
import re
import time

from identity import admin_token, call, make_user
from test_dns_providers import session

CONF = 'acme directory "pebble" url "https://127.0.0.1:1/dir"\n'


def test_a_forbidden_call_kills_the_acme_worker(make_suite, monkeypatch):
    monkeypatch.setenv("MOAT_TEST_ACME_FORBIDDEN", "1")
    s = make_suite(conf=CONF)
    pids = {p: s.pid(p) for p in ("moatd", "taskd", "authd", "stored")}
    uid = make_user(s, admin_token(s), "carol", "carol-password")["oid"]
    h = session(s, "carol", "carol-password")
    status, body, _ = call(s, "POST", "/apiv1/users/%d/acme-accounts" % uid,
                           body={"email": "carol@example.test",
                                 "directory": "pebble"}, headers=h)
    assert status == 201, body
    status, body, _ = call(s, "POST", "/apiv1/users/%d/certificates" % uid,
                           body={"domain": "sandbox.example.test",
                                 "acme_account_id": body["data"]["id"]},
                           headers=h)
    assert status == 202, body
    cert = body["data"]["id"]
    killed = None
    deadline = time.time() + 20
    while time.time() < deadline:
        log = s.log_text()
        killed = re.search(r"acme worker (\d+): killed by signal 31", log)
        if killed:
            break
        time.sleep(0.2)
    assert killed, log[-4000:]
    assert "test hook: making a forbidden system call (execve)" in log
    # its certificate is not issued; every process lives on
    status, body, _ = call(s, "GET", "/apiv1/users/%d/certificates/%s" %
                           (uid, cert), headers=h)
    assert status == 200 and body["data"]["status"] != "issued", body
    assert {p: s.pid(p) for p in pids} == pids
