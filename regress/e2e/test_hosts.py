"""Hosts on a real crun: created with their limits and namespaces,
stopped, started, rebuilt with their home kept, deleted with nothing
left; the owner rules; a taskd killed in the middle of a create; the
reconciler; a missing runtime; the task list and the dashboard."""
import glob
import json
import os
import shutil
import signal
import subprocess
import time

import pytest

from identity import admin_token, call, login, make_user, moatctl
from suite import LEAKCHECK, proc_status

CRUN = "/usr/bin/crun"
RUNC = "/usr/sbin/runc"


def crun(*args, runtime=CRUN):
    return subprocess.run([runtime, *args], capture_output=True, text=True)


def containers(s, runtime=CRUN):
    return s.containers(runtime)


@pytest.fixture(autouse=True)
def runtimes_present():
    """Each suite removes what its hosts left, and only that (conftest):
    a suite beside this one on the machine keeps its own."""
    assert os.path.exists(CRUN), "crun is needed (scripts/deps.sh)"
    assert os.path.exists(RUNC), "runc is needed (scripts/deps.sh)"


def wait_for(what, timeout=20, step=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = what()
        if value:
            return value
        time.sleep(step)
    raise AssertionError("timed out waiting")


def task_of(suite, token, task_id):
    status, body, _ = call(suite, "GET", "/v1/admin/tasks?limit=200", token)
    assert status == 200, body
    for t in body["tasks"]:
        if t["task_id"] == task_id:
            return t
    return None


def finished(suite, token, task_id, timeout=30):
    def done():
        t = task_of(suite, token, task_id)
        return t if t and t["status"] in ("succeeded", "failed") else None
    return wait_for(done, timeout)


def succeeded(suite, token, task_id, timeout=30):
    t = finished(suite, token, task_id, timeout)
    assert t["status"] == "succeeded", t
    return t


def host(suite, token, host_id):
    status, body, _ = call(suite, "GET", "/v1/admin/hosts/" + host_id, token)
    return status, body


def create(suite, token, user_id, **extra):
    body = {"user_id": user_id, "memory_limit_mb": 96, "pids_limit": 48,
            "cpu_limit": 0.5, "hostname": "box1",
            "timezone": "Europe/Warsaw"}
    body.update(extra)
    status, answer, _ = call(suite, "POST", "/v1/admin/hosts", token, body)
    assert status == 202, answer
    return answer["host"], answer["task_id"]


def container_pid(s, short_id, runtime=CRUN):
    out = crun("state", s.container(short_id), runtime=runtime)
    assert out.returncode == 0, out.stderr
    state = json.loads(out.stdout)
    assert state["status"] == "running"
    return state["pid"]


def in_host(s, short_id, command, runtime=CRUN):
    return crun("exec", s.container(short_id), "/bin/sh", "-c", command,
                runtime=runtime)


def test_host_lifecycle(suite):
    admin = admin_token(suite)
    user = make_user(suite, admin, "cust", "password-cust")
    h, task_id = create(suite, admin, user["id"])
    assert h["status"] == "pending" and h["user_id"] == user["id"]
    assert len(h["short_id"]) == 10 and h["hostname"] == "box1"
    assert h["memory_limit_mb"] == 96 and h["pids_limit"] == 48
    assert h["cpu_limit"] == 0.5
    assert h["short_id"] in h["access_command"]
    t = finished(suite, admin, task_id)
    assert t["status"] == "succeeded", t
    assert t["kind"] == "host.create" and t["host_id"] == h["id"]
    assert t["progress_percent"] == 100
    status, body = host(suite, admin, h["id"])
    assert status == 200 and body["host"]["status"] == "running"

    # its own namespaces, its limits, no new privileges, a read-only root
    pid = container_pid(suite, h["short_id"])
    for ns in ("net", "pid", "mnt", "uts", "ipc"):
        assert os.readlink("/proc/%d/ns/%s" % (pid, ns)) != \
            os.readlink("/proc/self/ns/" + ns), ns
    with open("/proc/%d/cgroup" % pid) as f:
        groups = f.read()
    top = "/moat-%s/%s\n" % (suite.suite_id(), h["short_id"])
    assert "memory:" + top in groups and "pids:" + top in groups, groups
    with open(suite.cgroup("memory", h["short_id"]) +
              "/memory.limit_in_bytes") as f:
        assert int(f.read()) == 96 * 1024 * 1024
    with open(suite.cgroup("pids", h["short_id"]) + "/pids.max") as f:
        assert f.read().strip() == "48"
    with open(suite.cgroup("cpu", h["short_id"]) + "/cpu.cfs_quota_us") as f:
        assert f.read().strip() == "50000"
    with open("/proc/%d/status" % pid) as f:
        assert "NoNewPrivs:\t1" in f.read()
    out = in_host(suite, h["short_id"], "hostname; echo $TZ; touch /bin/x; "
                  "echo kept > /home/file; cat /home/file")
    assert out.stdout.split("\n")[:2] == ["box1", "Europe/Warsaw"]
    assert "Read-only file system" in out.stderr
    assert "kept" in out.stdout

    # rebuild: a new container, the home kept
    status, body, _ = call(suite, "POST", "/v1/admin/hosts/%s/rebuild"
                           % h["id"], admin)
    assert status == 202, body
    succeeded(suite, admin, body["task_id"])
    assert container_pid(suite, h["short_id"]) != pid
    assert in_host(suite, h["short_id"], "cat /home/file").stdout == "kept\n"

    # stop: gone from the runtime; start: back
    status, body, _ = call(suite, "POST", "/v1/admin/hosts/%s/stop" %
                           h["id"], admin)
    assert status == 202
    succeeded(suite, admin, body["task_id"])
    assert crun("state", suite.container(h["short_id"])).returncode != 0
    assert host(suite, admin, h["id"])[1]["host"]["status"] == "stopped"
    status, body, _ = call(suite, "POST", "/v1/admin/hosts/%s/start" %
                           h["id"], admin)
    succeeded(suite, admin, body["task_id"])
    assert host(suite, admin, h["id"])[1]["host"]["status"] == "running"
    assert in_host(suite, h["short_id"], "cat /home/file").stdout == "kept\n"

    # the dashboard counts it
    status, stats, _ = call(suite, "GET", "/v1/admin/dashboard/stats", admin)
    assert status == 200
    assert stats["running_hosts"] == 1 and stats["active_users"] == 2
    assert stats["available_ips"] == 0
    assert stats["hosts_by_state"]["running"] == 1
    assert stats["tasks_by_state"]["succeeded"] == 4

    # delete: container, limits and home gone, the host too
    status, body, _ = call(suite, "DELETE", "/v1/admin/hosts/" + h["id"],
                           admin)
    assert status == 202
    succeeded(suite, admin, body["task_id"])
    assert containers(suite) == []
    assert not glob.glob(suite.var + "/task/volumes/" + h["short_id"])
    assert not glob.glob(suite.cgroup("*", h["short_id"]))
    assert host(suite, admin, h["id"])[0] == 404
    # a deleted host's user may have a new one
    h2, task2 = create(suite, admin, user["id"])
    succeeded(suite, admin, task2)

    # every transition is an event; tasks filter by state, host and kind
    status, events, _ = call(suite, "GET", "/v1/admin/events?host_id=" +
                             h["id"] + "&limit=200", admin)
    types = [e["type"] for e in events["events"]]
    assert types.count("admin.host.create") == 1
    assert types.count("admin.host.action") == 4
    assert types.count("task.succeeded") == 5
    for query, n in [("kind=host.rebuild", 1), ("state=succeeded", 6),
                     ("host_id=" + h["id"], 5), ("host_id=%d" % h2["oid"],
                                                 1)]:
        status, body, _ = call(suite, "GET", "/v1/admin/tasks?" + query,
                               admin)
        assert status == 200 and body["total"] == n, (query, body)
    status, body, _ = call(suite, "GET", "/v1/admin/tasks?status="
                           "succeeded", admin)
    assert status == 200 and body["total"] == 6, body
    for query in ["state=done", "kind=x", "limit=0", "limit=201",
                  "offset=-1", "colour=red", "status=done"]:
        status, body, _ = call(suite, "GET", "/v1/admin/tasks?" + query,
                               admin)
        assert status == 400 and "error" in body, query
    task = body = call(suite, "GET", "/v1/admin/tasks?limit=1", admin)[1]
    assert set(task["tasks"][0]) >= {
        "task_id", "host_id", "kind", "status", "requested_by",
        "error_code", "error_message", "progress_percent",
        "progress_message", "created_at", "updated_at"}


def test_host_rules(suite):
    admin = admin_token(suite)
    alice = make_user(suite, admin, "alice", "password-alice")
    bob = make_user(suite, admin, "bob", "password-bob")
    a_token = login(suite, "alice", "password-alice")[1]["token"]
    b_token = login(suite, "bob", "password-bob")[1]["token"]
    h, task_id = create(suite, admin, alice["id"])
    # one live host per user
    status, body, _ = call(suite, "POST", "/v1/admin/hosts", admin,
                           {"user_id": alice["id"]})
    assert status == 409, body
    finished(suite, admin, task_id)
    bad = [({"user_id": "nobody"}, 404), ({}, 400),
           ({"user_id": bob["id"], "hostname": "-bad"}, 400),
           ({"user_id": bob["id"], "hostname": "a" * 64}, 400),
           ({"user_id": bob["id"], "timezone": "../../etc/passwd"}, 400),
           ({"user_id": bob["id"], "cpu_limit": "two"}, 400),
           ({"user_id": bob["id"], "cpu_limit": 0}, 400),
           ({"user_id": bob["id"], "memory_limit_mb": 1}, 400),
           ({"user_id": bob["id"], "memory_limit_mb": -5}, 400),
           ({"user_id": bob["id"], "pids_limit": 2}, 400),
           ({"user_id": bob["id"], "egress_ip_id": "nope"}, 400),
           ({"user_id": bob["id"], "color": "red"}, 400)]
    for body, code in bad:
        status, answer, _ = call(suite, "POST", "/v1/admin/hosts", admin,
                                 body)
        assert status == code, (body, answer)
        assert set(answer) == {"error"}
    status, body, _ = call(suite, "GET", "/v1/admin/hosts", admin)
    assert [x["id"] for x in body["hosts"]] == [h["id"]]
    # users: no admin route, whatever the host
    for method, path in [("GET", "/v1/admin/hosts"),
                         ("POST", "/v1/admin/hosts"),
                         ("GET", "/v1/admin/hosts/" + h["id"]),
                         ("POST", "/v1/admin/hosts/%s/stop" % h["id"]),
                         ("DELETE", "/v1/admin/hosts/" + h["id"]),
                         ("GET", "/v1/admin/tasks"),
                         ("GET", "/v1/admin/dashboard/stats")]:
        status, body, _ = call(suite, method, path, a_token,
                               {"user_id": alice["id"]}
                               if method == "POST" else None)
        assert status == 403, (method, path, body)
    # the portal: alice sees and rebuilds her own, bob nothing of hers
    status, body, _ = call(suite, "GET", "/v1/user/hosts", a_token)
    assert status == 200 and [x["id"] for x in body["hosts"]] == [h["id"]]
    status, body, _ = call(suite, "GET", "/v1/user/hosts", b_token)
    assert status == 200 and body["hosts"] == []
    for ref in (h["id"], str(h["oid"])):
        assert call(suite, "GET", "/v1/user/hosts/" + ref, b_token)[0] == 404
        assert call(suite, "POST", "/v1/user/hosts/%s/rebuild" % ref,
                    b_token)[0] == 404
    status, body, _ = call(suite, "GET", "/v1/user/hosts/" + h["id"],
                           a_token)
    assert status == 200 and body["host"]["short_id"] == h["short_id"]
    status, body, _ = call(suite, "POST", "/v1/user/hosts/%s/rebuild" %
                           h["id"], a_token)
    assert status == 202, body
    # one task at a time per host
    status, busy, _ = call(suite, "POST", "/v1/admin/hosts/%s/stop" %
                           h["id"], admin)
    assert status in (202, 409), busy
    finished(suite, admin, body["task_id"])
    status, events, _ = call(suite, "GET", "/v1/admin/events?type="
                             "user.host.action", admin)
    assert events["total"] == 1


def test_a_deleted_user_takes_their_host_along(suite):
    """control-plane-v1.txt: deleting a user cascades to their hosts; the
    rows go with the user's, the container by a task that names it."""
    admin = admin_token(suite)
    user = make_user(suite, admin, "leaving", "password-leaving")
    h, task_id = create(suite, admin, user["id"])
    succeeded(suite, admin, task_id)
    # the admin sees the host with its user, and not on the portal
    status, body, _ = call(suite, "GET", "/v1/admin/users/" + user["id"],
                           admin)
    assert status == 200 and [x["id"] for x in body["hosts"]] == [h["id"]]
    assert body["hosts"][0]["short_id"] == h["short_id"]
    assert call(suite, "GET", "/v1/user/hosts/" + h["id"], admin)[0] == 404
    assert call(suite, "POST", "/v1/user/hosts/%s/rebuild" % h["id"],
                admin)[0] == 404
    assert call(suite, "DELETE", "/v1/admin/users/" + user["id"],
                admin)[0] == 204
    status, tasks, _ = call(suite, "GET", "/v1/admin/tasks?kind=host.delete",
                            admin)
    assert tasks["total"] == 1, tasks
    succeeded(suite, admin, tasks["tasks"][0]["task_id"])
    assert containers(suite) == []
    assert not glob.glob(suite.var + "/task/volumes/" + h["short_id"])
    assert not glob.glob(suite.cgroup("*", h["short_id"]))
    assert call(suite, "GET", "/v1/admin/hosts/" + h["id"], admin)[0] == 404


def logging_runtime(tmp_path):
    """crun behind a wrapper that writes when each call begins and ends,
    and pauses two seconds before a `run`: a create surely in progress
    when something else is asked of its host."""
    path, log = str(tmp_path / "logging-crun"), str(tmp_path / "crun.log")
    with open(path, "w") as f:
        f.write("#!/bin/sh\n"
                "for a in \"$@\"; do case $a in -*) ;; *) verb=$a; break;; "
                "esac; done\n"
                "echo \"begin $$ $verb\" >> %s\n"
                "[ \"$verb\" != run ] || sleep 2\n"
                "%s \"$@\"\nrc=$?\n"
                "echo \"end $$ $verb $rc\" >> %s\n"
                "exit $rc\n" % (log, CRUN, log))
    os.chmod(path, 0o755)
    return path, log


def test_one_task_of_a_host_at_a_time(make_suite, tmp_path):
    """A user deleted while their host's create runs: the host.delete
    queued for it waits until the create is over (stored leases one
    task of a host at a time, and the create keeps its row), so the
    delete never removes files under a create, nor a create makes a
    container for a host whose files are gone."""
    runtime, log = logging_runtime(tmp_path)
    s = make_suite('task runtime "%s"\n' % runtime)
    admin = admin_token(s)
    user = make_user(s, admin, "hasty", "password-hasty")
    h, task_id = create(s, admin, user["id"])
    wait_for(lambda: os.path.exists(log) and "run" in open(log).read(),
             step=0.05)
    assert call(s, "DELETE", "/v1/admin/users/" + user["id"],
                admin)[0] == 204
    status, tasks, _ = call(s, "GET", "/v1/admin/tasks?kind=host.delete",
                            admin)
    assert tasks["total"] == 1, tasks
    delete = tasks["tasks"][0]["task_id"]
    # while the create runs, the delete is not leased
    assert task_of(s, admin, delete)["status"] == "pending"
    assert task_of(s, admin, task_id)["status"] == "running"
    t = succeeded(s, admin, delete)
    assert task_of(s, admin, task_id)["status"] == "succeeded"
    # the runtime's calls, in order: the create's run ended well before
    # the delete's first began, and none overlapped another
    with open(log) as f:
        calls = [line.split() for line in f]
    open_calls = set()
    for c in calls:
        if c[0] == "begin":
            assert not open_calls, calls
            open_calls.add(c[1])
        else:
            open_calls.discard(c[1])
    verbs = [(c[0], c[2]) + tuple(c[3:]) for c in calls]
    run = verbs.index(("end", "run", "0"))
    assert ("begin", "state") in verbs[run:], verbs
    assert ("begin", "delete") in verbs[run:], verbs
    assert t["status"] == "succeeded"
    assert containers(s) == []
    assert not os.path.exists(os.path.join(s.var, "task", "volumes",
                                           h["short_id"]))
    assert not os.path.exists(os.path.join(s.var, "task", "hosts",
                                           h["short_id"]))
    assert not glob.glob(s.cgroup("*", h["short_id"]))


def test_an_access_command_holds_only_a_host_name(suite):
    admin = admin_token(suite)
    user = make_user(suite, admin, "quoted", "password-quoted")
    h, task_id = create(suite, admin, user["id"])
    status, hdrs, raw = suite.request("GET", "/v1/admin/hosts/" + h["id"],
                                      None, {"Authorization": "Bearer " +
                                             admin, "Host": "a$(id)b"})
    body = json.loads(raw)
    assert status == 200, body
    assert body["host"]["access_command"] == (
        "curl -sSf https://YOUR_HOST/entry/%s | bash" % h["short_id"])
    finished(suite, admin, task_id)


def slow_runtime(tmp_path):
    """crun behind a second's pause: a create that is surely still in
    progress when taskd is killed."""
    path = str(tmp_path / "slow-crun")
    with open(path, "w") as f:
        f.write("#!/bin/sh\nsleep 1\nexec %s \"$@\"\n" % CRUN)
    os.chmod(path, 0o755)
    return path


@pytest.mark.parametrize("victim", ["taskd", "stored", "moatd"])
def test_killed_in_the_middle_of_a_create(make_suite, tmp_path, victim):
    s = make_suite('task runtime "%s"\n' % slow_runtime(tmp_path))
    admin = admin_token(s)
    user = make_user(s, admin, "crash", "password-crash")
    h, task_id = create(s, admin, user["id"])
    # while the worker has it, a process dies (with moatd, the whole
    # suite): the suite fails closed
    wait_for(lambda: (task_of(s, admin, task_id) or {}).get("status") ==
             "running", step=0.05)
    pids = s.all_pids()
    os.kill(s.pid(victim), signal.SIGKILL)
    if victim == "moatd":
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    s.wait_exit(5)
    s.start()
    admin = admin_token(s)
    t = finished(s, admin, task_id)
    assert t["status"] == "succeeded", t
    assert containers(s) == [s.container(h["short_id"])]
    container_pid(s, h["short_id"])
    assert host(s, admin, h["id"])[1]["host"]["status"] == "running"


def test_reconciler_notices_a_container_killed_outside(suite):
    admin = admin_token(suite)
    user = make_user(suite, admin, "recon", "password-recon")
    h, task_id = create(suite, admin, user["id"])
    succeeded(suite, admin, task_id)
    crun("kill", suite.container(h["short_id"]), "KILL")
    wait_for(lambda: host(suite, admin, h["id"])[1]["host"]["status"] ==
             "stopped", timeout=15)
    status, events, _ = call(suite, "GET", "/v1/admin/events?type="
                             "host.reconciled", admin)
    assert events["total"] == 1
    assert events["events"][0]["host_id"] == h["id"]
    # and starts it again on request
    status, body, _ = call(suite, "POST", "/v1/admin/hosts/%s/start" %
                           h["id"], admin)
    succeeded(suite, admin, body["task_id"])
    container_pid(suite, h["short_id"])


def test_runc_as_the_runtime(make_suite):
    """runc by configuration: the same host, namespaces and limits, and
    runc keeps the container in the host's cgroups, not in its own."""
    s = make_suite('task runtime runc "%s"\n' % RUNC)
    admin = admin_token(s)
    user = make_user(s, admin, "runcuser", "password-runc")
    h, task_id = create(s, admin, user["id"])
    t = finished(s, admin, task_id)
    assert t["status"] == "succeeded", t
    short = h["short_id"]
    assert containers(s) == []
    assert containers(s, RUNC) == [s.container(short)]
    pid = container_pid(s, short, RUNC)
    for ns in ("net", "pid", "mnt", "uts", "ipc"):
        assert os.readlink("/proc/%d/ns/%s" % (pid, ns)) != \
            os.readlink("/proc/self/ns/" + ns), ns
    with open("/proc/%d/cgroup" % pid) as f:
        groups = f.read()
    top = "/moat-%s/%s\n" % (s.suite_id(), short)
    for controller in ("memory", "pids", "cpu"):
        assert "%s:%s" % (controller, top) in groups or \
            ",%s:%s" % (controller, top) in groups, groups
    with open(s.cgroup("memory", short) + "/memory.limit_in_bytes") as f:
        assert int(f.read()) == 96 * 1024 * 1024
    with open(s.cgroup("pids", short) + "/pids.max") as f:
        assert f.read().strip() == "48"
    with open("/proc/%d/status" % pid) as f:
        assert "NoNewPrivs:\t1" in f.read()
    out = in_host(s, short, "hostname; touch /bin/x; echo kept > /home/file",
                  RUNC)
    assert out.stdout.split("\n")[0] == "box1", out
    assert "Read-only file system" in out.stderr
    # stop, start with the home kept, and the reconciler agrees
    status, body, _ = call(s, "POST", "/v1/admin/hosts/%s/stop" % h["id"],
                           admin)
    succeeded(s, admin, body["task_id"])
    assert containers(s, RUNC) == []
    status, body, _ = call(s, "POST", "/v1/admin/hosts/%s/start" % h["id"],
                           admin)
    succeeded(s, admin, body["task_id"])
    assert in_host(s, short, "cat /home/file", RUNC).stdout == "kept\n"
    time.sleep(3.5)     # a reconciler pass: runc's answer is read right
    assert host(s, admin, h["id"])[1]["host"]["status"] == "running"
    # delete: nothing left in runc, in the cgroups or on disk
    status, body, _ = call(s, "DELETE", "/v1/admin/hosts/" + h["id"], admin)
    succeeded(s, admin, body["task_id"])
    assert containers(s, RUNC) == []
    assert not glob.glob(s.cgroup("*", short))
    assert not glob.glob(s.var + "/task/volumes/" + short)


def test_missing_runtime_fails_the_task_not_the_daemon(make_suite):
    s = make_suite('task runtime "/nonexistent/crun"\n')
    admin = admin_token(s)
    user = make_user(s, admin, "noruntime", "password-nr")
    h, task_id = create(s, admin, user["id"])
    t = finished(s, admin, task_id)
    assert t["status"] == "failed"
    assert t["error_code"] == "runtime_missing"
    assert "/nonexistent/crun" in t["error_message"]
    assert host(s, admin, h["id"])[1]["host"]["status"] == "failed"
    status, body = s.json("GET", "/healthz")
    assert status == 200 and body["status"] == "ok"
    status, events, _ = call(s, "GET", "/v1/admin/events?type=task.failed",
                             admin)
    assert events["total"] == 1


def test_rotate_ssh_password_shows_it_once(suite):
    admin = admin_token(suite)
    user = make_user(suite, admin, "pwhost", "password-pwhost")
    token = login(suite, "pwhost", "password-pwhost")[1]["token"]
    h, task_id = create(suite, admin, user["id"])
    path = "/v1/admin/hosts/%s/rotate-ssh-password" % h["id"]
    status, first, _ = call(suite, "POST", path, admin)
    assert status == 200, first
    assert len(first["ssh_password"]) == 20
    assert first["password"] == first["ssh_password"]
    status, second, _ = call(suite, "POST", "/v1/admin/hosts/%d/"
                             "rotate-ssh-password" % h["oid"], admin)
    assert status == 200 and second["ssh_password"] != first["ssh_password"]
    assert call(suite, "POST", path, token)[0] == 403
    assert call(suite, "POST", "/v1/admin/hosts/999999/rotate-ssh-password",
                admin)[0] == 404
    # sealed at rest, never shown again, never in events or the log
    finished(suite, admin, task_id)
    for secret in (first["ssh_password"], second["ssh_password"]):
        for name in os.listdir(os.path.join(suite.var, "db")):
            with open(os.path.join(suite.var, "db", name), "rb") as f:
                assert secret.encode() not in f.read()
        assert secret not in json.dumps(host(suite, admin, h["id"])[1])
        assert secret not in suite.log_text()
    status, events, _ = call(suite, "GET", "/v1/admin/events?host_id=" +
                             h["id"] + "&type=admin.host.action", admin)
    assert events["total"] == 2
    assert first["ssh_password"] not in json.dumps(events)


def test_noop_tasks_through_the_queue(suite):
    admin = admin_token(suite)
    out = moatctl(suite, "task", "noop", "25")
    assert out.returncode == 0, out.stderr
    wait_for(lambda: call(suite, "GET", "/v1/admin/tasks?kind=noop&"
                          "state=succeeded&limit=1", admin)[1]["total"] == 25)
    for bad in ("0", "10001", "x", "-1"):
        out = moatctl(suite, "task", "noop", bad)
        assert out.returncode != 0 and "task count" in out.stderr
    status, stats, _ = call(suite, "GET", "/v1/admin/dashboard/stats", admin)
    assert stats["tasks_by_state"]["succeeded"] == 25


def test_tarball_image(make_suite, tmp_path):
    """An operator's image as a tarball: unpacked once, hosts run it."""
    import tarfile
    root = tmp_path / "rootfs"
    for d in ("bin", "etc", "proc", "sys", "dev", "tmp", "home"):
        (root / d).mkdir(parents=True)
    busybox = "/bin/busybox" if os.path.exists("/bin/busybox") else \
        "/usr/bin/busybox"
    with open(busybox, "rb") as f, open(root / "bin/busybox", "wb") as o:
        o.write(f.read())
    os.chmod(root / "bin/busybox", 0o755)
    for applet in ("sh", "sleep", "cat", "hostname"):
        os.symlink("busybox", root / "bin" / applet)
    (root / "etc/marker").write_text("from the tarball\n")
    tarball = str(tmp_path / "image.tar.gz")
    with tarfile.open(tarball, "w:gz") as t:
        t.add(str(root), arcname=".")
    s = make_suite('task image "%s"\n' % tarball)
    admin = admin_token(s)
    user = make_user(s, admin, "tarred", "password-tarred")
    h, task_id = create(s, admin, user["id"])
    succeeded(s, admin, task_id)
    assert in_host(s, h["short_id"], "cat /etc/marker").stdout == \
        "from the tarball\n"
    assert glob.glob(s.var + "/task/images/image.tar.gz-*/etc/marker")


# A program for inside a host (busybox has no keyctl or bpf): each call
# the container's seccomp profile refuses, with arguments that would
# fail otherwise with another error or succeed; its errno, or 0.
PROBE = r"""
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>
static void try(const char *name, long nr, long a, long b, long c, long d,
    long e)
{
	long r;
	errno = 0;
	r = syscall(nr, a, b, c, d, e, 0);
	if (r == 0 && nr == SYS_clone)
		_exit(0);	/* a child that should never have been */
	printf("%s %d\n", name, r == -1 ? errno : 0);
}
int main(void)
{
	try("keyctl", SYS_keyctl, 0, -3, 0, 0, 0);
	try("add_key", SYS_add_key, (long)"user", (long)"moat", (long)"x", 1,
	    -3);
	try("request_key", SYS_request_key, (long)"user", (long)"moat", 0,
	    -3, 0);
	try("bpf", SYS_bpf, 0, 0, 0, 0, 0);
	try("perf_event_open", SYS_perf_event_open, 0, 0, -1, -1, 0);
	try("kexec_load", SYS_kexec_load, 0, 0, 0, 0, 0);
	try("open_by_handle_at", SYS_open_by_handle_at, -1, 0, 0, 0, 0);
	try("init_module", SYS_init_module, 0, 0, (long)"", 0, 0);
	try("finit_module", SYS_finit_module, -1, (long)"", 0, 0, 0);
	try("delete_module", SYS_delete_module, (long)"moat", 0, 0, 0, 0);
	try("mount", SYS_mount, (long)"none", (long)"/tmp", (long)"tmpfs", 0,
	    0);
	try("umount2", SYS_umount2, (long)"/tmp", 0, 0, 0, 0);
	try("unshare_user", SYS_unshare, CLONE_NEWUSER, 0, 0, 0, 0);
	try("unshare_net", SYS_unshare, CLONE_NEWNET, 0, 0, 0, 0);
	try("clone_user", SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0);
	try("setns", SYS_setns, -1, 0, 0, 0, 0);
	try("userfaultfd", SYS_userfaultfd, 0, 0, 0, 0, 0);
	try("pivot_root", SYS_pivot_root, (long)"/", (long)"/", 0, 0, 0);
	try("swapon", SYS_swapon, (long)"/nonexistent", 0, 0, 0, 0);
	try("io_uring_setup", SYS_io_uring_setup, 1, 0, 0, 0, 0);
	try("clock_settime", SYS_clock_settime, 0, 0, 0, 0, 0);
	try("clone3", SYS_clone3, 0, 0, 0, 0, 0);
	try("getppid", SYS_getppid, 0, 0, 0, 0, 0);
	/* the hypervisor's sockets, however the domain is written */
	try("socket_vsock", SYS_socket, 40, SOCK_STREAM, 0, 0, 0);
	try("socket_vsock_high", SYS_socket, (1L << 32) | 40, SOCK_STREAM, 0,
	    0, 0);
	try("socket_unix", SYS_socket, AF_UNIX, SOCK_STREAM, 0, 0, 0);
	/* execution domains but Linux's, and flags */
	try("personality_no_randomize", SYS_personality, 0x0040000, 0, 0, 0,
	    0);
	try("personality_exec", SYS_personality, 0x0400000, 0, 0, 0, 0);
	try("personality_all_but_8", SYS_personality, 0xfffffff7L, 0, 0, 0, 0);
	try("personality_high", SYS_personality, 1L << 32, 0, 0, 0, 0);
	try("personality_query", SYS_personality, 0xffffffffL, 0, 0, 0, 0);
	try("personality_linux32", SYS_personality, 0x20008, 0, 0, 0, 0);
	try("personality_linux", SYS_personality, 0, 0, 0, 0, 0);
	return 0;
}
"""
EPERM, ENOSYS = 1, 38


def probe_binary(tmp_path):
    src, exe = tmp_path / "probe.c", tmp_path / "probe"
    src.write_text(PROBE)
    out = subprocess.run(["cc", "-static", "-O1", "-o", str(exe), str(src)],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return exe


def uid_block(s, short_id):
    with open(os.path.join(s.var, "task", "hosts", short_id, "uid")) as f:
        return int(f.read())


def console_keepers(s, short_id):
    bundle = os.path.join(s.var, "task", "hosts", short_id)
    found = []
    for path in glob.glob("/proc/[0-9]*/cmdline"):
        try:
            with open(path, "rb") as f:
                argv = f.read().split(b"\0")
        except OSError:
            continue
        if argv[:2] == [b"moat-console", bundle.encode()]:
            found.append(int(path.split("/")[2]))
    return found


def test_a_host_is_root_only_in_its_own_user_namespace(suite, tmp_path):
    """Root inside, an id of its own block outside; its files in the
    home are that block's; the container profile refuses what reaches
    past the host's namespaces (EPERM); each host a block of its own,
    claimed for the whole machine, kept across a rebuild."""
    admin = admin_token(suite)
    hosts = []
    for name in ("ns1", "ns2"):
        user = make_user(suite, admin, name, "password-" + name)
        h, task_id = create(suite, admin, user["id"])
        succeeded(suite, admin, task_id)
        hosts.append(h)
    short = hosts[0]["short_id"]
    block = uid_block(suite, short)
    assert block >= 2 ** 31 and block % 65536 == 0
    assert uid_block(suite, hosts[1]["short_id"]) != block
    bundle = os.path.realpath(os.path.join(suite.var, "task", "hosts",
                                           short))
    assert os.readlink("/run/moat-claims/uids/%d" % block) == bundle

    pid = container_pid(suite, short)
    st = proc_status(pid)
    assert st["Uid"].split() == [str(block)] * 4
    assert st["Gid"].split() == [str(block)] * 4
    assert st["Seccomp"] == "2" and st["NoNewPrivs"] == "1"
    out = in_host(suite, short, "id -u; cat /proc/self/uid_map; "
                  "echo mine > /home/made; mkdir /home/dir")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.split("\n")
    assert lines[0] == "0"
    assert lines[1].split() == ["0", str(block), "65536"]
    home = os.path.join(suite.var, "task", "volumes", short)
    for path in (home, home + "/made", home + "/dir"):
        assert (os.stat(path).st_uid, os.stat(path).st_gid) == \
            (block, block), path

    out = in_host(suite, short, "busybox unshare -U true")
    assert out.returncode != 0
    assert "Operation not permitted" in out.stderr
    exe = probe_binary(tmp_path)
    with open(exe, "rb") as f, open(home + "/probe", "wb") as o:
        o.write(f.read())
    os.chmod(home + "/probe", 0o755)
    out = in_host(suite, short, "/home/probe")
    assert out.returncode == 0, out.stderr
    errors = dict(line.split() for line in out.stdout.splitlines())
    assert errors.pop("clone3") == str(ENOSYS)
    for allowed in ("getppid", "socket_unix", "personality_query",
                    "personality_linux32", "personality_linux"):
        assert errors.pop(allowed) == "0", allowed
    assert errors == {name: str(EPERM) for name in errors}, errors
    assert len(errors) == 27
    # and Docker's masked paths (whichever this kernel has)
    with open(os.path.join(suite.var, "task", "hosts", short,
                           "config.json")) as f:
        masked = json.load(f)["linux"]["maskedPaths"]
    for path in ("/proc/latency_stats", "/proc/timer_stats", "/proc/asound",
                 "/sys/devices/virtual/powercap", "/proc/kcore"):
        assert path in masked, path
    present = [p for p in masked if os.path.exists(p)]
    out = in_host(suite, short, "for p in %s; do echo \"$p|$(stat -c %%F "
                  "$p)|$(ls -A $p | wc -l)\"; done" % " ".join(present))
    for line in out.stdout.splitlines():
        name, kind, entries = line.split("|")
        assert (kind, entries.strip()) in (
            ("character special file", "1"), ("directory", "0")), line
    assert len(out.stdout.splitlines()) == len(present) >= 1

    # rebuilt: the same block, the home as it was
    status, body, _ = call(suite, "POST", "/v1/admin/hosts/%s/rebuild" %
                           hosts[0]["id"], admin)
    succeeded(suite, admin, body["task_id"])
    assert uid_block(suite, short) == block
    assert proc_status(container_pid(suite, short))["Uid"].split()[0] == \
        str(block)
    assert in_host(suite, short, "cat /home/made").stdout == "mine\n"
    # deleted: its block let go
    status, body, _ = call(suite, "DELETE", "/v1/admin/hosts/" +
                           hosts[0]["id"], admin)
    succeeded(suite, admin, body["task_id"])
    assert not os.path.lexists("/run/moat-claims/uids/%d" % block)


def home_shifts(s):
    return s.log_text().count("to the user ids from")


def test_a_new_range_of_ids_takes_the_home_along(make_suite):
    """The operator moves the hosts' ids (task uid-range): a host gets a
    block in the new range when it starts, and its home follows, each
    file to the same id in the new block.  The old block is the one its
    bundle recorded, whoever the host made the owner of its home's top
    directory; a home that is where it belongs is not walked again."""
    first = 3 * 2 ** 30
    s = make_suite("task uid-range %d 16\n" % first)
    admin = admin_token(s)
    user = make_user(s, admin, "moved", "password-moved")
    h, task_id = create(s, admin, user["id"])
    succeeded(s, admin, task_id)
    short = h["short_id"]
    old = uid_block(s, short)
    assert first <= old < first + 16 * 65536
    home = os.path.join(s.var, "task", "volumes", short)
    assert in_host(s, short, "echo kept > /home/kept; mkdir /home/www; "
                   "echo page > /home/www/index").returncode == 0
    os.chown(home + "/www", old + 33, old + 33)     # www-data inside
    # the top's owner, as a host's root with CAP_CHOWN could make it
    os.chown(home, old + 1000, old + 1000)
    os.symlink("/etc/shadow", home + "/link")       # never followed
    status, body, _ = call(s, "POST", "/v1/admin/hosts/%s/stop" % h["id"],
                           admin)
    succeeded(s, admin, body["task_id"])
    s.stop()
    new_first = first + 16 * 65536
    s.write_conf("task uid-range %d 16\n" % new_first)
    s.start()
    admin = admin_token(s)
    shifts = home_shifts(s)
    status, body, _ = call(s, "POST", "/v1/admin/hosts/%s/start" % h["id"],
                           admin)
    succeeded(s, admin, body["task_id"])
    assert home_shifts(s) == shifts + 1
    new = uid_block(s, short)
    assert new_first <= new < new_first + 16 * 65536
    for path, owner in ((home, new + 1000), (home + "/kept", new),
                        (home + "/www", new + 33),
                        (home + "/www/index", new)):
        st = os.stat(path)
        assert (st.st_uid, st.st_gid) == (owner, owner), path
    assert os.lstat(home + "/link").st_uid == new
    assert os.stat("/etc/shadow").st_uid == 0
    assert proc_status(container_pid(s, short))["Uid"].split()[0] == \
        str(new)
    assert in_host(s, short, "cat /home/kept; stat -c %u /home/www").stdout \
        == "kept\n33\n"
    assert not os.path.exists(os.path.join(s.var, "task", "hosts", short,
                                           "uid.from"))
    # started again in its block: its home is not walked again
    for action in ("stop", "start"):
        status, body, _ = call(s, "POST", "/v1/admin/hosts/%s/%s" %
                               (h["id"], action), admin)
        succeeded(s, admin, body["task_id"])
    assert home_shifts(s) == shifts + 1
    assert os.stat(home).st_uid == new + 1000


def test_blocks_are_claimed_again_as_the_runner_starts(make_suite):
    """/run is emptied at boot, and the claims of the blocks with it: a
    runner claims again the block every bundle of its suite records
    before it hands out any, so that a new host never gets the ids a
    stopped host's files still carry."""
    first = 3 * 2 ** 30 + 64 * 65536
    s = make_suite("task uid-range %d 2\n" % first)
    admin = admin_token(s)
    user = make_user(s, admin, "sleeper", "password-sleeper")
    h, task_id = create(s, admin, user["id"])
    succeeded(s, admin, task_id)
    short = h["short_id"]
    block = uid_block(s, short)
    claim = "/run/moat-claims/uids/%d" % block
    bundle = os.path.realpath(os.path.join(s.var, "task", "hosts", short))
    status, body, _ = call(s, "POST", "/v1/admin/hosts/%s/stop" % h["id"],
                           admin)
    succeeded(s, admin, body["task_id"])
    s.stop()
    os.unlink(claim)                    # as a reboot would
    s.start()
    wait_for(lambda: os.path.lexists(claim), timeout=10)
    assert os.readlink(claim) == bundle
    admin = admin_token(s)
    other = make_user(s, admin, "newcomer", "password-newcomer")
    h2, task2 = create(s, admin, other["id"])
    succeeded(s, admin, task2)
    assert uid_block(s, h2["short_id"]) == first + (block == first) * 65536
    # its home removed while it was stopped: made again, its root's
    home = os.path.join(s.var, "task", "volumes", short)
    shutil.rmtree(home)
    status, body, _ = call(s, "POST", "/v1/admin/hosts/%s/start" % h["id"],
                           admin)
    succeeded(s, admin, body["task_id"])
    assert uid_block(s, short) == block
    assert (os.stat(home).st_uid, os.stat(home).st_gid) == (block, block)
    assert in_host(s, short, "touch /home/mine").returncode == 0


def test_a_console_stays_within_its_bound(suite):
    """A host that floods its console: the keeper keeps the newest
    output, in two files of at most 1 MiB; the host goes on."""
    admin = admin_token(suite)
    user = make_user(suite, admin, "loud", "password-loud")
    h, task_id = create(suite, admin, user["id"])
    succeeded(suite, admin, task_id)
    short = h["short_id"]
    pid = container_pid(suite, short)
    keepers = console_keepers(suite, short)
    assert len(keepers) == 1
    st = proc_status(keepers[0])
    if not LEAKCHECK:
        assert st["Seccomp"] == "2" and int(st["CapEff"], 16) == 0
    with open("/proc/%d/cgroup" % keepers[0]) as f:
        assert "memory:/moat-%s/%s\n" % (suite.suite_id(), short) in f.read()
    # 8 MiB on the host's first process's output, in whole lines
    out = in_host(suite, short, "busybox yes moat-console-line | "
                  "head -c %d > /proc/1/fd/1; echo done" % (18 * 466034))
    assert out.stdout == "done\n", out.stderr
    bundle = os.path.join(suite.var, "task", "hosts", short)
    log, old = bundle + "/console.log", bundle + "/console.log.1"

    def settled():
        sizes = [os.path.getsize(p) for p in (log, old)
                 if os.path.exists(p)]
        time.sleep(0.2)
        return sizes == [os.path.getsize(p) for p in (log, old)
                         if os.path.exists(p)] and len(sizes) == 2
    wait_for(settled)
    assert os.path.getsize(log) <= 1 << 20
    assert os.path.getsize(old) <= 1 << 20
    assert os.path.getsize(log) + os.path.getsize(old) > 1 << 20
    # the newest output, in order: the old file, then the current one
    with open(old, "rb") as f, open(log, "rb") as g:
        kept = f.read() + g.read()
    lines = kept.split(b"\n")
    assert lines[-1] == b"" and set(lines[1:-1]) == {b"moat-console-line"}
    assert container_pid(suite, short) == pid
    assert console_keepers(suite, short) == keepers
    # the host stopped, its keeper ends with it
    status, body, _ = call(suite, "POST", "/v1/admin/hosts/%s/stop" %
                           h["id"], admin)
    succeeded(suite, admin, body["task_id"])
    wait_for(lambda: console_keepers(suite, short) == [], timeout=5)


def run_by_hand(bundle, name, var):
    """crun run -d of a bundle under a name of our choosing, in a mount
    namespace prepared as the runner's is."""
    empty = os.path.join(var, "empty-by-hand")
    open(empty, "w").close()
    script = ("mount --make-rprivate / && c=/sys/fs/cgroup/unified/"
              "cgroup.controllers && { [ ! -e $c ] || mount --bind %s $c; }"
              " && exec %s --cgroup-manager=disabled run -d --bundle %s %s"
              " > /dev/null 2>&1 < /dev/null" % (empty, CRUN, bundle, name))
    out = subprocess.run(["unshare", "-m", "sh", "-c", script],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr


def test_hosts_of_an_older_moat_keep_their_names(make_suite):
    """An upgrade: a state directory from before suite ids, its host
    running as moat-<short id>.  The suite keeps the unscoped names
    while such a container exists (the host stays managed: the
    reconciler finds it, a stop stops it), and takes an id of its own
    at the first start where none does."""
    s = make_suite()
    admin = admin_token(s)
    user = make_user(s, admin, "older", "password-older")
    h, task_id = create(s, admin, user["id"])
    succeeded(s, admin, task_id)
    short = h["short_id"]
    legacy = "moat-" + short
    s.stop()
    # what the moat before suite ids left: its container, no suite file
    crun("delete", "-f", s.container(short))
    os.unlink(os.path.join(s.var, "task", "suite"))
    bundle = os.path.join(s.var, "task", "hosts", short)
    try:
        run_by_hand(bundle, legacy, s.var)
        s.start()
        admin = admin_token(s)
        assert s.suite_id() is None
        assert "run under unscoped names" in s.log_text()
        time.sleep(3.5)         # a reconciler pass finds it running
        assert host(s, admin, h["id"])[1]["host"]["status"] == "running"
        status, body, _ = call(s, "POST", "/v1/admin/hosts/%s/stop" %
                               h["id"], admin)
        succeeded(s, admin, body["task_id"])
        assert crun("state", legacy).returncode != 0
        s.stop()
        # none runs: the next start gives the suite an id, the host
        # its names
        s.start()
        admin = admin_token(s)
        assert s.suite_id() is not None
        status, body, _ = call(s, "POST", "/v1/admin/hosts/%s/start" %
                               h["id"], admin)
        succeeded(s, admin, body["task_id"])
        assert s.containers() == [s.container(short)]
        container_pid(s, short)
    finally:
        crun("delete", "-f", legacy)
        for d in glob.glob("/sys/fs/cgroup/*/moat/" + short) + \
                glob.glob("/sys/fs/cgroup/*/moat/warm*"):
            try:
                os.rmdir(d)
            except OSError:
                pass
