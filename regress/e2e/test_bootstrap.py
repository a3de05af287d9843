"""First start: state directory, keys, certificate, and the first admin."""
import os
import re
import sqlite3
import ssl
import stat
import subprocess
import time

import pytest

from suite import LEAKCHECK

# the leak-check run keeps every process as root
DROPS = os.geteuid() == 0 and not LEAKCHECK


def mode(path):
    return stat.S_IMODE(os.lstat(path).st_mode)


def test_first_start_creates_admin_once(make_suite):
    s = make_suite()
    pw_path = os.path.join(s.var, "admin.password")
    # the password file comes right after the suite is ready
    for _ in range(100):
        if os.path.exists(pw_path):
            break
        time.sleep(0.05)
    with open(pw_path) as f:
        password = f.read().strip()
    assert re.fullmatch(r"[A-Za-z0-9]{20}", password)
    assert mode(pw_path) == 0o600
    for _ in range(100):      # the file is written just before the print
        log = s.log_text()
        if password in log:
            break
        time.sleep(0.05)
    assert log.count(password) == 1      # printed once, on stdout
    assert 'created the user "admin"' in log
    assert "/v1/auth/login" in log
    s.stop()

    db = sqlite3.connect(os.path.join(s.var, "db", "moat.db"))
    rows = db.execute("SELECT username, role, status, password_hash, id "
                      "FROM users").fetchall()
    assert len(rows) == 1
    name, role, status, hash_, uid = rows[0]
    assert (name, role, status) == ("admin", "admin", "active")
    assert hash_.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert password not in hash_
    assert re.fullmatch(r"[0-9a-f-]{36}", uid)
    events = db.execute("SELECT type, user_id FROM events").fetchall()
    assert events == [("admin.user.create", uid)]
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.close()

    # a second start keeps the user and says nothing about a password
    s.start()
    s.stop()
    log2 = s.log_text()
    assert log2.count('created the user "admin"') == 1
    with open(pw_path) as f:
        assert f.read().strip() == password


def test_state_directory_layout(suite):
    var = suite.var
    assert mode(os.path.join(var, "master.key")) == 0o600
    assert os.path.getsize(os.path.join(var, "master.key")) == 32
    assert mode(os.path.join(var, "tls", "server.key")) == 0o600
    assert mode(os.path.join(var, "db")) == 0o700
    # searchable by the hosts' unprivileged roots, on their way to the
    # image; what lies under it keeps its own modes
    assert mode(os.path.join(var, "task")) == 0o711
    for private in ("hosts", "volumes"):
        path = os.path.join(var, "task", private)
        assert not os.path.exists(path) or mode(path) == 0o700
    assert os.listdir(os.path.join(var, "empty")) == []
    if DROPS:
        import pwd
        assert os.stat(os.path.join(var, "db")).st_uid == \
            pwd.getpwnam("_moatdb").pw_uid
        assert os.stat(os.path.join(var, "db", "moat.db")).st_uid == \
            pwd.getpwnam("_moatdb").pw_uid
        assert os.stat(os.path.join(var, "master.key")).st_uid == 0


def test_served_certificate_is_the_generated_one(suite):
    pem = ssl.get_server_certificate(("127.0.0.1", suite.port))
    with open(os.path.join(suite.var, "tls", "server.crt")) as f:
        assert f.read().strip() == pem.strip()
    text = subprocess.run(["openssl", "x509", "-noout", "-text"],
                          input=pem, capture_output=True, text=True).stdout
    assert "IP Address:127.0.0.1" in text
    assert "DNS:localhost" in text


def test_tls_is_verifiable_with_the_generated_certificate(suite):
    ctx = ssl.create_default_context(
        cafile=os.path.join(suite.var, "tls", "server.crt"))
    import http.client
    conn = http.client.HTTPSConnection("127.0.0.1", suite.port,
                                       context=ctx, timeout=5)
    conn.request("GET", "/healthz")
    assert conn.getresponse().status == 200
    conn.close()
    # and curl, a real client, agrees
    out = subprocess.run(
        ["curl", "-sS", "--cacert",
         os.path.join(suite.var, "tls", "server.crt"),
         "https://127.0.0.1:%d/healthz" % suite.port],
        capture_output=True, text=True)
    assert out.returncode == 0
    assert '"database":"ok"' in out.stdout


def s_client(port, *args):
    return subprocess.run(
        ["openssl", "s_client", "-connect", "127.0.0.1:%d" % port, *args],
        input="", capture_output=True, text=True, timeout=10)


def test_old_tls_versions_are_refused(suite):
    # the client is told to allow TLS 1.1: the server must say no
    out = s_client(suite.port, "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0")
    assert "alert protocol version" in out.stdout + out.stderr
    out = s_client(suite.port, "-tls1_2")
    assert "Protocol  : TLSv1.2" in out.stdout
    assert "ECDHE" in out.stdout


def test_master_key_with_loose_mode_is_refused(make_suite):
    s = make_suite()
    s.stop()
    os.chmod(os.path.join(s.var, "master.key"), 0o644)
    s.start(wait=False)
    assert s.wait_exit(10) == 1
    assert "readable by others" in s.log_text()
