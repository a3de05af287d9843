"""Helpers for the command API's object-model tests (test_cce*.py): a
session from localhost (AUTH) or a remote billing client (LOGIN with a
client secret from 127.0.0.2), and a schema whose Vsites have no host,
so that sites can be made without containers."""
import json
import os
import re

from identity import admin_password, call, moatctl

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
REMOTE = "127.0.0.2"


def post(suite, body, secret=None, source=None):
    h = {}
    if secret is not None:
        h["X-Client-Secret"] = secret
    status, answer, _ = call(suite, "POST", "/v2/cce", body=body,
                             headers=h, source=source)
    return status, answer


def unbacked_conf(tmp_path):
    """moatd.conf lines naming a copy of etc/cce.schema whose Vsites have
    no host behind them."""
    with open(os.path.join(TOP, "etc", "cce.schema")) as f:
        text = f.read()
    text = re.sub(r"(class\s+Vsite)\s+backed-by\s+host", r"\1", text)
    path = os.path.join(str(tmp_path), "unbacked.schema")
    with open(path, "w") as f:
        f.write(text)
    return 'cce schema "%s"\n' % path


def add_client(suite, name, *allow):
    args = ["client", "add", name]
    for a in allow:
        args += ["--allow", a]
    out = moatctl(suite, *args)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


class Session:
    """A command API session: local (sessionid) or remote (token and
    the client's secret, from REMOTE)."""

    def __init__(self, suite, user="admin", password=None, secret=None):
        self.suite = suite
        self.secret = secret
        self.source = REMOTE if secret else None
        if password is None:
            password = admin_password(suite)
        if secret is None:
            status, body = post(suite, {"cmd": "AUTH", "user": user,
                                        "password": password})
            assert status == 200, body
            self.cred = {"sessionid": body["data"]["sessionid"]}
        else:
            status, body = post(suite, {"cmd": "LOGIN", "username": user,
                                        "password": password},
                                secret, REMOTE)
            assert status == 200, body
            self.cred = {"token": body["data"]["token"]}

    def send(self, body):
        body = dict(body, **self.cred)
        return post(self.suite, body, self.secret, self.source)

    def raw(self, line, **extra):
        """A line of the text protocol in cmd: (HTTP status, answer)."""
        return self.send(dict(extra, cmd=line))

    def do(self, cmd, **fields):
        """The structured form: (HTTP status, answer)."""
        return self.send(dict(fields, cmd=cmd))

    def ok(self, line=None, **fields):
        """A command that must succeed (201, or 100 inside BEGIN)."""
        if line is not None and " " in line:
            status, body = self.raw(line, **fields)
        else:
            status, body = self.do(line or fields.pop("cmd"), **fields)
        assert status == 200 and body["status"] in (100, 201), body
        return body

    def create(self, cls, **args):
        body = self.ok("CREATE", **{"class": cls, "args": args})
        oids = body["data"]["oidlist"]
        assert len(oids) == 1 and body["data"]["oid"] == oids[0]
        return int(oids[0])

    def get(self, oid, ns=None):
        fields = {"oid": oid}
        if ns:
            fields["namespace"] = ns
        return self.ok("GET", **fields)["data"]["DATA"]


def refused(answer, code):
    """The answer is the envelope of an error with code."""
    assert answer["status"] == code, answer
    assert set(answer) == {"status", "message", "data"}, answer
    assert answer["data"]["errors"][0]["code"] == code, answer
    return answer["data"]["errors"][0]["message"]


def quote(value):
    return json.dumps(value)
