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


def moat_rounds(user_id):
    times = []
    bundle = None
    for _ in range(ROUNDS):
        t0 = time.monotonic()
        answer = call("POST", "/v1/admin/hosts", {"user_id": user_id})
        host = wait_running(answer["host"]["id"])
        times.append(time.monotonic() - t0)
        assert host["status"] == "running", host
        short = answer["host"]["short_id"]
        if bundle is None:
            bundle = os.path.join(WORK, "hand")
            os.makedirs(bundle, exist_ok=True)
            shutil.copy(os.path.join(VAR, "task/hosts", short,
                                     "config.json"), bundle)
        answer = call("DELETE", "/v1/admin/hosts/" + answer["host"]["id"])
        wait_task(answer["task_id"])
    return times, bundle


def hand_rounds(bundle):
    """crun run -d of the same bundle, in a mount namespace prepared
    once, as the runner is."""
    home = os.path.join(WORK, "hand-home")
    os.makedirs(home, exist_ok=True)
    with open(os.path.join(bundle, "config.json")) as f:
        config = json.load(f)
    for m in config["mounts"]:
        if m["destination"] == "/home":
            m["source"] = home
    with open(os.path.join(bundle, "config.json"), "w") as f:
        json.dump(config, f)
    open(os.path.join(WORK, "empty"), "w").close()
    script = """
mount --make-rprivate /
c=/sys/fs/cgroup/unified/cgroup.controllers
[ -e $c ] && mount --bind {work}/empty $c
for i in $(seq {rounds}); do
	t0=$(date +%s%N)
	crun --cgroup-manager=disabled run -d --bundle {bundle} moat-bench-$i \
	    > /dev/null 2>&1 < /dev/null
	t1=$(date +%s%N)
	echo $((t1 - t0))
	crun delete -f moat-bench-$i
done
""".format(work=WORK, rounds=ROUNDS, bundle=bundle)
    out = subprocess.run(["unshare", "-m", "sh", "-c", script],
                         capture_output=True, text=True).stdout
    return [int(x) / 1e9 for x in out.split()]


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
    moat, bundle = moat_rounds(user["id"])
    hand = hand_rounds(bundle)
    m, h = statistics.median(moat), statistics.median(hand)
    print("host_create_to_running_s", " ".join("%.3f" % t for t in moat))
    print("crun_run_by_hand_s", " ".join("%.3f" % t for t in hand))
    rate = noop_throughput()
    print("noop_tasks_per_s %.0f" % rate)
    print("figure host_create_vs_crun_run %.2f <= 1.5" % (m / h))
    print("figure noop_tasks_per_s %.0f (200 tasks)" % rate)


main()
