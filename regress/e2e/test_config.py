"""moatd.conf: checking, the embedded defaults, MOAT_CONF, and reloads."""
import os
import signal
import subprocess
import time

from suite import BINDIR, TOP, parse_responses

MOATD = os.path.join(BINDIR, "moatd")
FIXTURES = os.path.join(TOP, "regress", "unit", "conf")


def check(path, *args):
    return subprocess.run([MOATD, "-n", *args, "-f", path],
                          capture_output=True, text=True)


def test_check_good_file():
    out = check(os.path.join(TOP, "etc", "moatd.conf"))
    assert out.returncode == 0
    assert "configuration OK" in out.stderr


def test_check_reports_file_and_line(tmp_path):
    conf = tmp_path / "bad.conf"
    conf.write_text("# comment\nvar \"/tmp/x\"\nhttp max body 99G\n"
                    "frobnicate\n")
    out = check(str(conf))
    assert out.returncode == 1
    assert "%s:3:" % conf in out.stderr
    assert "%s:4:" % conf in out.stderr
    assert "configuration OK" not in out.stderr


def test_check_verbose_dumps_a_config_that_parses_again(tmp_path):
    out = check(os.path.join(FIXTURES, "good-full.conf"), "-v")
    assert out.returncode == 0
    dumped = tmp_path / "dumped.conf"
    dumped.write_text(out.stdout)
    again = check(str(dumped), "-v")
    assert again.returncode == 0
    assert again.stdout == out.stdout


def test_macro_from_command_line(tmp_path):
    conf = tmp_path / "m.conf"
    conf.write_text("listen on 127.0.0.1 port $p\n")
    assert check(str(conf)).returncode == 1
    out = subprocess.run([MOATD, "-n", "-D", "p=9999", "-f", str(conf)],
                         capture_output=True, text=True)
    assert out.returncode == 0


def test_missing_file():
    out = check("/nonexistent/moatd.conf")
    assert out.returncode == 1
    assert "/nonexistent/moatd.conf" in out.stderr


def test_bad_config_refuses_to_start(tmp_path):
    conf = tmp_path / "bad.conf"
    conf.write_text("http max connections 0\n")
    out = subprocess.run([MOATD, "-d", "-f", str(conf)],
                         capture_output=True, text=True, timeout=10)
    assert out.returncode == 1
    assert "%s:1:" % conf in out.stderr


def test_moat_conf_overrides_defaults(make_suite):
    s = make_suite(conf="http max body 2K\n")
    body = b"x" * 3000
    req = (b"POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n"
           % len(body)) + body
    assert parse_responses(s.raw(req, answers=1))[0][0] == 413


def test_reload_with_bad_config_keeps_running(make_suite):
    s = make_suite(conf="http max body 2K\n")
    s.write_conf("http max body 2K\nthis is not a config\n")
    s.signal(signal.SIGHUP)
    time.sleep(0.5)
    assert "reload refused" in s.log_text()
    assert s.proc.poll() is None
    assert s.request("GET", "/healthz")[0] == 200
    # the old setting is still in force
    body = b"x" * 3000
    req = (b"POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n"
           % len(body)) + body
    assert parse_responses(s.raw(req, answers=1))[0][0] == 413


def test_reload_applies_new_settings(make_suite):
    s = make_suite(conf="http max body 2K\n")
    body = b"x" * 3000
    req = (b"POST /x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
           b"Content-Length: %d\r\n\r\n" % len(body)) + body
    assert parse_responses(s.raw(req, answers=1))[0][0] == 413
    s.write_conf("http max body 4K\n")
    pids = s.all_pids()
    os.kill(s.pid("moatd"), signal.SIGHUP)
    deadline = time.time() + 5
    while "configuration reloaded" not in s.log_text():
        assert time.time() < deadline, s.log_text()
        time.sleep(0.05)
    assert parse_responses(s.raw(req))[0][0] == 404
    assert s.all_pids() == pids     # nothing restarted


def test_moatctl_reload(make_suite):
    s = make_suite()
    ctl = [os.path.join(BINDIR, "moatctl"), "-s",
           os.path.join(s.var, "moatd.sock"), "reload"]
    out = subprocess.run(ctl, capture_output=True, text=True)
    assert out.returncode == 0
    assert "reloading" in out.stdout
    deadline = time.time() + 5
    while "configuration reloaded" not in s.log_text():
        assert time.time() < deadline
        time.sleep(0.05)
    s.write_conf("garbage here\n")
    out = subprocess.run(ctl, capture_output=True, text=True)
    assert out.returncode == 1
    assert "refused" in out.stdout
    assert s.request("GET", "/healthz")[0] == 200


def test_reload_with_missing_certificate_is_refused(make_suite, tmp_path):
    s = make_suite()
    s.write_conf('tls certificate "%s/none.crt"\ntls key "%s/none.key"\n'
                 % (tmp_path, tmp_path))
    s.signal(signal.SIGHUP)
    time.sleep(0.5)
    assert "reload refused" in s.log_text()
    assert s.proc.poll() is None
    assert s.request("GET", "/healthz")[0] == 200


def test_reload_raising_limits_under_an_open_upload(make_suite):
    # a connection keeps the limits it started with: its buffers were
    # sized by them
    import socket
    from suite import tls_context
    s = make_suite(conf="http max body 4K\n")
    sock = socket.create_connection(("127.0.0.1", s.port), timeout=5)
    tls = tls_context().wrap_socket(sock)
    tls.sendall(b"POST /x HTTP/1.1\r\nHost: x\r\n"
                b"Transfer-Encoding: chunked\r\n\r\n10\r\n" + b"a" * 16 +
                b"\r\n")
    s.write_conf("http max body 64K\n")
    s.signal(signal.SIGHUP)
    deadline = time.time() + 5
    while "configuration reloaded" not in s.log_text():
        assert time.time() < deadline
        time.sleep(0.05)
    try:
        tls.sendall(b"4000\r\n" + b"b" * 0x4000 + b"\r\n0\r\n\r\n")
    except OSError:
        pass
    out = b""
    try:
        while True:
            chunk = tls.recv(65536)
            if not chunk:
                break
            out += chunk
    except OSError:
        pass
    tls.close()
    assert out.startswith(b"HTTP/1.1 413 ")
    assert s.proc.poll() is None
    # a new connection gets the new limit
    body = b"x" * 20000
    req = (b"POST /x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
           b"Content-Length: %d\r\n\r\n" % len(body)) + body
    assert parse_responses(s.raw(req))[0][0] == 404


def test_reload_follows_symlinked_certificates(make_suite, tmp_path):
    s = make_suite()
    crt = tmp_path / "live.crt"
    key = tmp_path / "live.key"
    os.symlink(os.path.join(s.var, "tls", "server.crt"), crt)
    os.symlink(os.path.join(s.var, "tls", "server.key"), key)
    s.write_conf('tls certificate "%s"\ntls key "%s"\n' % (crt, key))
    s.signal(signal.SIGHUP)
    deadline = time.time() + 5
    while "configuration reloaded" not in s.log_text():
        assert time.time() < deadline, s.log_text()
        time.sleep(0.05)
    assert s.request("GET", "/healthz")[0] == 200
