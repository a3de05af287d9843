"""The process model: names, users, chroots, sandboxes, supervision."""
import os
import re
import signal
import subprocess
import time

import pytest

from suite import BINDIR, CHILDREN, proc_status, wait_gone

OWN_USER = {"frontd": "_moatfront", "authd": "_moatauth",
            "stored": "_moatdb", "taskd": "root", "gatewayd": "_moatgw"}
ROOT = os.geteuid() == 0


def cmdline(pid):
    with open("/proc/%d/cmdline" % pid, "rb") as f:
        return f.read().replace(b"\0", b" ").decode()


def test_status_lists_the_suite(suite):
    procs = suite.status()
    assert set(procs) == {"moatd"} | set(CHILDREN)
    for name, (pid, user, uid) in procs.items():
        assert os.path.exists("/proc/%d" % pid)
        if name != "moatd":
            assert proc_status(pid)["PPid"] == str(procs["moatd"][0])


def test_ps_shows_each_process_by_name(suite):
    for name in CHILDREN:
        pid = suite.pid(name)
        with open("/proc/%d/comm" % pid) as f:
            assert f.read().strip() == name
        assert name in cmdline(pid)
    out = subprocess.run(["ps", "-eo", "args"], capture_output=True,
                         text=True).stdout
    for name in CHILDREN:
        assert "moat: %s" % name in out


@pytest.mark.parametrize("name", ("moatd",) + CHILDREN)
def test_child_is_sandboxed(suite, name):
    st = proc_status(suite.pid(name))
    assert st["Seccomp"] == "2"
    assert st["NoNewPrivs"] == "1"


@pytest.mark.parametrize("name", CHILDREN)
def test_child_runs_as_its_own_user(suite, name):
    assert ROOT, "user switching is tested as root (make check runs so)"
    pid, user, uid = suite.status()[name]
    assert user == OWN_USER[name]
    st = proc_status(pid)
    uids = st["Uid"].split()
    assert len(set(uids)) == 1
    assert int(uids[0]) == uid
    if name != "taskd":
        assert uid != 0
        assert st["Groups"].split() == st["Gid"].split()[:1]


def test_chroots(suite):
    assert ROOT, "chroot is tested as root (make check runs so)"
    for name, where in (("frontd", "empty"), ("authd", "empty"),
                        ("stored", "db"), ("gatewayd", "empty")):
        root = os.readlink("/proc/%d/root" % suite.pid(name))
        assert root == os.path.join(suite.var, where)
    assert os.listdir(os.path.join(suite.var, "empty")) == []


def test_taskd_capabilities_are_trimmed(suite):
    st = proc_status(suite.pid("taskd"))
    eff = int(st["CapEff"], 16)
    bnd = int(st["CapBnd"], 16)
    for cap in (2, 16, 17, 19, 25):   # DAC_READ_SEARCH, SYS_MODULE,
        # SYS_RAWIO, SYS_PTRACE, SYS_TIME
        assert not eff & (1 << cap)
        assert not bnd & (1 << cap)


def children_of(pid):
    with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
        return [int(c) for c in f.read().split()]


CAP_DAC_OVERRIDE, CAP_SYS_ADMIN, CAP_SETUID = 1, 21, 7
CAP_SYS_PTRACE = 19


def test_taskd_keeps_no_capability_once_its_runner_runs(suite):
    """The runner keeps what crun and ip need; taskd, which only talks
    to its peers and the runner, none: not CAP_SYS_ADMIN, not
    CAP_DAC_OVERRIDE, not in its bounding set either."""
    assert ROOT, "capabilities are tested as root (make check runs so)"
    taskd = suite.pid("taskd")
    st = proc_status(taskd)
    for field in ("CapEff", "CapPrm", "CapBnd", "CapInh", "CapAmb"):
        assert int(st[field], 16) == 0, (field, st[field])
    runners = [p for p in children_of(taskd)
               if "taskd runner" in cmdline(p)]
    assert len(runners) == 1, children_of(taskd)
    runner = proc_status(runners[0])
    for cap in (CAP_DAC_OVERRIDE, CAP_SYS_ADMIN, CAP_SETUID):
        assert int(runner["CapEff"], 16) & (1 << cap), cap
        assert int(runner["CapBnd"], 16) & (1 << cap), cap
    # kept for runc alone (test_hosts runs runc)
    assert not int(runner["CapBnd"], 16) & (1 << CAP_SYS_PTRACE)


def test_execve_kills_taskd(make_suite):
    """taskd forks its runner and execs nothing after: the test build's
    forbidden call for a process without exec is execve itself."""
    s = make_suite()
    victim = s.pid("taskd")
    os.kill(victim, signal.SIGUSR2)
    assert s.wait_exit(3) not in (None, 0)
    log = s.log_text()
    assert "taskd: test hook: making a forbidden system call (execve)" in \
        log, log
    assert re.search(r"taskd \(pid %d\) was killed by signal 31 \(Bad "
                     r"system call\)" % victim, log), log


def test_frontd_holds_only_sockets_and_dev_null(suite):
    pid = suite.pid("frontd")
    fddir = "/proc/%d/fd" % pid
    targets = [os.readlink(os.path.join(fddir, fd))
               for fd in os.listdir(fddir)]
    others = [t for t in targets
              if not t.startswith("socket:") and t != "/dev/null"
              and t != "anon_inode:[eventpoll]"]
    assert others == []
    assert any(t.startswith("socket:") for t in targets)


def test_authd_holds_no_file(suite):
    pid = suite.pid("authd")
    fddir = "/proc/%d/fd" % pid
    for fd in os.listdir(fddir):
        t = os.readlink(os.path.join(fddir, fd))
        assert t.startswith(("socket:", "anon_inode:")) or t == "/dev/null"


def test_gatewayd_holds_no_file(suite):
    """The SSH gateway read its host key from a descriptor moatd
    passed, and keeps no file: only its links and its listener."""
    pid = suite.pid("gatewayd")
    fddir = "/proc/%d/fd" % pid
    for fd in os.listdir(fddir):
        t = os.readlink(os.path.join(fddir, fd))
        assert t.startswith(("socket:", "anon_inode:")) or t == "/dev/null"


def test_children_get_no_environment(suite):
    for name in CHILDREN:
        with open("/proc/%d/environ" % suite.pid(name), "rb") as f:
            env = [e for e in f.read().split(b"\0") if e]
        names = {e.split(b"=")[0] for e in env}
        assert names <= {b"ASAN_OPTIONS", b"UBSAN_OPTIONS", b"LSAN_OPTIONS",
                         b"MOAT_TEST_NOSANDBOX"}


@pytest.mark.parametrize("name", CHILDREN)
def test_forbidden_call_kills_child_and_suite(make_suite, name):
    s = make_suite()
    pids = s.all_pids()
    victim = s.pid(name)
    t0 = time.time()
    os.kill(victim, signal.SIGUSR2)     # the test build's forbidden call
    code = s.wait_exit(3)
    elapsed = time.time() - t0
    assert code not in (None, 0)
    assert elapsed < 1.5
    log = s.log_text()
    assert re.search(r"%s \(pid %d\) was killed by signal 31 \(Bad system "
                     r"call\): stopping the suite" % (name, victim), log), log
    assert wait_gone(pids, 1) == []


@pytest.mark.parametrize("name", CHILDREN)
def test_dead_child_stops_suite_within_a_second(make_suite, name):
    s = make_suite()
    pids = s.all_pids()
    victim = s.pid(name)
    t0 = time.time()
    os.kill(victim, signal.SIGKILL)
    code = s.wait_exit(3)
    assert code == 1
    assert time.time() - t0 < 1.0
    assert re.search(r"%s \(pid %d\) was killed by signal 9" %
                     (name, victim), s.log_text())
    assert wait_gone(pids, 1) == []


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_signal_to_group_stops_everything(make_suite, sig):
    s = make_suite()
    pids = s.all_pids()
    t0 = time.time()
    s.signal(sig)
    code = s.wait_exit(3)
    assert code == 0
    assert time.time() - t0 < 2.0
    assert wait_gone(pids, 0.5) == []
    assert not os.path.exists(os.path.join(s.var, "moatd.sock"))


def test_sigterm_to_moatd_alone_stops_everything(make_suite):
    s = make_suite()
    pids = s.all_pids()
    os.kill(s.pid("moatd"), signal.SIGTERM)
    assert s.wait_exit(3) == 0
    assert wait_gone(pids, 1) == []


def test_killing_moatd_leaves_no_orphans(make_suite):
    s = make_suite()
    pids = s.all_pids()
    os.kill(s.pid("moatd"), signal.SIGKILL)
    assert wait_gone(pids, 2) == []


def test_children_refuse_to_start_by_hand():
    out = subprocess.run([os.path.join(BINDIR, "frontd")],
                         capture_output=True, text=True)
    assert out.returncode != 0
    assert "start the suite with moatd" in out.stderr


def test_control_socket_is_root_only(suite):
    assert ROOT, "the control socket is tested as root (make check runs so)"
    import grp
    sock = os.path.join(suite.var, "moatd.sock")
    st = os.stat(sock)
    # root's, and the group of sshd's key lookups (test_sshkeys)
    assert st.st_mode & 0o777 == 0o660
    assert st.st_uid == 0
    assert st.st_gid == grp.getgrnam("_moatkeys").gr_gid
    # another user is refused even when the file mode would allow it
    os.chmod(sock, 0o666)
    out = subprocess.run(
        ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
         os.path.join(BINDIR, "moatctl"), "-s", sock, "status"],
        capture_output=True, text=True)
    os.chmod(sock, 0o660)
    assert out.returncode != 0
    assert "PROCESS" not in out.stdout


def test_forbidden_call_in_moatd_leaves_nothing_behind(make_suite):
    s = make_suite()
    pids = s.all_pids()
    os.kill(s.pid("moatd"), signal.SIGUSR2)
    code = s.wait_exit(3)
    assert code == -signal.SIGSYS
    assert wait_gone(pids, 2) == []


def ldd(name):
    out = subprocess.run(["ldd", os.path.join(BINDIR, name)],
                         capture_output=True, text=True, check=True).stdout
    return {line.split()[0] for line in out.splitlines() if line.strip()}


def test_each_program_links_only_what_its_job_needs():
    def has(libs, stem):
        return any(lib.startswith(stem) for lib in libs)
    frontd, stored, moatd = ldd("frontd"), ldd("stored"), ldd("moatd")
    authd, taskd = ldd("authd"), ldd("taskd")
    gatewayd = ldd("gatewayd")
    assert has(gatewayd, "libssh") and not has(gatewayd, "libsqlite3")
    assert not has(gatewayd, "libargon2") and not has(gatewayd, "libcurl")
    assert not has(frontd, "libsqlite3") and not has(frontd, "libargon2")
    assert has(frontd, "libssl")
    assert not has(stored, "libssl") and not has(stored, "libcrypto")
    assert has(stored, "libsqlite3")
    assert not has(moatd, "libcrypto") and not has(moatd, "libsqlite3")
    assert not has(authd, "libsqlite3") and not has(authd, "libssl")
    assert not has(taskd, "libsqlite3") and not has(taskd, "libargon2")


def test_inherited_descriptors_do_not_reach_the_children(tmp_path):
    # an operator's shell may leave files open; moatd passes none on
    from suite import Suite, TOP
    leak = tmp_path / "operator-file"
    s = Suite(tmp_path)
    s.log = open(s.log_path, "ab")
    s.proc = subprocess.Popen(
        ["sh", "-c", 'exec 7>"$1" 8>"$1" 9<"$1"; exec "$2" "$3"', "sh",
         str(leak), os.path.join(TOP, "scripts", "run.sh"), BINDIR],
        cwd=TOP, env=s.env(), stdin=subprocess.DEVNULL, stdout=s.log,
        stderr=subprocess.STDOUT, start_new_session=True)
    try:
        s.wait_ready()
        for name in ("moatd",) + CHILDREN:
            fddir = "/proc/%d/fd" % s.pid(name)
            for fd in os.listdir(fddir):
                target = os.readlink(os.path.join(fddir, fd))
                assert "operator-file" not in target, (name, fd)
    finally:
        s.stop()
        s.remove_system_objects()
        s.remove_state()
