"""The acme listener (listen acme on ...): http-01 challenges over plain
HTTP, the redirect of everything else to HTTPS, and the configuration of
acme directories checked by moatd -n.

No ACME order exists yet to present a challenge, so the test build's
stored takes its pending challenges from MOAT_TEST_ACME_CHALLENGES (a
test hook; production has no way in but taskd's acme.challenge.put)."""
import os
import signal
import socket
import subprocess
import time

import pytest

from suite import BINDIR, Suite, finish, free_port

MOATD = os.path.join(BINDIR, "moatd")

TOKEN = "evaGxfADs6pSRb2LAv9IZf17Dt3juxGJ-PCt92wr-oA"
THUMB = "9jg46WB3rR_AHD-EBXdN7cBkH1WOu0tA3M9fm21mqTI"
KEYAUTHZ = TOKEN + "." + THUMB
EXPIRED = "expiredToken_0123456789"
EXPIRED_KA = EXPIRED + "." + THUMB


class AcmeSuite(Suite):
    def env(self):
        env = super().env()
        env["MOAT_TEST_ACME_CHALLENGES"] = "%s:%s:3600;%s:%s:-10" % (
            TOKEN, KEYAUTHZ, EXPIRED, EXPIRED_KA)
        return env


@pytest.fixture(scope="module")
def acme(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("acme")
    port = free_port()
    s = AcmeSuite(tmp, "listen acme on 127.0.0.1 port %d\n" % port,
                  "acme")
    s.acme_port = port
    s.start()
    yield s
    finish(s)


def raw(port, data, timeout=5):
    """Plain bytes in, everything until the server closes out."""
    with socket.create_connection(("127.0.0.1", port),
                                  timeout=timeout) as sock:
        try:
            sock.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass
        out = b""
        while True:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            out += chunk
        return out


def parse(answer):
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    return status, headers, body


def get(port, path, method="GET", host="example.org", extra=b""):
    req = ("%s %s HTTP/1.1\r\nHost: %s\r\n" % (method, path, host)).encode()
    return parse(raw(port, req + extra + b"\r\n"))


def test_known_token_answers_the_key_authorization(acme):
    status, headers, body = get(acme.acme_port,
                                "/.well-known/acme-challenge/" + TOKEN)
    assert status == 200
    assert headers["content-type"] == "text/plain"
    assert body == KEYAUTHZ.encode()
    assert headers["connection"] == "close"


def test_head_answers_without_a_body(acme):
    status, headers, body = get(acme.acme_port,
                                "/.well-known/acme-challenge/" + TOKEN,
                                method="HEAD")
    assert status == 200
    assert int(headers["content-length"]) == len(KEYAUTHZ)
    assert body == b""


def test_unknown_and_expired_tokens_are_404(acme):
    for token in ("unknownToken123", EXPIRED):
        status, _, body = get(acme.acme_port,
                              "/.well-known/acme-challenge/" + token)
        assert status == 404, token
        assert KEYAUTHZ.encode() not in body
        assert EXPIRED_KA.encode() not in body


def test_other_paths_redirect_to_https(acme):
    status, headers, _ = get(acme.acme_port, "/some/path?a=1",
                             host="example.org:%d" % acme.acme_port)
    assert status in (301, 308)
    assert headers["location"] == \
        "https://example.org:%d/some/path?a=1" % acme.port
    status, headers, _ = get(acme.acme_port, "/", host="[::1]:80")
    assert status in (301, 308)
    assert headers["location"] == "https://[::1]:%d/" % acme.port


def test_bad_host_is_400(acme):
    for host in ("evil.org/x", "a b", "", "[zz]"):
        status, headers, _ = get(acme.acme_port, "/x", host=host)
        assert status == 400, host
        assert "location" not in headers


def test_other_methods_are_405(acme):
    for method in ("POST", "PUT", "DELETE"):
        status, headers, _ = get(acme.acme_port,
                           "/.well-known/acme-challenge/" + TOKEN,
                           method=method,
                           extra=b"Content-Length: 2\r\n\r\nab")
        assert status == 405, method
        assert headers["allow"] == "GET, HEAD"
    status, _, _ = get(acme.acme_port, "/x", method="OPTIONS")
    assert status == 405


def test_malformed_requests_and_tokens_are_400(acme):
    port = acme.acme_port
    assert parse(raw(port, b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"
                     ))[0] == 400
    assert parse(raw(port, b"GARBAGE\r\n\r\n"))[0] in (400, 501)
    for token in ("a" * 129, "bad!token", "a.b", "%41"):
        status, _, _ = get(port, "/.well-known/acme-challenge/" + token)
        assert status == 400, token
    status, _, _ = get(port, "/.well-known/acme-challenge/")
    assert status == 400
    # a GET with a body: nothing on this listener takes one
    status, _, _ = get(port, "/.well-known/acme-challenge/" + TOKEN,
                       extra=b"Content-Length: 3\r\n\r\nabc")
    assert status == 400


def test_overlong_head_is_refused(acme):
    status, _, _ = get(acme.acme_port, "/x",
                       extra=b"X-Long: " + b"a" * 20000 + b"\r\n")
    assert status == 431


def test_survives_garbage_and_https_still_serves(acme):
    port = acme.acme_port
    for junk in (b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03" * 10,
                 os.urandom(4096), b"\r\n" * 5000, b"\x00" * 100):
        raw(port, junk, timeout=15)
    # a client that sends half a head and leaves
    with socket.create_connection(("127.0.0.1", port)) as s:
        s.sendall(b"GET /.well-known/acme-chal")
    status, _, body = get(port, "/.well-known/acme-challenge/" + TOKEN)
    assert status == 200 and body == KEYAUTHZ.encode()
    status, _, _ = acme.request("GET", "/healthz")
    assert status == 200


def test_https_listener_does_not_serve_challenges(acme):
    status, _, data = acme.request("GET",
                                   "/.well-known/acme-challenge/" + TOKEN)
    assert status == 404
    assert KEYAUTHZ.encode() not in data


def test_one_request_per_connection(acme):
    req = ("GET /.well-known/acme-challenge/%s HTTP/1.1\r\nHost: a\r\n\r\n"
           % TOKEN).encode()
    out = raw(acme.acme_port, req * 3)
    assert out.count(b"HTTP/1.1 200") == 1


# -- moatd -n: the acme directory statement -------------------------------

def check(tmp_path, text):
    conf = tmp_path / "acme.conf"
    conf.write_text(text)
    return subprocess.run([MOATD, "-n", "-f", str(conf)],
                          capture_output=True, text=True)


def test_check_accepts_directories(tmp_path):
    ca = tmp_path / "ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\n")
    out = check(tmp_path,
                'acme directory "pebble" url "https://127.0.0.1:14000/dir" '
                'ca-file "%s"\n'
                'acme directory "zerossl" url "https://acme.zerossl.com/v2/'
                'DV90" eab-kid "kid-1" eab-hmac "c2VjcmV0_-x"\n'
                "listen acme on 127.0.0.1 port 8080\n" % ca)
    assert out.returncode == 0, out.stderr
    assert "configuration OK" in out.stderr


@pytest.mark.parametrize("text,message", [
    ('acme directory "a" url "https://x/"\n'
     'acme directory "a" url "https://y/"\n', "duplicate name"),
    ('acme directory "a" url "http://x/"\n', "url must be https"),
    ('acme directory "a" url "https://u@x/"\n', "url must be https"),
    ('acme directory "a" url "https://x/" ca-file "/nonexistent/ca.pem"\n',
     "/nonexistent/ca.pem"),
    ('acme directory "a" url "https://x/" eab-kid "k"\n',
     "eab-kid and eab-hmac must be given together"),
    ('acme directory "a" url "https://x/" eab-hmac "k"\n',
     "eab-kid and eab-hmac must be given together"),
    ('acme directory "a" url "https://x/" eab-kid "k" eab-hmac "no+pad="\n',
     "eab-hmac must be base64url"),
    ('acme directory "a b" url "https://x/"\n', "a name is"),
    ('listen acme on 127.0.0.1 port 0\n', "out of range"),
])
def test_check_refuses(tmp_path, text, message):
    out = check(tmp_path, text)
    assert out.returncode == 1
    assert message in out.stderr, out.stderr
    assert "configuration OK" not in out.stderr


def test_check_refuses_a_ca_file_that_is_not_a_file(tmp_path):
    out = check(tmp_path, 'acme directory "a" url "https://x/" ca-file "%s"\n'
                % tmp_path)
    assert out.returncode == 1
    assert "not a regular file" in out.stderr


def test_reload_rereads_directories_and_ca_files(make_suite, tmp_path):
    """Every child takes the acme directories of a reload (cfg.acme and its
    ca-files, cfg.acme.eab): a missing ca-file refuses the reload and the
    running configuration stays; once it is back the reload goes
    through, with nothing restarted."""
    ca = tmp_path / "ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\n")
    conf = ('acme directory "one" url "https://127.0.0.1:14000/dir" '
            'ca-file "%s" eab-kid "k" eab-hmac "c2VjcmV0"\n' % ca)
    s = make_suite(conf=conf)
    pids = s.all_pids()
    s.write_conf(conf + 'acme directory "two" url "https://b.example/d" '
                 'ca-file "%s/gone.pem"\n' % tmp_path)
    s.signal(signal.SIGHUP)
    s.wait_log("reload refused")
    assert "gone.pem" in s.log_text()
    (tmp_path / "gone.pem").write_text("-----BEGIN CERTIFICATE-----\n")
    s.signal(signal.SIGHUP)
    s.wait_log("configuration reloaded")
    assert s.all_pids() == pids
    assert s.request("GET", "/healthz")[0] == 200


def test_eab_key_reaches_authd_only(make_suite):
    """The EAB HMAC key is key material: moatd reads it and authd holds
    it; frontd, stored and taskd never see it (they get the directory's
    name and URL)."""
    from test_v1_identity import read_memory
    key = "eabKey_" + os.urandom(12).hex()
    url = "https://eab.example/dir-" + os.urandom(6).hex()
    s = make_suite(conf='acme directory "eab" url "%s" eab-kid "kid-1" '
                        'eab-hmac "%s"\n' % (url, key))
    assert s.request("GET", "/healthz")[0] == 200
    found = {}
    for proc in ("authd", "frontd", "stored", "taskd"):
        regions = read_memory(s.pid(proc))
        found[proc] = (any(key.encode() in r for r in regions),
                       any(url.encode() in r for r in regions))
    assert found["authd"][0], "the control: authd holds the key"
    for proc in ("frontd", "stored", "taskd"):
        assert not found[proc][0], proc
        assert found[proc][1], proc     # but they know the directory


def test_per_address_limit(make_suite):
    """The acme listener counts connections per client address with the
    HTTPS ones: one client cannot take every slot."""
    port = free_port()
    s = make_suite(conf="listen acme on 127.0.0.1 port %d\n"
                        "http max connections per address 3\n" % port)
    s.close_kept()
    held = []
    for _ in range(3):
        c = socket.create_connection(("127.0.0.1", port), timeout=5)
        c.sendall(b"GET / HTTP/1.1\r\n")
        held.append(c)
    time.sleep(0.2)
    assert raw(port, b"GET / HTTP/1.1\r\nHost: a\r\n\r\n") == b""
    held.pop().close()
    time.sleep(0.2)
    status, _, _ = get(port, "/.well-known/acme-challenge/unknownTok")
    assert status == 404
    for c in held:
        c.close()


class TaskdSuite(Suite):
    """taskd presents and cleans up through stored as its ACME worker
    will (the test build's hook in taskd/http01.c)."""

    def env(self):
        env = super().env()
        env["MOAT_TEST_HTTP01_PRESENT"] = (
            "tokA:tokA.%s;tokC:tokX.%s;tokB:tokB.%s" % (THUMB, THUMB, THUMB))
        env["MOAT_TEST_HTTP01_CLEANUP"] = "tokB;tokZ"
        return env


def test_taskd_presents_and_cleans_up(tmp_path):
    port = free_port()
    s = TaskdSuite(tmp_path, "listen acme on 127.0.0.1 port %d\n" % port,
                   "taskd01")
    s.start()
    try:
        s.wait_log("http01 test hook: cleanup", count=2)
        log = s.log_text()
        assert log.count("http01 test hook: present: 200") == 2
        # a key authorization that is not its token's is refused
        assert "http01 test hook: present: 400" in log
        assert "http01 test hook: cleanup: 200" in log
        assert "http01 test hook: cleanup: 404" in log
        status, _, body = get(port, "/.well-known/acme-challenge/tokA")
        assert (status, body) == (200, ("tokA." + THUMB).encode())
        for token in ("tokB", "tokC"):
            status, _, _ = get(port, "/.well-known/acme-challenge/" + token)
            assert status == 404, token
    finally:
        try:
            s.stop()
        finally:
            s.remove_system_objects()
            s.remove_state()
    assert not s.sanitizer_reports()
