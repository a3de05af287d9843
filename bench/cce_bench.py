#!/usr/bin/python3
"""figures cce_find_100k_ms and cce_findx_100k_ms (bench/run.sh, section
11): a suite of its own (BINDIR), whose schema adds a class of the
operator's (BenchItem), populated with 100,000 objects (BENCH_CCE_OBJECTS)
through the command API as a billing module would: BEGIN, 64 CREATEs
(stored's queue), COMMIT, on one keep-alive connection.  Then, ROUNDS
times each, the medians of:
- a FIND on one property (every property is indexed by class, name and
  value): FIND BenchItem serial="N", one object of 100,000;
- a FINDX with a regular expression and a sort: the objects whose fqdn
  matches ^h7[0-9]*[.] (11,111 of 100,000), sorted as addresses by
  ipaddr.
The time is the request's, from the client: HTTPS, frontd, authd's
session check, stored and back.  Usage: cce_bench.py BINDIR WORK"""
import http.client
import json
import os
import re
import socket
import ssl
import statistics
import subprocess
import sys
import time

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
OBJECTS = int(os.environ.get("BENCH_CCE_OBJECTS", "100000"))
BATCH = 64
ROUNDS = 9
EXTRA_CLASS = """
class BenchItem {
	serial			uint		read all
	fqdn			fqdn		read all
	ipaddr			ipaddr		read all
}
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Suite:
    def __init__(self, bindir, d):
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(TOP, "etc", "cce.schema")) as f:
            schema = re.sub(r"(class\s+Vsite)\s+backed-by\s+host", r"\1",
                            f.read()) + EXTRA_CLASS
        path = os.path.join(d, "bench.schema")
        with open(path, "w") as f:
            f.write(schema)
        conf = os.path.join(d, "cce.conf")
        with open(conf, "w") as f:
            f.write('limit api requests 1000000\ncce schema "%s"\n'
                    % path)
        self.port = free_port()
        self.var = os.path.join(d, "var")
        env = dict(os.environ, MOAT_CONF=conf, MOAT_VAR=self.var,
                   MOAT_PORT=str(self.port))
        self.proc = subprocess.Popen(
            [os.path.join(TOP, "scripts", "run.sh"), bindir], env=env,
            cwd=TOP, stdout=open(os.path.join(d, "moat.log"), "w"),
            stderr=subprocess.STDOUT, start_new_session=True)
        ctx = ssl._create_unverified_context()
        self.conn = http.client.HTTPSConnection("127.0.0.1", self.port,
                                                context=ctx, timeout=60)
        pwfile = os.path.join(self.var, "admin.password")
        end = time.time() + 30
        while not os.path.exists(pwfile):
            if time.time() > end or self.proc.poll() is not None:
                sys.exit("cce_bench: the suite did not start")
            time.sleep(0.2)
        time.sleep(1)
        with open(pwfile) as f:
            password = f.read().strip()
        answer = self.cce({"cmd": "AUTH", "user": "admin",
                           "password": password})
        self.sid = answer["data"]["sessionid"]

    def cce(self, body):
        self.conn.request("POST", "/v2/cce", json.dumps(body),
                          {"Content-Type": "application/json"})
        return json.loads(self.conn.getresponse().read())

    def cmd(self, cmd, **fields):
        return self.cce(dict(fields, cmd=cmd, sessionid=self.sid))

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def populate(s):
    t0 = time.monotonic()
    for first in range(0, OBJECTS, BATCH):
        assert s.cmd("BEGIN")["status"] == 201
        for i in range(first, min(first + BATCH, OBJECTS)):
            a = s.cmd("CREATE", **{"class": "BenchItem", "args": {
                "serial": str(i), "fqdn": "h%d.example.com" % i,
                "ipaddr": "10.%d.%d.%d" % (i >> 16, (i >> 8) & 255,
                                          i & 255)}})
            assert a["status"] == 100, a
        a = s.cmd("COMMIT")
        assert a["status"] == 201, a
    return time.monotonic() - t0


def timed(s, cmd, fields, check):
    times = []
    for r in range(ROUNDS):
        t0 = time.monotonic()
        a = s.cmd(cmd, **fields(r))
        times.append((time.monotonic() - t0) * 1000)
        assert a["status"] == 201, a
        check(r, a["data"])
    return statistics.median(times), times


def main():
    bindir, work = sys.argv[1:3]
    s = Suite(bindir, os.path.join(work, "cce"))
    try:
        took = populate(s)
        print("cce_populate %d objects in %.1f s (%.0f a second)"
              % (OBJECTS, took, OBJECTS / took))
        serials = [(OBJECTS * (r + 1)) // (ROUNDS + 2) for r in
                   range(ROUNDS)]

        def one(r, data):
            assert len(data["oidlist"]) == 1, data
        find_ms, t = timed(s, "FIND", lambda r: {
            "class": "BenchItem", "args": {"serial": str(serials[r])}}, one)
        print("cce_find_ms %s" % " ".join("%.2f" % x for x in t))
        want = sum(1 for i in range(OBJECTS)
                   if str(i).startswith("7"))

        def matches(r, data):
            oids = data["oidlist"]
            assert len(oids) == want or any(
                i["code"] == 305 for i in data.get("infos", [])), \
                (len(oids), want)
        findx_ms, t = timed(s, "FINDX", lambda r: {
            "class": "BenchItem", "regex_args": {"fqdn": "^h7[0-9]*[.]"},
            "sorttype": "ip", "sortprop": "ipaddr"}, matches)
        print("cce_findx_ms %s (%d matches)" % (
            " ".join("%.2f" % x for x in t), want))
        scale = "" if OBJECTS == 100000 else " (%d objects)" % OBJECTS
        print("figure cce_find_100k_ms %.1f <= 50%s" % (find_ms, scale))
        print("figure cce_findx_100k_ms %.1f <= 200%s" % (findx_ms, scale))
    finally:
        s.stop()


if __name__ == "__main__":
    main()
