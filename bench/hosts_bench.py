#!/usr/bin/python3
"""make bench, hosts: create-to-running latency of a host through the API
against `crun run` of the same bundle by hand, and the throughput of 200
no-op tasks.  Usage: hosts_bench.py BASE TOKEN VAR MOATCTL WORK"""
import http.client
import json
import os
import shutil
import ssl
import statistics
import subprocess
import sys
import time

BASE, TOKEN, VAR, MOATCTL, WORK = sys.argv[1:6]
ROUNDS = 9
CTX = ssl.create_default_context()
CTX.check_hostname = False
CTX.verify_mode = ssl.CERT_NONE


HOST, PORT = BASE.split("//")[1].split(":")
CONN = http.client.HTTPSConnection(HOST, int(PORT), context=CTX)


def call(method, path, body=None):
    """One keep-alive connection, as a client that polls would keep."""
    data = json.dumps(body).encode() if body is not None else None
    CONN.request(method, path, body=data,
                 headers={"Authorization": "Bearer " + TOKEN,
                          "Content-Type": "application/json"})
    raw = CONN.getresponse().read()
    return json.loads(raw) if raw else None


def wait_task(task_id):
    while True:
        for t in call("GET", "/v1/admin/tasks?limit=20")["tasks"]:
            if t["task_id"] == task_id and t["status"] in ("succeeded",
                                                          "failed"):
                return t
        time.sleep(0.001)


def wait_running(host_id):
    """Create-to-running: until the host says it runs (its create task
    ends in the same transaction), asking for the host alone."""
    while True:
        host = call("GET", "/v1/admin/hosts/" + host_id)["host"]
        if host["status"] != "pending":
            return host
        time.sleep(0.001)


def moat_round(user_id):
    """One host, created to running, then deleted; its bundle's path."""
    t0 = time.monotonic()
    answer = call("POST", "/v1/admin/hosts", {"user_id": user_id})
    host = wait_running(answer["host"]["id"])
    elapsed = time.monotonic() - t0
    assert host["status"] == "running", host
    bundle = os.path.join(VAR, "task/hosts", host["short_id"])
    return elapsed, bundle, host["id"]


def hand_bundle(bundle):
    """The host's own bundle, its home and resolv.conf the bench's."""
    hand = os.path.join(WORK, "hand")
    home = os.path.join(WORK, "hand-home")
    os.makedirs(hand, exist_ok=True)
    os.makedirs(home, exist_ok=True)
    with open(os.path.join(bundle, "config.json")) as f:
        config = json.load(f)
    for m in config["mounts"]:
        if m["destination"] == "/home":
            m["source"] = home
        elif m["destination"] == "/etc/resolv.conf":
            m["source"] = os.path.join(hand, "resolv.conf")
    open(os.path.join(hand, "resolv.conf"), "w").close()
    with open(os.path.join(hand, "config.json"), "w") as f:
        json.dump(config, f)
    open(os.path.join(WORK, "empty"), "w").close()
    return hand


def hand_round(bundle, i):
    """crun run -d of the same bundle, in a mount namespace prepared as
    the runner's is; only the run is timed."""
    script = """
mount --make-rprivate /
c=/sys/fs/cgroup/unified/cgroup.controllers
[ -e $c ] && mount --bind {work}/empty $c
t0=$(date +%s%N)
crun --cgroup-manager=disabled run -d --bundle {bundle} moat-bench-{i} \
    > /dev/null 2>&1 < /dev/null
t1=$(date +%s%N)
echo $((t1 - t0))
crun delete -f moat-bench-{i}
""".format(work=WORK, bundle=bundle, i=i)
    out = subprocess.run(["unshare", "-m", "sh", "-c", script],
                         capture_output=True, text=True).stdout
    return int(out.split()[0]) / 1e9


def rounds(user_id):
    """The two, one after the other in each round, so that both meet the
    same load on this machine."""
    moat, hand = [], []
    bundle = None
    for i in range(ROUNDS):
        elapsed, host_bundle, host_id = moat_round(user_id)
        moat.append(elapsed)
        if bundle is None:
            bundle = hand_bundle(host_bundle)
        answer = call("DELETE", "/v1/admin/hosts/" + host_id)
        wait_task(answer["task_id"])
        hand.append(hand_round(bundle, i))
    return moat, hand


def noop_throughput(n=200):
    t0 = time.monotonic()
    subprocess.run([MOATCTL, "-s", os.path.join(VAR, "moatd.sock"), "task",
                    "noop", str(n)], check=True, capture_output=True)
    while True:
        body = call("GET", "/v1/admin/tasks?kind=noop&state=succeeded"
                    "&limit=1")
        if body["total"] >= n:
            break
        time.sleep(0.005)
    return n / (time.monotonic() - t0)


def main():
    user = call("POST", "/v1/admin/users", {"username": "benchhost",
                                            "password": "bench-password"})
    moat, hand = rounds(user["id"])
    m, h = statistics.median(moat), statistics.median(hand)
    print("host_create_to_running_s", " ".join("%.3f" % t for t in moat))
    print("crun_run_by_hand_s", " ".join("%.3f" % t for t in hand))
    rate = noop_throughput()
    print("noop_tasks_per_s %.0f" % rate)
    print("figure host_create_vs_crun_run %.2f <= 1.5" % (m / h))
    print("figure noop_tasks_per_s %.0f (200 tasks)" % rate)


main()
