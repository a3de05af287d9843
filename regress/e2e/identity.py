"""Helpers for the identity tests: logging in, and calling as someone."""
import json
import os
import time


def admin_password(suite):
    path = os.path.join(suite.var, "admin.password")
    for _ in range(200):        # written just after the suite is ready
        if os.path.exists(path):
            break
        time.sleep(0.05)
    with open(path) as f:
        return f.read().strip()


def login(suite, username, password, path="/v1/auth/login"):
    status, body = suite.json("POST", path, json.dumps(
        {"username": username, "password": password}).encode(),
        {"Content-Type": "application/json"})
    return status, body


def admin_token(suite):
    status, body = login(suite, "admin", admin_password(suite))
    assert status == 200, body
    return body["token"]


def call(suite, method, path, token=None, body=None, headers=None,
         source=None):
    h = {"Content-Type": "application/json"}
    if token is not None:
        h["Authorization"] = "Bearer " + token
    h.update(headers or {})
    data = None
    if body is not None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
    status, hdrs, raw = suite.request(method, path, data, h, source)
    return status, (json.loads(raw) if raw else None), hdrs


def make_user(suite, token, username, password, role="user"):
    status, body, _ = call(suite, "POST", "/v1/admin/users", token,
                           {"username": username, "password": password,
                            "role": role})
    assert status == 201, body
    return body


def moatctl(suite, *args):
    import subprocess
    from suite import BINDIR
    return subprocess.run([os.path.join(BINDIR, "moatctl"), "-s",
                           os.path.join(suite.var, "moatd.sock"), *args],
                          capture_output=True, text=True)
