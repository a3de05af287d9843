"""The two commands and make install, as a newcomer and a packager use
them."""
import os
import signal
import subprocess
import time

from suite import TOP, free_port, tls_context, wait_gone

import http.client

# what every program of a KEY_IN_FRONTD build carries (ipc/catalogue.c)
KEY_IN_FRONTD_MARK = b"MOAT_KEY_IN_FRONTD_BENCHMARK_BUILD_NEVER_INSTALL"


def test_make_run_serves_and_stops_on_ctrl_c(tmp_path):
    port = free_port()
    env = dict(os.environ, MOAT_VAR=str(tmp_path / "var"),
               MOAT_PORT=str(port), MOAT_SSH_PORT=str(free_port()))
    env.pop("MOAT_CONF", None)
    log = open(tmp_path / "run.log", "wb")
    proc = subprocess.Popen(["make", "--no-print-directory", "run"], cwd=TOP,
                            env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    try:
        deadline = time.time() + 60
        status = None
        while time.time() < deadline:
            try:
                conn = http.client.HTTPSConnection(
                    "127.0.0.1", port, timeout=2, context=tls_context())
                conn.request("GET", "/healthz")
                status = conn.getresponse().status
                conn.close()
                break
            except OSError:
                time.sleep(0.2)
        assert status == 200
        pw = tmp_path / "var" / "admin.password"
        for _ in range(50):
            if pw.exists():
                break
            time.sleep(0.1)
        for _ in range(50):   # the file is written just before the print
            text = (tmp_path / "run.log").read_text()
            if pw.read_text().strip() in text:
                break
            time.sleep(0.1)
        assert pw.read_text().strip() in text
        assert "https://127.0.0.1:%d/" % port in text
        pids = [int(p) for p in subprocess.run(
            ["pgrep", "-s", str(proc.pid)], capture_output=True,
            text=True).stdout.split()]
        assert len(pids) >= 5
        t0 = time.time()
        os.killpg(proc.pid, signal.SIGINT)
        proc.wait(5)
        assert time.time() - t0 < 2.5
        assert wait_gone(pids, 1) == []
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()


def test_make_install_honours_destdir_and_prefix(tmp_path):
    dest = tmp_path / "root"
    out = subprocess.run(
        ["make", "--no-print-directory", "-s", "install", "B=build/install",
         "DESTDIR=%s" % dest, "PREFIX=/usr"], cwd=TOP,
        capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    for f in ("usr/sbin/moatd", "usr/sbin/moatctl",
              "usr/libexec/moat/frontd", "usr/libexec/moat/authd",
              "usr/libexec/moat/stored", "usr/libexec/moat/taskd",
              "usr/libexec/moat/moat-tlsgen",
              "usr/libexec/moat/moat-console",
              "usr/share/man/man8/moatd.8", "usr/share/man/man5/moatd.conf.5",
              "usr/share/man/man8/moatctl.8", "etc/moat/moatd.conf",
              "lib/systemd/system/moatd.service",
              "usr/lib/sysusers.d/moat.conf", "etc/init.d/moatd"):
        assert (dest / f).exists(), f
    # the installed moatd looks for its children where they were put
    strings = subprocess.run(["strings", str(dest / "usr/sbin/moatd")],
                             capture_output=True, text=True).stdout
    assert "/usr/libexec/moat" in strings
    for f in ("usr/sbin/moatd", "usr/libexec/moat/frontd",
              "usr/libexec/moat/authd"):
        assert KEY_IN_FRONTD_MARK not in (dest / f).read_bytes(), f
    out = subprocess.run([str(dest / "usr/sbin/moatd"), "-n", "-f",
                          str(dest / "etc/moat/moatd.conf")],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr


def make_var(name, *args):
    out = subprocess.run(
        ["make", "--no-print-directory", "-s", "--eval",
         "print-var: ; @echo $(%s)" % name, "print-var"] + list(args),
        cwd=TOP, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def test_make_install_refuses_the_key_in_frontd_build(tmp_path):
    """The benchmark's build with the TLS key in frontd builds only into
    a directory of its own, its programs carry a mark, and make install
    refuses programs that carry it whatever the make variables say."""
    assert make_var("B") == "build"
    assert make_var("B", "KEY_IN_FRONTD=1") == "build/bench-keyinfrontd"
    assert make_var("B", "KEY_IN_FRONTD=1", "B=build") == \
        "build/bench-keyinfrontd"
    out = subprocess.run(["make", "--no-print-directory", "-s", "-j2",
                          "KEY_IN_FRONTD=1", "all"], cwd=TOP,
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    bench = os.path.join(TOP, "build", "bench-keyinfrontd", "bin")
    for prog in ("moatd", "frontd", "authd"):
        with open(os.path.join(bench, prog), "rb") as f:
            assert KEY_IN_FRONTD_MARK in f.read(), prog
    # a plain make install over that build (as if it had been made in
    # the default directory: its objects are up to date) installs nothing
    dest = tmp_path / "root"
    out = subprocess.run(
        ["make", "--no-print-directory", "-s", "install",
         "B=build/bench-keyinfrontd", "DESTDIR=%s" % dest], cwd=TOP,
        capture_output=True, text=True)
    assert out.returncode != 0
    assert "KEY_IN_FRONTD=1" in out.stderr
    assert "never installed" in out.stderr
    assert "CC " not in out.stdout
    assert not (dest / "usr/local/sbin/moatd").exists()
    assert not (dest / "usr/local/libexec/moat/frontd").exists()
    out = subprocess.run(
        ["make", "--no-print-directory", "-s", "install", "KEY_IN_FRONTD=1",
         "DESTDIR=%s" % dest], cwd=TOP, capture_output=True, text=True)
    assert out.returncode != 0
    assert not (dest / "usr/local/sbin/moatd").exists()
