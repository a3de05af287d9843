#!/usr/bin/python3
"""Registers COUNT devices through the API and writes their tokens, one
a line, to OUT: the long-poll figure's devices.  A user may have 1000
devices (stored's DEVICES_PER_USER_MAX), so the admin (PASSWORD) makes
as many users as it takes, and each registers its share in a cookie
session of /auth/general, as a browser does.

    devices_make.py BASE_URL PASSWORD COUNT OUT
"""
import http.client
import json
import re
import ssl
import sys
import urllib.parse


def login(conn, user, password):
    conn.request("POST", "/auth/general",
                 json.dumps({"username": user, "password": password}),
                 {"Content-Type": "application/json"})
    r = conn.getresponse()
    answer = r.read()
    if r.status != 200:
        sys.exit("login: %d %s" % (r.status, answer[:200]))
    jar = {}
    for part in re.split(r", (?=[!#$%&'*+.^_`|~0-9A-Za-z-]+=)",
                         r.getheader("Set-Cookie", "")):
        name, _, rest = part.partition("=")
        jar[name] = rest.split(";")[0]
    csrf = [v for k, v in jar.items() if k.endswith("moat_csrf")][0]
    cookie = "; ".join("%s=%s" % kv for kv in jar.items())
    uid = json.loads(answer)["data"]["user_id"]
    return {"Cookie": cookie, "X-CSRF-Token": csrf,
            "Content-Type": "application/json"}, uid


PER_USER = 1000


def call(conn, method, path, body, headers, want):
    conn.request(method, path, json.dumps(body), headers)
    r = conn.getresponse()
    answer = r.read()
    if r.status != want:
        sys.exit("%s %s: %d %s" % (method, path, r.status, answer[:200]))
    return json.loads(answer)


def make_user(conn, password, name):
    token = call(conn, "POST", "/v1/auth/login",
                 {"username": "admin", "password": password},
                 {"Content-Type": "application/json"}, 200)["token"]
    pw = "poll-bench-password-1"
    call(conn, "POST", "/v1/admin/users",
         {"username": name, "password": pw, "role": "user"},
         {"Authorization": "Bearer " + token,
          "Content-Type": "application/json"}, 201)
    return pw


def main():
    base, password, count, out = sys.argv[1:5]
    u = urllib.parse.urlsplit(base)
    ctx = ssl._create_unverified_context()
    conn = http.client.HTTPSConnection(u.hostname, u.port, context=ctx,
                                       timeout=30)
    tokens = []
    for i in range(int(count)):
        if i % PER_USER == 0:
            name = "poller%d" % (i // PER_USER)
            headers, uid = login(conn, name,
                                 make_user(conn, password, name))
        body = json.dumps({"name": "poller-%d" % i})
        conn.request("POST", "/apiv1/users/%s/devices" % uid, body, headers)
        r = conn.getresponse()
        answer = r.read()
        if r.status != 201:
            sys.exit("device %d: %d %s" % (i, r.status, answer[:200]))
        tokens.append(json.loads(answer)["data"]["token"])
    with open(out, "w") as f:
        f.write("".join(t + "\n" for t in tokens))


if __name__ == "__main__":
    main()
