"""SSH keys through control plane v1 and account v2: every accepted type
fingerprinted as the real ssh-keygen does, every malformed key refused
with nothing stored, generated pairs that ssh-keygen reads, the owner
rules, the events, and moatctl authorized-keys for sshd."""
import base64
import json
import os
import struct
import subprocess
import time

import pytest

from identity import admin_token, call, login, make_user, moatctl
from suite import CHILDREN
from test_account_identity import new_pair, signed

TYPES = [("ed25519", []), ("ecdsa", ["-b", "256"]), ("ecdsa", ["-b", "384"]),
         ("ecdsa", ["-b", "521"]), ("rsa", ["-b", "2048"]),
         ("rsa", ["-b", "3072"])]


def keygen(tmp, kind, extra, name):
    path = os.path.join(str(tmp), name)
    subprocess.run(["ssh-keygen", "-q", "-t", kind, *extra, "-N", "",
                    "-C", name + "@test", "-f", path], check=True)
    with open(path + ".pub") as f:
        return path, f.read()


def fingerprint_of(line, tmp):
    path = os.path.join(str(tmp), "fp.pub")
    with open(path, "w") as f:
        f.write(line)
    out = subprocess.run(["ssh-keygen", "-l", "-E", "sha256", "-f", path],
                         capture_output=True, text=True, check=True).stdout
    return out.split()[1]


def wire(*parts):
    return b"".join(struct.pack(">I", len(p)) + p for p in parts)


def sk_keys(tmp):
    """Security-key public keys, made by hand (no authenticator here)
    from the public halves of ordinary keys."""
    _, ed = keygen(tmp, "ed25519", [], "sk-ed-src")
    _, ec = keygen(tmp, "ecdsa", ["-b", "256"], "sk-ec-src")
    ed_pk = base64.b64decode(ed.split()[1])[-32:]
    ec_q = base64.b64decode(ec.split()[1])[-65:]
    t1 = b"sk-ssh-ed25519@openssh.com"
    t2 = b"sk-ecdsa-sha2-nistp256@openssh.com"
    return [t1.decode() + " " + base64.b64encode(
                wire(t1, ed_pk, b"ssh:")).decode() + " sk1",
            t2.decode() + " " + base64.b64encode(
                wire(t2, b"nistp256", ec_q, b"ssh:")).decode() + " sk2"]


def user_with_token(suite, admin, name):
    user = make_user(suite, admin, name, "password-" + name)
    status, body = login(suite, name, "password-" + name)
    assert status == 200, body
    return user, body["token"]


def keys_of(suite, token):
    status, body, _ = call(suite, "GET", "/v1/user/ssh-keys", token)
    assert status == 200, body
    return body["ssh_keys"]


def test_every_type_fingerprints_as_ssh_keygen(suite, tmp_path):
    admin = admin_token(suite)
    _, token = user_with_token(suite, admin, "keyuser")
    lines = [keygen(tmp_path, k, e, "k%d" % i)[1]
             for i, (k, e) in enumerate(TYPES)] + sk_keys(tmp_path)
    for line in lines:
        status, body, _ = call(suite, "POST", "/v1/user/ssh-keys", token,
                               {"public_key": line})
        assert status == 201, (line, body)
        assert body["fingerprint"] == fingerprint_of(line, tmp_path)
        assert body["fingerprint"].startswith("SHA256:")
        assert "=" not in body["fingerprint"]
        assert body["public_key"] == line.strip()
        assert body["type"] == line.split()[0]
        # the same key twice for one user: 409, and nothing more stored
        status, again, _ = call(suite, "POST", "/v1/user/ssh-keys", token,
                                {"public_key": line})
        assert status == 409, again
        assert "error" in again
    listed = keys_of(suite, token)
    assert [k["public_key"] for k in listed] == [l.strip() for l in lines]
    # the same key may belong to another user
    _, other = user_with_token(suite, admin, "keyuser2")
    status, body, _ = call(suite, "POST", "/v1/user/ssh-keys", other,
                           {"public_key": lines[0]})
    assert status == 201, body


BAD_KEYS = [
    ("", "the key is empty"),
    ("hello world", "unsupported key type"),
    ("ssh-dss AAAAB3NzaC1kc3MAAACBAP", "DSA keys are not accepted"),
    ("ssh-ed25519 !!!!", "not valid base64"),
    ("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA==", "wrong size or form"),
    ("command=\"/bin/sh\" ssh-ed25519 AAAA", "key options"),
    ("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n"
     "-----END OPENSSH PRIVATE KEY-----\n", "private key"),
    ("ssh-ed25519-cert-v01@openssh.com AAAA", "certificates"),
    ("x" * 9000, "at most 8192"),
]


def test_malformed_keys_are_refused_and_nothing_is_stored(suite, tmp_path):
    admin = admin_token(suite)
    _, token = user_with_token(suite, admin, "badkeys")
    _, rsa1024 = keygen(tmp_path, "rsa", ["-b", "1024"], "weak")
    _, dsa = keygen(tmp_path, "dsa", [], "dsa")
    _, ed = keygen(tmp_path, "ed25519", [], "ed")
    ed_type, ed_b64 = ed.split()[:2]
    blob = base64.b64decode(ed_b64)
    cases = BAD_KEYS + [
        (rsa1024, "RSA key of 1024 bits is too small (at least 2048)"),
        (dsa, "DSA keys are not accepted"),
        (ed_type + " " + base64.b64encode(blob + b"\0").decode(),
         "trailing bytes"),
        ("ssh-rsa " + ed_b64, "not a ssh-rsa key"),
        (ed.strip() + "\n" + ed.strip(), "single line"),
        (ed.strip() + " bad\x1bcomment", "control character"),
    ]
    for line, why in cases:
        status, body, _ = call(suite, "POST", "/v1/user/ssh-keys", token,
                               {"public_key": line})
        assert status == 400, (line[:60], body)
        assert why in body["error"], (line[:60], body)
    for body in [{}, {"public_key": 7}, {"public_key": None},
                 {"public_key": ed, "extra": 1}, {"public_key": ed,
                                                  "name": "n" * 101}]:
        status, answer, _ = call(suite, "POST", "/v1/user/ssh-keys", token,
                                 body)
        assert status == 400, (body, answer)
        assert set(answer) == {"error"}
    status, answer, _ = call(suite, "POST", "/v1/user/ssh-keys", token,
                             b"{not json")
    assert status == 400 and "error" in answer
    assert keys_of(suite, token) == []
    # an account v2 client gets its own dialect's shape
    status, answer, _ = call(suite, "PUT", "/v2/account/sshkey", token,
                             {"method": "upload", "content": rsa1024})
    assert status == 400
    assert answer == {"success": False, "error": "RSA key of 1024 bits is "
                      "too small (at least 2048)"}
    for body in [{"method": "steal"}, {"method": "upload"}, {}]:
        status, answer, _ = call(suite, "PUT", "/v2/account/sshkey", token,
                                 body)
        assert status == 400, answer
        assert answer["success"] is False
    assert keys_of(suite, token) == []


def test_generated_pair_is_shown_once_and_reads_with_ssh_keygen(suite,
                                                                tmp_path):
    admin = admin_token(suite)
    _, token = user_with_token(suite, admin, "genuser")
    status, body, _ = call(suite, "POST", "/v1/user/ssh-keys/generate",
                           token)
    assert status == 201, body
    private = body["private_key"]
    assert private.startswith("-----BEGIN OPENSSH PRIVATE KEY-----\n")
    path = os.path.join(str(tmp_path), "generated")
    with open(path, "w") as f:
        f.write(private)
    os.chmod(path, 0o600)
    public = subprocess.run(["ssh-keygen", "-y", "-f", path],
                            capture_output=True, text=True, check=True).stdout
    assert public.split()[:2] == body["public_key"].split()[:2]
    assert body["type"] == "ssh-ed25519"
    assert body["fingerprint"] == fingerprint_of(public, tmp_path)
    # with a name
    status, named, _ = call(suite, "POST", "/v1/user/ssh-keys/generate",
                            token, {"name": "laptop"})
    assert status == 201 and named["name"] == "laptop"
    # never again: not in the list, the account, the events or the log
    secret = private.split("\n")[2]
    listed = json.dumps(keys_of(suite, token))
    assert "private" not in listed and secret not in listed
    status, events, _ = call(suite, "GET", "/v1/admin/events?limit=200",
                             admin)
    assert status == 200
    assert secret not in json.dumps(events)
    types = [e["type"] for e in events["events"]]
    assert types.count("sshkey.generate") == 2
    assert secret not in suite.log_text()
    db = os.path.join(suite.var, "db")
    for name in os.listdir(db):
        with open(os.path.join(db, name), "rb") as f:
            assert secret.encode() not in f.read()


def test_admin_routes_and_owners(suite, tmp_path):
    admin = admin_token(suite)
    alice, a_token = user_with_token(suite, admin, "alice")
    bob, b_token = user_with_token(suite, admin, "bob")
    _, line = keygen(tmp_path, "ed25519", [], "alicekey")
    base = "/v1/admin/users/%s/ssh-keys" % alice["id"]
    status, key, _ = call(suite, "POST", base, admin, {"public_key": line,
                                                       "name": "work"})
    assert status == 201, key
    assert key["name"] == "work" and key["user_id"] == alice["id"]
    # the oid names the user as well as the UUID
    status, listed, _ = call(suite, "GET", "/v1/admin/users/%d/ssh-keys"
                             % alice["oid"], admin)
    assert status == 200 and listed["total"] == 1
    assert listed["ssh_keys"][0]["id"] == key["id"]
    assert keys_of(suite, a_token)[0]["id"] == key["id"]
    status, gen, _ = call(suite, "POST", base + "/generate", admin)
    assert status == 201 and "private_key" in gen
    # a user may not use the admin routes, not even on themself
    for method, path in [("GET", base), ("POST", base),
                         ("POST", base + "/generate"),
                         ("DELETE", base + "/" + key["id"])]:
        for token in (a_token, b_token):
            status, body, _ = call(suite, method, path, token,
                                   {"public_key": line} if path == base
                                   and method == "POST" else None)
            assert status == 403, (method, path, body)
    # bob cannot reach alice's key by its id or its oid
    for ref in (key["id"], str(key["oid"])):
        status, body, _ = call(suite, "DELETE", "/v1/user/ssh-keys/" + ref,
                               b_token)
        assert status == 404, body
    assert len(keys_of(suite, a_token)) == 2
    # a missing user, by UUID or number, on every route; a missing key
    for ref in ("0" * 8 + "-0000-4000-8000-" + "0" * 12, "999", "bob"):
        for method, path, body in [
                ("GET", "/v1/admin/users/%s/ssh-keys", None),
                ("POST", "/v1/admin/users/%s/ssh-keys", {"public_key": line}),
                ("POST", "/v1/admin/users/%s/ssh-keys/generate", None),
                ("DELETE", "/v1/admin/users/%s/ssh-keys/1", None)]:
            status, answer, _ = call(suite, method, path % ref, admin, body)
            assert status == 404, (method, path, ref, answer)
            assert answer == {"error": "user not found"}, answer
    status, body, _ = call(suite, "DELETE", base + "/999999", admin)
    assert status == 404 and body == {"error": "ssh key not found"}, body
    # alice deletes her own, the admin the other
    status, body, _ = call(suite, "DELETE", "/v1/user/ssh-keys/" +
                           key["id"], a_token)
    assert status == 204, body
    status, body, _ = call(suite, "DELETE", base + "/" + str(gen["oid"]),
                           admin)
    assert status == 204, body
    assert keys_of(suite, a_token) == []
    status, events, _ = call(suite, "GET", "/v1/admin/events?type="
                             "sshkey.delete&user_id=" + alice["id"], admin)
    assert status == 200 and events["total"] == 2
    assert all(e["user_id"] == alice["id"] for e in events["events"])
    # deleting a user takes the keys along
    call(suite, "POST", base, admin, {"public_key": line})
    status, _, _ = call(suite, "DELETE", "/v1/admin/users/" + alice["id"],
                        admin)
    assert status == 204
    assert moatctl(suite, "authorized-keys", "alice").stdout == ""


def test_account_v2_sshkeys(suite, tmp_path):
    admin = admin_token(suite)
    _, token = user_with_token(suite, admin, "acct")
    api_key, secret = new_pair(suite, token)
    _, line = keygen(tmp_path, "ecdsa", ["-b", "384"], "acctkey")
    body = json.dumps({"name": "home", "method": "upload",
                       "content": line}).encode()
    status, answer, _ = signed(suite, "PUT", "/v2/account/sshkey", api_key,
                               secret, body)
    assert status == 201, answer
    assert answer["success"] is True
    key = answer["sshkeys"]
    assert set(key) == {"id", "name", "fingerprint"}
    assert isinstance(key["id"], int) and key["name"] == "home"
    assert key["fingerprint"] == fingerprint_of(line, tmp_path)
    again = json.dumps({"name": "again", "method": "upload",
                        "content": line}).encode()
    status, answer, _ = signed(suite, "PUT", "/v2/account/sshkey", api_key,
                               secret, again)
    assert status == 409 and answer["success"] is False
    status, gen, _ = call(suite, "PUT", "/v2/account/sshkey", token,
                          {"name": "made", "method": "generate"})
    assert status == 201, gen
    assert gen["sshkeys"]["private_key"].startswith("-----BEGIN OPENSSH")
    status, acct, _ = signed(suite, "GET", "/v2/account", api_key, secret)
    assert status == 200
    assert acct["account"]["sshkeys"] == [
        key, {"id": gen["sshkeys"]["id"], "name": "made",
              "fingerprint": gen["sshkeys"]["fingerprint"]}]
    status, answer, _ = signed(suite, "DELETE", "/v2/account/%d/sshkey" %
                               key["id"], api_key, secret)
    assert status == 200 and answer == {"success": True}
    time.sleep(1)       # another X-Date: not a replay
    status, answer, _ = signed(suite, "DELETE", "/v2/account/%d/sshkey" %
                               key["id"], api_key, secret)
    assert status == 404 and answer["success"] is False
    # a deleted key's number is not given out again
    status, later, _ = call(suite, "PUT", "/v2/account/sshkey", token,
                            {"name": "later", "method": "generate"})
    assert status == 201 and later["sshkeys"]["id"] > gen["sshkeys"]["id"]
    status, answer, _ = call(suite, "DELETE", "/v2/account/%d/sshkey" %
                             later["sshkeys"]["id"], token)
    assert status == 200
    status, last, _ = call(suite, "PUT", "/v2/account/sshkey", token,
                           {"name": "last", "method": "generate"})
    assert last["sshkeys"]["id"] > later["sshkeys"]["id"]
    call(suite, "DELETE", "/v2/account/%d/sshkey" % last["sshkeys"]["id"],
         token)
    # another account's key id is a missing one
    _, other = user_with_token(suite, admin, "acct2")
    status, answer, _ = call(suite, "DELETE", "/v2/account/%d/sshkey" %
                             gen["sshkeys"]["id"], other)
    assert status == 404 and answer["success"] is False
    assert len(keys_of(suite, token)) == 1


def test_authorized_keys_command(suite, tmp_path):
    admin = admin_token(suite)
    user, token = user_with_token(suite, admin, "shell")
    _, line = keygen(tmp_path, "ed25519", [], "shellkey")
    status, key, _ = call(suite, "POST", "/v1/user/ssh-keys", token,
                          {"public_key": line})
    assert status == 201
    out = moatctl(suite, "authorized-keys", "shell")
    assert out.returncode == 0, out.stderr
    assert out.stdout == line.strip() + "\n"
    assert moatctl(suite, "authorized-keys", "nobody").stdout == ""
    # fast enough for sshd: the median of a few runs under 200 ms, which
    # an ASan build on a loaded machine meets and a login's delays (a
    # second at least) or an argon2 verify would not
    times = []
    for _ in range(9):
        t = time.monotonic()
        moatctl(suite, "authorized-keys", "shell")
        times.append(time.monotonic() - t)
    assert sorted(times)[4] < 0.2, times
    # disabled, then expired: no keys
    status, _, _ = call(suite, "PATCH", "/v1/admin/users/" + user["id"],
                        admin, {"status": "disabled"})
    assert status == 200
    assert moatctl(suite, "authorized-keys", "shell").stdout == ""
    call(suite, "PATCH", "/v1/admin/users/" + user["id"], admin,
         {"status": "active"})
    assert moatctl(suite, "authorized-keys", "shell").stdout != ""
    status, _, _ = call(suite, "PUT", "/v1/admin/users/%s/expiry" %
                        user["id"], admin,
                        {"expires_at": "2020-01-01T00:00:00Z"})
    assert status == 200
    assert moatctl(suite, "authorized-keys", "shell").stdout == ""


def test_keys_user_may_ask_for_keys_only(suite, tmp_path, public_moatctl):
    assert os.geteuid() == 0, "the test acts as _moatkeys: run it as root"
    allow_traverse(suite.var)
    cmd = [public_moatctl, "-s", os.path.join(suite.var, "moatd.sock")]
    as_keys = {"user": "_moatkeys", "group": "_moatkeys",
               "extra_groups": [], "capture_output": True, "text": True}
    ok = subprocess.run(cmd + ["authorized-keys", "admin"], **as_keys)
    assert ok.returncode == 0, ok.stderr
    for args in (["status"], ["client", "list"], ["reload"]):
        refused = subprocess.run(cmd + args, **as_keys)
        assert refused.returncode != 0, args
    nobody = subprocess.run(cmd + ["authorized-keys", "admin"],
                            user="nobody", group="nogroup", extra_groups=[],
                            capture_output=True, text=True)
    assert nobody.returncode != 0
    assert set(suite.status()) == {"moatd"} | set(CHILDREN), \
        "the suite must keep running"


def moatctl_path():
    from suite import BINDIR
    return os.path.join(BINDIR, "moatctl")


@pytest.fixture
def public_moatctl():
    """A copy of moatctl that any user may run, wherever the checkout is:
    one in a 0700 directory is out of reach of _moatkeys and nobody.  And
    sshd runs an AuthorizedKeysCommand only if it and every directory
    above it belong to root and no one else may write them."""
    import shutil
    import tempfile
    safe = tempfile.mkdtemp(prefix="moat-moatctl-", dir="/run")
    try:
        os.chmod(safe, 0o755)
        path = os.path.join(safe, "moatctl")
        shutil.copy(moatctl_path(), path)
        os.chmod(path, 0o755)
        yield path
    finally:
        shutil.rmtree(safe, ignore_errors=True)


def allow_traverse(path):
    """pytest's directories are 0700: let sshd's user reach the socket."""
    path = os.path.abspath(path)
    while path != "/":
        mode = os.stat(path).st_mode & 0o7777
        os.chmod(path, mode | 0o011)
        path = os.path.dirname(path)


SSHD_CONFIG = """Port {port}
ListenAddress 127.0.0.1
HostKey {dir}/host_ed25519
PidFile {dir}/sshd.pid
AuthorizedKeysFile none
AuthorizedKeysCommand {moatctl} -s {sock} authorized-keys %u
AuthorizedKeysCommandUser _moatkeys
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes yes
LogLevel VERBOSE
"""


@pytest.fixture
def unix_user():
    name = "moatsshtest"
    subprocess.run(["userdel", "-r", name], capture_output=True)
    subprocess.run(["useradd", "-m", "-s", "/bin/sh", name], check=True)
    # a locked password ("!") would make sshd refuse the account
    subprocess.run(["usermod", "-p", "*", name], check=True)
    yield name
    subprocess.run(["userdel", "-r", name], capture_output=True)


def test_real_sshd_logs_in_with_api_keys(suite, tmp_path, unix_user,
                                        public_moatctl):
    assert os.geteuid() == 0 and os.path.exists("/usr/sbin/sshd"), \
        "the sshd test needs root and openssh-server"
    from suite import free_port
    allow_traverse(suite.var)
    admin = admin_token(suite)
    user = make_user(suite, admin, unix_user, "password-ssh")
    key_path, line = keygen(tmp_path, "ed25519", [], "login")
    base = "/v1/admin/users/%s/ssh-keys" % user["id"]
    status, key, _ = call(suite, "POST", base, admin, {"public_key": line})
    assert status == 201, key

    sshd_dir = str(tmp_path / "sshd")
    os.makedirs(sshd_dir)
    os.makedirs("/run/sshd", exist_ok=True)
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f",
                    sshd_dir + "/host_ed25519"], check=True)
    port = free_port()
    conf = sshd_dir + "/sshd_config"
    safe_command = public_moatctl
    with open(conf, "w") as f:
        f.write(SSHD_CONFIG.format(port=port, dir=sshd_dir,
                                   moatctl=safe_command,
                                   sock=os.path.join(suite.var,
                                                     "moatd.sock")))
    subprocess.run(["/usr/sbin/sshd", "-t", "-f", conf], check=True)
    with open(conf) as f:
        assert safe_command in f.read()
    log = open(sshd_dir + "/sshd.log", "w")
    sshd = subprocess.Popen(["/usr/sbin/sshd", "-D", "-e", "-f", conf],
                            stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_listening(port)

        def ssh():
            return subprocess.run(
                ["ssh", "-i", key_path, "-p", str(port), "-o",
                 "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "-o",
                 "UserKnownHostsFile=/dev/null", "-o",
                 "IdentitiesOnly=yes", "-o", "ConnectTimeout=10",
                 unix_user + "@127.0.0.1", "echo", "moat-ok"],
                capture_output=True, text=True, timeout=30)

        first = ssh()
        assert first.returncode == 0 and "moat-ok" in first.stdout, (
            first.stderr, open(sshd_dir + "/sshd.log").read()[-3000:])
        status, _, _ = call(suite, "DELETE", base + "/" + key["id"], admin)
        assert status == 204
        assert ssh().returncode != 0
        # back again, then the user is disabled
        status, key, _ = call(suite, "POST", base, admin,
                              {"public_key": line})
        assert status == 201
        assert ssh().returncode == 0
        status, _, _ = call(suite, "PATCH", "/v1/admin/users/" + user["id"],
                            admin, {"status": "disabled"})
        assert status == 200
        assert ssh().returncode != 0
    finally:
        sshd.terminate()
        sshd.wait(5)
        log.close()


def wait_listening(port, timeout=10):
    import socket
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), 0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise AssertionError("sshd did not listen")
