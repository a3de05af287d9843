"""Egress IPs and bindings (control-plane-v1.txt): the document's own
bodies accepted, bad ones refused with nothing changed, admins only, no
secret in any answer, event or the database; and a real WireGuard
tunnel (wireguard-go) carrying a host's traffic to a provider in a
network namespace of the test's own."""
import base64
import glob
import os
import socket
import subprocess
import time

import pytest

from identity import admin_token, call, login, make_user
from suite import proc_status, tls_context
from test_hosts import (container_pid, create, finished,  # noqa: F401
                        in_host, runtimes_present, succeeded, wait_for)

# The peers these tests make listen on loopback (usable_egress), where an
# endpoint may be only if moatd.conf allows it.
ALLOW_LOOPBACK = "egress allow endpoint 127.0.0.0/8\n"


@pytest.fixture
def suite(make_suite):
    return make_suite(ALLOW_LOOPBACK)


WG_EXAMPLE = {
    "label": "hk-wg-01",
    "ip_address": "203.0.113.10",
    "tunnel_type": "wireguard",
    "provider": "manual",
    "wg_endpoint": "vpn-provider.example.com:51820",
    "wg_public_key": "PeerPublicKeyBase64",
    "wg_preshared_key": "PresharedKeyBase64",
    "wg_allowed_ips": "0.0.0.0/0",
    "wg_dns_server": "1.1.1.1",
    "wg_peer_address": "10.0.0.2/32",
}

PROXY_EXAMPLES = [
    {"label": "jp-ss-01", "ip_address": "198.51.100.5",
     "tunnel_type": "proxy", "provider": "manual",
     "proxy_config": {"type": "shadowsocks", "server": "198.51.100.5",
                      "server_port": 8388, "method": "aes-256-gcm",
                      "password": "your-password"}},
    {"label": "us-vmess-01", "ip_address": "203.0.113.20",
     "tunnel_type": "proxy", "provider": "manual",
     "proxy_config": {"type": "vmess", "server": "203.0.113.20",
                      "server_port": 443, "uuid": "your-uuid",
                      "security": "auto", "alter_id": 0}},
    {"label": "eu-socks-01", "ip_address": "192.0.2.50",
     "tunnel_type": "proxy", "provider": "manual",
     "proxy_config": {"type": "socks", "server": "192.0.2.50",
                      "server_port": 1080, "username": "user",
                      "password": "pass"}},
    {"label": "sg-trojan-01", "ip_address": "203.0.113.30",
     "tunnel_type": "proxy", "provider": "manual",
     "proxy_config": {"type": "trojan", "server": "203.0.113.30",
                      "server_port": 443, "password": "your-password",
                      "tls": {"enabled": True,
                              "server_name": "your-domain.com"}}},
    {"label": "proxy-http-01", "ip_address": "192.0.2.100",
     "tunnel_type": "proxy", "provider": "manual",
     "proxy_config": {"type": "http", "server": "192.0.2.100",
                      "server_port": 8080, "username": "user",
                      "password": "pass"}},
]


def wg_keypair():
    priv = subprocess.run(["wg", "genkey"], capture_output=True,
                          text=True, check=True).stdout.strip()
    pub = subprocess.run(["wg", "pubkey"], input=priv, capture_output=True,
                         text=True, check=True).stdout.strip()
    return priv, pub


def egress_list(suite, token):
    status, body, _ = call(suite, "GET", "/v1/admin/egress-ips", token)
    assert status == 200, body
    return body["egress_ips"]


def db_bytes(suite):
    data = b""
    for path in glob.glob(os.path.join(suite.var, "db", "*")):
        with open(path, "rb") as f:
            data += f.read()
    return data


def test_egress_ips_as_the_document_shows_them(suite):
    admin = admin_token(suite)
    status, wg, _ = call(suite, "POST", "/v1/admin/egress-ips", admin,
                         WG_EXAMPLE)
    assert status == 201, wg
    assert wg["id"] and wg["label"] == "hk-wg-01"
    assert wg["tunnel_type"] == "wireguard" and wg["status"] == "available"
    assert wg["wg_endpoint"] == "vpn-provider.example.com:51820"
    assert wg["wg_peer_address"] == "10.0.0.2/32"
    # our own key pair was made: the public half is shown, the private
    # half and the preshared key never
    assert len(base64.b64decode(wg["wg_client_public_key"])) == 32
    assert wg["wg_preshared_key_set"] is True
    assert "PresharedKeyBase64" not in repr(wg)
    assert "wg_private_key" not in wg and "wg_preshared_key" not in wg
    # the example's placeholder is no key: kept, and said so
    assert wg["configured"] is False
    assert "wg_public_key" in wg["config_error"]

    status, minimal, _ = call(suite, "POST", "/v1/admin/egress-ips", admin,
                              {"label": "bare", "ip_address": "192.0.2.7"})
    assert status == 201 and minimal["id"], minimal

    ids = [wg["id"], minimal["id"]]
    for example in PROXY_EXAMPLES:
        status, body, _ = call(suite, "POST", "/v1/admin/egress-ips", admin,
                               example)
        assert status == 201, (example, body)
        assert body["tunnel_type"] == "proxy"
        config = body["proxy_config"]
        assert config["type"] == example["proxy_config"]["type"]
        assert config["server_port"] == example["proxy_config"][
            "server_port"]
        assert "password" not in config and "uuid" not in config
        assert body["proxy_password_set"] is True
        ids.append(body["id"])
    listed = egress_list(suite, admin)
    assert [e["id"] for e in listed] == ids
    answers = repr(listed)
    for secret in ("your-password", "your-uuid", "PresharedKeyBase64"):
        assert secret not in answers

    # get by id or oid; update as the document does
    for ref in (wg["id"], str(wg["oid"])):
        status, body, _ = call(suite, "GET", "/v1/admin/egress-ips/" + ref,
                               admin)
        assert status == 200 and body["id"] == wg["id"], body
    status, body, _ = call(suite, "PUT", "/v1/admin/egress-ips/" + wg["id"],
                           admin, {"wg_endpoint": "new-endpoint:51820",
                                   "wg_public_key": "NewKey"})
    assert status == 200, body
    assert body["wg_endpoint"] == "new-endpoint:51820"
    assert body["wg_public_key"] == "NewKey"
    assert body["label"] == "hk-wg-01"          # the rest as it was
    assert body["wg_client_public_key"] == wg["wg_client_public_key"]
    # null clears an optional setting; a new private key on request
    status, body, _ = call(suite, "PUT", "/v1/admin/egress-ips/" + wg["id"],
                           admin, {"wg_dns_server": None,
                                   "wg_preshared_key": None,
                                   "wg_private_key": None})
    assert status == 200, body
    assert body["wg_dns_server"] is None
    assert body["wg_preshared_key_set"] is False
    assert body["wg_client_public_key"] != wg["wg_client_public_key"]

    # delete: 204, then gone
    status, body, _ = call(suite, "DELETE", "/v1/admin/egress-ips/" +
                           minimal["id"], admin)
    assert status == 204, body
    assert call(suite, "GET", "/v1/admin/egress-ips/" + minimal["id"],
                admin)[0] == 404
    assert call(suite, "DELETE", "/v1/admin/egress-ips/" + minimal["id"],
                admin)[0] == 404

    # the audit trail, and no secret in it or in the database
    status, events, _ = call(suite, "GET", "/v1/admin/events?limit=200",
                             admin)
    types = [e["type"] for e in events["events"]]
    assert types.count("admin.egress.create") == 7
    assert types.count("admin.egress.update") == 2
    assert types.count("admin.egress.delete") == 1
    data = db_bytes(suite)
    for secret in (b"your-password", b"your-uuid", b"PresharedKeyBase64"):
        assert secret not in repr(events).encode()
        assert secret not in data


def test_egress_ip_bad_input_changes_nothing(suite):
    admin = admin_token(suite)
    status, good, _ = call(suite, "POST", "/v1/admin/egress-ips", admin,
                           {"label": "keep", "ip_address": "192.0.2.1"})
    assert status == 201
    bad = [
        {},
        {"label": "x"},
        {"ip_address": "192.0.2.1"},
        {"label": "x", "ip_address": "not-an-ip"},
        {"label": "x", "ip_address": "192.0.2.1/24"},
        {"label": "", "ip_address": "192.0.2.1"},
        {"label": "x" * 65, "ip_address": "192.0.2.1"},
        {"label": "bad\nline", "ip_address": "192.0.2.1"},
        {"label": 5, "ip_address": "192.0.2.1"},
        {"label": "x", "ip_address": "192.0.2.1", "tunnel_type": "gre"},
        {"label": "x", "ip_address": "192.0.2.1", "wg_endpoint": "nohost"},
        {"label": "x", "ip_address": "192.0.2.1",
         "wg_endpoint": "host:99999"},
        {"label": "x", "ip_address": "192.0.2.1",
         "wg_endpoint": "::1:51820"},
        {"label": "x", "ip_address": "192.0.2.1",
         "wg_allowed_ips": "banana"},
        {"label": "x", "ip_address": "192.0.2.1",
         "wg_allowed_ips": "0.0.0.0/0,,"},
        {"label": "x", "ip_address": "192.0.2.1", "wg_dns_server": "dns"},
        {"label": "x", "ip_address": "192.0.2.1",
         "wg_peer_address": "10.0.0.2/99"},
        {"label": "x", "ip_address": "192.0.2.1", "wg_public_key": "a b"},
        {"label": "x", "ip_address": "192.0.2.1",
         "wg_private_key": "not-a-key"},
        {"label": "x", "ip_address": "192.0.2.1",
         "wg_preshared_key": "*" * 10},
        {"label": "x", "ip_address": "192.0.2.1", "proxy_config": "socks"},
        {"label": "x", "ip_address": "192.0.2.1", "tunnel_type": "proxy",
         "proxy_config": {"type": "carrier-pigeon", "server": "a",
                          "server_port": 1}},
        {"label": "x", "ip_address": "192.0.2.1", "tunnel_type": "proxy",
         "proxy_config": {"type": "socks", "server": "a",
                          "server_port": 0}},
        {"label": "x", "ip_address": "192.0.2.1", "tunnel_type": "proxy",
         "proxy_config": {"type": "socks", "server": "a b",
                          "server_port": 1}},
        {"label": "x", "ip_address": "192.0.2.1", "tunnel_type": "proxy",
         "proxy_config": {"type": "socks", "server": "a",
                          "server_port": 1, "password": 7}},
        {"label": "x", "ip_address": "192.0.2.1", "tunnel_type": "proxy",
         "proxy_config": {"type": "socks", "server": "a",
                          "server_port": 1, "note": "n" * 2000}},
        {"label": "x", "ip_address": "192.0.2.1", "color": "red"},
    ]
    for body in bad:
        status, answer, _ = call(suite, "POST", "/v1/admin/egress-ips",
                                 admin, body)
        assert status == 400, (body, answer)
        assert set(answer) == {"error"} and answer["error"], answer
    for raw in (b"", b"{", b"[]", b'{"label":"x","label":"y"}'):
        status, answer, _ = call(suite, "POST", "/v1/admin/egress-ips",
                                 admin, raw)
        assert status == 400, (raw, answer)
    # an update with a bad field leaves every field as it was
    status, answer, _ = call(suite, "PUT", "/v1/admin/egress-ips/" +
                             good["id"], admin, {"label": "renamed",
                                                 "ip_address": "nope"})
    assert status == 400, answer
    status, answer, _ = call(suite, "PUT", "/v1/admin/egress-ips/nope",
                             admin, {"label": "y"})
    assert status == 404, answer
    status, answer, _ = call(suite, "PUT", "/v1/admin/egress-ips/" +
                             good["id"], admin, {})
    assert (status, answer) == (400, {"error": "nothing to change"})
    listed = egress_list(suite, admin)
    assert len(listed) == 1 and listed[0]["label"] == "keep"
    status, events, _ = call(suite, "GET", "/v1/admin/events?type="
                             "admin.egress.create", admin)
    assert events["total"] == 1


def test_egress_and_bindings_are_for_admins(suite):
    admin = admin_token(suite)
    make_user(suite, admin, "eve", "password-eve")
    eve = login(suite, "eve", "password-eve")[1]["token"]
    status, e, _ = call(suite, "POST", "/v1/admin/egress-ips", admin,
                        {"label": "a", "ip_address": "192.0.2.9"})
    assert status == 201
    routes = [("GET", "/v1/admin/egress-ips", None),
              ("POST", "/v1/admin/egress-ips",
               {"label": "b", "ip_address": "192.0.2.8"}),
              ("GET", "/v1/admin/egress-ips/" + e["id"], None),
              ("PUT", "/v1/admin/egress-ips/" + e["id"], {"label": "c"}),
              ("DELETE", "/v1/admin/egress-ips/" + e["id"], None),
              ("GET", "/v1/admin/bindings", None),
              ("POST", "/v1/admin/bindings",
               {"host_id": "x", "egress_ip_id": e["id"]}),
              ("DELETE", "/v1/admin/bindings/1", None)]
    for method, path, body in routes:
        status, answer, _ = call(suite, method, path, eve, body)
        assert status == 403, (method, path, answer)
        status, answer, _ = call(suite, method, path, None, body)
        assert status == 401, (method, path, answer)
    assert [x["label"] for x in egress_list(suite, admin)] == ["a"]


def usable_egress(suite, admin, label, pub, **extra):
    body = {"label": label, "ip_address": "192.0.2.77",
            "wg_endpoint": "127.0.0.1:51999", "wg_public_key": pub,
            "wg_peer_address": "10.0.0.2/32"}
    body.update(extra)
    status, e, _ = call(suite, "POST", "/v1/admin/egress-ips", admin, body)
    assert status == 201 and e["configured"], e
    return e


def test_bindings(suite):
    admin = admin_token(suite)
    _, pub = wg_keypair()
    a = make_user(suite, admin, "bind-a", "password-a")
    b = make_user(suite, admin, "bind-b", "password-b")
    e1 = usable_egress(suite, admin, "one", pub)
    e2 = usable_egress(suite, admin, "two", pub)
    status, unusable, _ = call(suite, "POST", "/v1/admin/egress-ips", admin,
                               {"label": "half", "ip_address": "192.0.2.1"})
    ha, ta = create(suite, admin, a["id"])
    hb, tb = create(suite, admin, b["id"])
    finished(suite, admin, ta)
    finished(suite, admin, tb)
    status, stats, _ = call(suite, "GET", "/v1/admin/dashboard/stats", admin)
    assert stats["available_ips"] == 3

    for body, code in [({"host_id": ha["id"]}, 400),
                       ({"host_id": "nope", "egress_ip_id": e1["id"]}, 404),
                       ({"host_id": ha["id"], "egress_ip_id": "nope"}, 404)]:
        status, answer, _ = call(suite, "POST", "/v1/admin/bindings", admin,
                                 body)
        assert status == code, (body, answer)
    status, bind, _ = call(suite, "POST", "/v1/admin/bindings", admin,
                           {"host_id": ha["id"], "egress_ip_id": e1["id"]})
    assert status == 201, bind
    assert bind["host_id"] == ha["id"] and bind["egress_ip_id"] == e1["id"]
    # the running host's tunnel follows (the endpoint answers nothing,
    # which does not stop a tunnel from being made)
    succeeded(suite, admin, bind["task_id"])
    # one egress per host, one host per egress
    for body, why in [({"host_id": ha["id"], "egress_ip_id": e2["id"]},
                       "the host already has an egress ip"),
                      ({"host_id": hb["id"], "egress_ip_id": e1["id"]},
                       "the egress ip is bound to another host"),
                      ({"host_id": ha["id"], "egress_ip_id": e1["id"]},
                       "the egress ip is bound to this host already")]:
        status, answer, _ = call(suite, "POST", "/v1/admin/bindings", admin,
                                 body)
        assert (status, answer) == (409, {"error": why}), (body, answer)
    status, body, _ = call(suite, "GET", "/v1/admin/egress-ips/" + e1["id"],
                           admin)
    assert body["status"] == "bound" and body["host_id"] == ha["id"]
    assert body["binding_id"] == bind["id"]
    status, body, _ = call(suite, "GET", "/v1/admin/hosts/" + ha["id"],
                           admin)
    assert body["host"]["egress_ip_id"] == e1["id"]
    status, stats, _ = call(suite, "GET", "/v1/admin/dashboard/stats", admin)
    assert stats["available_ips"] == 2
    # bound: not deleted
    status, answer, _ = call(suite, "DELETE", "/v1/admin/egress-ips/" +
                             e1["id"], admin)
    assert status == 409, answer
    status, listed, _ = call(suite, "GET", "/v1/admin/bindings", admin)
    assert [x["id"] for x in listed["bindings"]] == [bind["id"]]

    status, answer, _ = call(suite, "DELETE", "/v1/admin/bindings/" +
                             bind["id"], admin)
    assert status == 204, answer
    assert call(suite, "DELETE", "/v1/admin/bindings/" + bind["id"],
                admin)[0] == 404
    status, body, _ = call(suite, "GET", "/v1/admin/hosts/" + ha["id"],
                           admin)
    assert body["host"]["egress_ip_id"] is None
    status, answer, _ = call(suite, "DELETE", "/v1/admin/egress-ips/" +
                             e1["id"], admin)
    assert status == 204, answer

    # a host made with its egress; a deleted host lets it go
    c = make_user(suite, admin, "bind-c", "password-c")
    hc, tc = create(suite, admin, c["id"], egress_ip_id=e2["id"])
    assert hc["egress_ip_id"] == e2["id"]
    succeeded(suite, admin, tc)
    d = make_user(suite, admin, "bind-d", "password-d")
    status, answer, _ = call(suite, "POST", "/v1/admin/hosts", admin,
                             {"user_id": d["id"], "egress_ip_id": e2["id"]})
    assert status == 409, answer
    status, body, _ = call(suite, "DELETE", "/v1/admin/hosts/" + hc["id"],
                           admin)
    assert status == 202
    status, body, _ = call(suite, "GET", "/v1/admin/egress-ips/" + e2["id"],
                           admin)
    assert body["status"] == "available"
    status, events, _ = call(suite, "GET", "/v1/admin/events?limit=200",
                             admin)
    types = [x["type"] for x in events["events"]]
    assert types.count("admin.binding.create") == 1
    assert types.count("admin.binding.delete") == 1


UNDER = ("10.231.7.1", "10.231.7.2")     # the runner's side, the provider's
TUNNEL = ("10.232.7.1", "10.232.7.2")    # the provider's, the host's

# The provider's side of the tunnel: a web server that answers each
# client with its address, and a DNS server that answers every A query
# with the web server's address.
PROVIDER_SERVERS = """
import http.server, socket, threading, time
ADDR = "%s"
def dns():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((ADDR, 53))
    while True:
        q, peer = s.recvfrom(512)
        i = 12
        while q[i] != 0:
            i += q[i] + 1
        qtype, end = q[i + 1:i + 3], i + 5
        if b"\\x04slow" in q[12:i]:
            time.sleep(1.5)     # a looker-up to look at meanwhile
        a = qtype == b"\\x00\\x01"
        head = q[:2] + b"\\x81\\x80\\x00\\x01" + \\
            (b"\\x00\\x01" if a else b"\\x00\\x00") + b"\\x00" * 4
        answer = (b"\\xc0\\x0c\\x00\\x01\\x00\\x01\\x00\\x00\\x00\\x3c"
                  b"\\x00\\x04" + socket.inet_aton(ADDR)) if a else b""
        s.sendto(head + q[12:end] + answer, peer)
threading.Thread(target=dns, daemon=True).start()
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/slow":
            time.sleep(1.5)
        body = self.client_address[0].encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a):
        pass
http.server.ThreadingHTTPServer((ADDR, 8080), H).serve_forever()
""" % TUNNEL[0]
CHECK_URL = "http://check.moat.test:8080/"


def sh(*args, check=True):
    return subprocess.run(list(args), capture_output=True, text=True,
                          check=check)


@pytest.fixture
def provider():
    """A VPN provider in a namespace of its own: wireguard-go listening
    on a veth address, and a web server in its tunnel that answers each
    client with the address it came from."""
    priv, pub = wg_keypair()
    ns = "moatprov"
    sh("ip", "netns", "del", ns, check=False)
    sh("ip", "link", "del", "mprov0", check=False)
    sh("ip", "netns", "add", ns)
    sh("ip", "link", "add", "mprov0", "type", "veth", "peer", "name",
       "mprov1")
    sh("ip", "link", "set", "mprov1", "netns", ns)
    sh("ip", "addr", "add", UNDER[0] + "/24", "dev", "mprov0")
    sh("ip", "link", "set", "mprov0", "up")
    run = ["ip", "netns", "exec", ns]
    sh(*run, "ip", "addr", "add", UNDER[1] + "/24", "dev", "mprov1")
    sh(*run, "ip", "link", "set", "mprov1", "up")
    sh(*run, "ip", "link", "set", "lo", "up")
    sh(*run, "wireguard-go", "mprovwg")
    keyfile = "/run/moat-test-provider.key"
    with open(os.open(keyfile, os.O_WRONLY | os.O_CREAT | os.O_TRUNC,
                      0o600), "w") as f:
        f.write(priv + "\n")
    sh(*run, "wg", "set", "mprovwg", "private-key", keyfile, "listen-port",
       "51820")
    os.unlink(keyfile)
    sh(*run, "ip", "addr", "add", TUNNEL[0] + "/24", "dev", "mprovwg")
    sh(*run, "ip", "link", "set", "mprovwg", "up")
    web = subprocess.Popen([*run, "/usr/bin/python3", "-c",
                            PROVIDER_SERVERS])

    class Provider:
        public_key = pub
        endpoint = UNDER[1] + ":51820"

        def allow(self, client_key, address=TUNNEL[1]):
            sh(*run, "wg", "set", "mprovwg", "peer", client_key,
               "allowed-ips", address + "/32")

    yield Provider()
    web.kill()
    web.wait()
    sh(*run, "ip", "link", "del", "mprovwg", check=False)
    sh("ip", "netns", "del", ns, check=False)
    sh("ip", "link", "del", "mprov0", check=False)


def wireguard_go(suite, short_id):
    found = []
    for path in glob.glob("/proc/[0-9]*/cmdline"):
        try:
            with open(path, "rb") as f:
                argv = f.read().split(b"\0")
        except OSError:
            continue
        if len(argv) > 1 and argv[0].endswith(b"wireguard-go") and \
                argv[1] == suite.interface(short_id).encode():
            found.append(path)
    return found


def through_tunnel(suite, short_id):
    """What the provider's web server saw, or None.  (busybox's wget
    -T crashes: the wait is bounded here instead.)"""
    try:
        out = subprocess.run(["/usr/bin/crun", "exec",
                              suite.container(short_id),
                              "wget", "-q", "-O", "-",
                              "http://%s:8080/" % TUNNEL[0]],
                             capture_output=True, text=True, timeout=5)
    except subprocess.TimeoutExpired:
        return None
    return out.stdout if out.returncode == 0 else None


# A program for inside a host: it runs again as "wireguard-go <name>",
# as the runner's tunnel for that interface shows itself in /proc, and
# notes a SIGTERM in /home/termed.
IMPOSTOR = r"""
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
static void noted(int sig)
{
	int fd = open("/home/termed", O_WRONLY | O_CREAT, 0644);
	(void)sig;
	(void)write(fd, "TERM\n", 5);
	close(fd);
}
int main(int argc, char *argv[])
{
	char *again[] = { "/usr/bin/wireguard-go", argv[1], NULL };
	if (argc == 2 && strcmp(argv[0], again[0]) != 0)
		execv("/proc/self/exe", again);
	signal(SIGTERM, noted);
	for (;;)
		pause();
}
"""


def impostor_binary(tmp_path):
    src, exe = tmp_path / "impostor.c", tmp_path / "impostor"
    src.write_text(IMPOSTOR)
    out = subprocess.run(["cc", "-static", "-O1", "-o", str(exe), str(src)],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return exe


def test_a_host_leaves_through_its_wireguard_tunnel(suite, provider,
                                                    tmp_path):
    admin = admin_token(suite)
    user = make_user(suite, admin, "tunneled", "password-tun")
    status, e, _ = call(suite, "POST", "/v1/admin/egress-ips", admin, {
        "label": "test-provider", "ip_address": TUNNEL[0],
        "tunnel_type": "wireguard", "wg_endpoint": provider.endpoint,
        "wg_public_key": provider.public_key,
        "wg_allowed_ips": "0.0.0.0/0, ::/0", "wg_dns_server": TUNNEL[0],
        "wg_peer_address": TUNNEL[1] + "/32"})
    assert status == 201 and e["configured"], e
    provider.allow(e["wg_client_public_key"])
    h, task_id = create(suite, admin, user["id"], egress_ip_id=e["id"])
    succeeded(suite, admin, task_id)
    short = h["short_id"]

    # the host reaches the provider's side of the tunnel, from the
    # tunnel's address, and has no other way out
    assert wait_for(lambda: through_tunnel(suite, short),
                    timeout=15) == TUNNEL[1]
    links = in_host(suite, short, "ls /sys/class/net").stdout.split()
    assert sorted(links) == sorted(["lo", suite.interface(short)])
    route = in_host(suite, short, "ip route").stdout
    assert "default dev " + suite.interface(short) in route
    assert in_host(suite, short, "cat /etc/resolv.conf").stdout == \
        "nameserver %s\n" % TUNNEL[0]
    # wireguard-go serves it from outside the host's limits
    servers = wireguard_go(suite, short)
    assert len(servers) == 1
    pid = servers[0].split("/")[2]
    with open("/proc/%s/cgroup" % pid) as f:
        assert "/" + short not in f.read()

    # rebuilt: a new container, the tunnel with it
    status, body, _ = call(suite, "POST", "/v1/admin/hosts/%s/rebuild"
                           % h["id"], admin)
    succeeded(suite, admin, body["task_id"])
    assert wait_for(lambda: through_tunnel(suite, short),
                    timeout=15) == TUNNEL[1]
    assert len(wireguard_go(suite, short)) == 1

    # a process of the host that shows the tunnel's command line, and
    # would note a SIGTERM: only the machine root's wireguard-go is
    # signalled as the tunnel goes
    home = os.path.join(suite.var, "task", "volumes", short)
    with open(impostor_binary(tmp_path), "rb") as f, \
            open(home + "/impostor", "wb") as o:
        o.write(f.read())
    os.chmod(home + "/impostor", 0o755)
    assert in_host(suite, short, "(/home/impostor %s < /dev/null > "
                   "/dev/null 2>&1 &)" % suite.interface(short)
                   ).returncode == 0
    impostor = wait_for(lambda: [p for p in wireguard_go(suite, short)
                                 if os.stat(p).st_uid != 0])
    assert len(impostor) == 1

    # unbound while running: no tunnel, no network at all
    status, listed, _ = call(suite, "GET", "/v1/admin/bindings", admin)
    bind = listed["bindings"][0]
    status, _, _ = call(suite, "DELETE", "/v1/admin/bindings/" + bind["id"],
                        admin)
    assert status == 204
    status, tasks, _ = call(suite, "GET", "/v1/admin/tasks?kind=host.egress",
                            admin)
    succeeded(suite, admin, tasks["tasks"][0]["task_id"])
    assert wireguard_go(suite, short) == impostor
    assert not os.path.exists(home + "/termed")
    os.kill(int(impostor[0].split("/")[2]), 9)
    wait_for(lambda: wireguard_go(suite, short) == [], timeout=5)
    assert in_host(suite, short, "ls /sys/class/net").stdout.split() == ["lo"]
    assert through_tunnel(suite, short) is None
    assert in_host(suite, short, "cat /etc/resolv.conf").stdout == ""

    # bound again while running
    status, bind, _ = call(suite, "POST", "/v1/admin/bindings", admin,
                           {"host_id": h["id"], "egress_ip_id": e["id"]})
    assert status == 201 and bind["task_id"], bind
    succeeded(suite, admin, bind["task_id"])
    assert wait_for(lambda: through_tunnel(suite, short),
                    timeout=15) == TUNNEL[1]

    # its wireguard-go killed behind moat's back: the reconciler notices
    # and brings the tunnel up again
    for path in wireguard_go(suite, short):
        os.kill(int(path.split("/")[2]), 9)
    wait_for(lambda: wireguard_go(suite, short) == [], timeout=5)
    assert wait_for(lambda: through_tunnel(suite, short),
                    timeout=30) == TUNNEL[1]
    status, events, _ = call(suite, "GET", "/v1/admin/events?type="
                             "host.reconciled", admin)
    assert events["total"] == 1, events
    assert "tunnel was down" in events["events"][0]["message"]

    # stopped, the tunnel goes; deleted, nothing is left
    status, body, _ = call(suite, "POST", "/v1/admin/hosts/%s/stop" %
                           h["id"], admin)
    succeeded(suite, admin, body["task_id"])
    assert wireguard_go(suite, short) == []
    status, body, _ = call(suite, "POST", "/v1/admin/hosts/%s/start" %
                           h["id"], admin)
    succeeded(suite, admin, body["task_id"])
    assert wait_for(lambda: through_tunnel(suite, short),
                    timeout=15) == TUNNEL[1]
    status, body, _ = call(suite, "DELETE", "/v1/admin/hosts/" + h["id"],
                           admin)
    succeeded(suite, admin, body["task_id"])
    wait_for(lambda: wireguard_go(suite, short) == [], timeout=5)
    assert not os.path.exists("/var/run/wireguard/%s.sock" %
                              suite.interface(short))
    assert sh("ip", "link", "show", suite.interface(short),
              check=False).returncode


def test_a_given_private_key_is_used_and_never_shown(suite, provider):
    admin = admin_token(suite)
    user = make_user(suite, admin, "ownkey", "password-own")
    priv, pub = wg_keypair()
    psk = subprocess.run(["wg", "genpsk"], capture_output=True, text=True,
                         check=True).stdout.strip()
    status, e, _ = call(suite, "POST", "/v1/admin/egress-ips", admin, {
        "label": "own-key", "ip_address": TUNNEL[0],
        "wg_endpoint": provider.endpoint,
        "wg_public_key": provider.public_key, "wg_private_key": priv,
        "wg_preshared_key": psk, "wg_peer_address": TUNNEL[1]})
    assert status == 201, e
    assert e["wg_client_public_key"] == pub
    provider.allow(pub)
    subprocess.run(["ip", "netns", "exec", "moatprov", "wg", "set",
                    "mprovwg", "peer", pub, "preshared-key", "/dev/stdin"],
                   input=psk + "\n", text=True, check=True)
    h, task_id = create(suite, admin, user["id"], egress_ip_id=e["id"])
    succeeded(suite, admin, task_id)
    assert wait_for(lambda: through_tunnel(suite, h["short_id"]),
                    timeout=15) == TUNNEL[1]
    # neither key is in any answer, event, the log or the database
    status, events, _ = call(suite, "GET", "/v1/admin/events?limit=200",
                             admin)
    answers = repr(events) + repr(egress_list(suite, admin))
    with open(suite.log_path, "rb") as f:
        log = f.read()
    data = db_bytes(suite)
    for secret in (priv, psk):
        assert secret not in answers
        assert secret.encode() not in log and secret.encode() not in data


def test_an_egress_that_cannot_make_a_tunnel_may_be_bound(suite):
    """The document's own egress IP (placeholder keys) and host: bound as
    the document binds them (201), the host's tunnel task fails at once
    with a clear code, and the host runs without a way out."""
    admin = admin_token(suite)
    user = make_user(suite, admin, "placeholder", "password-ph")
    status, e, _ = call(suite, "POST", "/v1/admin/egress-ips", admin,
                        WG_EXAMPLE)
    assert status == 201 and not e["configured"]
    h, task_id = create(suite, admin, user["id"])
    succeeded(suite, admin, task_id)
    status, bind, _ = call(suite, "POST", "/v1/admin/bindings", admin,
                           {"host_id": h["id"], "egress_ip_id": e["id"]})
    assert status == 201, bind
    t = finished(suite, admin, bind["task_id"])
    assert t["status"] == "failed" and t["error_code"] == "egress_invalid"
    assert t["attempts"] == 1, t
    status, body, _ = call(suite, "GET", "/v1/admin/hosts/" + h["id"], admin)
    assert body["host"]["status"] == "running"
    assert body["host"]["egress_ip_id"] == e["id"]
    # a host made with it runs too, its create task failed the same way
    other = make_user(suite, admin, "placeholder2", "password-ph2")
    status, e2, _ = call(suite, "POST", "/v1/admin/egress-ips", admin,
                         WG_EXAMPLE)
    h2, task2 = create(suite, admin, other["id"], egress_ip_id=e2["id"])
    t = finished(suite, admin, task2)
    assert t["status"] == "failed" and t["error_code"] == "egress_invalid"
    status, body, _ = call(suite, "GET", "/v1/admin/hosts/" + h2["id"],
                           admin)
    assert body["host"]["status"] == "running"
    assert in_host(suite, h2["short_id"],
                   "ls /sys/class/net").stdout.split() == \
        ["lo"]


def test_a_key_the_tunnel_cannot_use_fails_its_task(suite, provider):
    admin = admin_token(suite)
    user = make_user(suite, admin, "badkey", "password-bad")
    _, pub = wg_keypair()
    e = usable_egress(suite, admin, "later-broken", pub)
    h, task_id = create(suite, admin, user["id"], egress_ip_id=e["id"])
    succeeded(suite, admin, task_id)
    # the document's own update: a placeholder for a key
    status, body, _ = call(suite, "PUT", "/v1/admin/egress-ips/" + e["id"],
                           admin, {"wg_public_key": "NewKey"})
    assert status == 200 and body["task_id"], body
    t = finished(suite, admin, body["task_id"], timeout=40)
    assert t["status"] == "failed" and t["error_code"] == "egress_invalid", t
    # the host is still there, running, without a way out
    status, body, _ = call(suite, "GET", "/v1/admin/hosts/" + h["id"], admin)
    assert body["host"]["status"] == "running"
    assert in_host(suite, h["short_id"],
                   "ls /sys/class/net").stdout.split() == \
        ["lo"]


def test_the_three_checks_of_an_egress_ip(make_suite, provider):
    suite = make_suite('task egress check "%s"\n' % CHECK_URL)
    admin = admin_token(suite)
    base = {"wg_endpoint": provider.endpoint,
            "wg_public_key": provider.public_key,
            "wg_peer_address": TUNNEL[1] + "/32"}
    # declared as the address the provider's web server sees, its DNS
    # server the provider's: all three pass
    status, good, _ = call(suite, "POST", "/v1/admin/egress-ips", admin,
                           dict(base, label="good", ip_address=TUNNEL[1],
                                wg_dns_server=TUNNEL[0]))
    assert status == 201, good
    provider.allow(good["wg_client_public_key"])
    status, body, _ = call(suite, "POST", "/v1/admin/egress-ips/%s/test"
                           % good["id"], admin)
    assert status == 200, body
    assert body["ok"] is True and body["exit_ip"] == TUNNEL[1], body
    assert body["egress_ip_id"] == good["id"]
    for name in ("connectivity", "exit_ip_match", "dns_leak"):
        assert body["checks"][name]["ok"] is True, body
    assert "check.moat.test" in body["checks"]["dns_leak"]["detail"]
    # the test's tunnel is gone with it
    test_tunnel = suite.interface("t")
    assert not glob.glob("/var/run/wireguard/%s*.sock" % test_tunnel)
    assert sh("pgrep", "-f", "wireguard-go " + test_tunnel,
              check=False).returncode

    # another exit address than declared
    status, other, _ = call(suite, "POST", "/v1/admin/egress-ips", admin,
                            dict(base, label="other",
                                 ip_address="203.0.113.10",
                                 wg_dns_server=TUNNEL[0]))
    provider.allow(other["wg_client_public_key"])
    status, body, _ = call(suite, "POST", "/v1/admin/egress-ips/%s/test"
                           % other["id"], admin)
    assert status == 200 and body["ok"] is False, body
    assert body["checks"]["connectivity"]["ok"] is True
    assert body["checks"]["exit_ip_match"]["ok"] is False
    assert TUNNEL[1] in body["checks"]["exit_ip_match"]["detail"]
    assert body["checks"]["dns_leak"]["ok"] is True

    # no DNS server: a host could look up no name, the check URL's either
    status, nodns, _ = call(suite, "POST", "/v1/admin/egress-ips", admin,
                            dict(base, label="nodns", ip_address=TUNNEL[1]))
    provider.allow(nodns["wg_client_public_key"])
    status, body, _ = call(suite, "POST", "/v1/admin/egress-ips/%s/test"
                           % nodns["id"], admin)
    assert status == 200 and body["ok"] is False, body
    assert body["checks"]["dns_leak"]["ok"] is False
    assert "wg_dns_server" in body["checks"]["dns_leak"]["detail"]
    assert body["checks"]["connectivity"]["ok"] is False
    assert body["checks"]["exit_ip_match"]["ok"] is None

    # a key the provider does not know: nothing gets through
    status, stranger, _ = call(suite, "POST", "/v1/admin/egress-ips",
                               admin, dict(base, label="stranger",
                                           ip_address=TUNNEL[1],
                                           wg_dns_server=TUNNEL[0]))
    status, body, _ = call(suite, "POST", "/v1/admin/egress-ips/%s/test"
                           % stranger["id"], admin)
    assert status == 200 and body["ok"] is False, body
    assert body["checks"]["connectivity"]["ok"] is False
    assert body["checks"]["dns_leak"]["ok"] is False
    assert body["exit_ip"] is None

    # one that makes no tunnel fails its checks at once; who may not
    status, half, _ = call(suite, "POST", "/v1/admin/egress-ips", admin,
                           WG_EXAMPLE)
    status, body, _ = call(suite, "POST", "/v1/admin/egress-ips/%s/test"
                           % half["id"], admin)
    assert status == 200 and body["ok"] is False, body
    assert "wg_public_key" in body["checks"]["connectivity"]["detail"]
    assert body["checks"]["dns_leak"]["ok"] is None
    assert call(suite, "POST", "/v1/admin/egress-ips/nope/test",
                admin)[0] == 404
    make_user(suite, admin, "tester", "password-tester")
    user = login(suite, "tester", "password-tester")[1]["token"]
    assert call(suite, "POST", "/v1/admin/egress-ips/%s/test" % good["id"],
                user)[0] == 403
    status, events, _ = call(suite, "GET", "/v1/admin/events?type="
                             "admin.egress.test", admin)
    assert events["total"] == 5
    assert "connectivity passed, exit ip passed, dns passed" in \
        events["events"][-1]["message"]


def checkers(seen):
    """The egress test's programs now running, each with its ids and
    capabilities, added to seen by pid."""
    for path in glob.glob("/proc/[0-9]*/cmdline"):
        try:
            with open(path, "rb") as f:
                argv = f.read().split(b"\0")
            if b"slow.moat.test" not in b" ".join(argv) or \
                    argv[0] not in (b"/bin/busybox", b"/usr/bin/curl"):
                continue
            status = proc_status(int(path.split("/")[2]))
        except (OSError, ValueError):
            continue
        seen[path] = (argv[0].decode(), status)


def test_the_checks_run_unprivileged(make_suite, provider):
    """What reads the provider's answers (busybox nslookup, curl) runs
    as nobody, with no capability and no new privileges, in the test's
    network namespace: the provider answers slowly, so that each is
    seen while it runs."""
    s = make_suite('task egress check "http://slow.moat.test:8080/slow"\n')
    admin = admin_token(s)
    status, e, _ = call(s, "POST", "/v1/admin/egress-ips", admin, {
        "label": "slow", "ip_address": TUNNEL[1],
        "wg_endpoint": provider.endpoint,
        "wg_public_key": provider.public_key, "wg_dns_server": TUNNEL[0],
        "wg_peer_address": TUNNEL[1] + "/32"})
    assert status == 201, e
    provider.allow(e["wg_client_public_key"])
    results, seen = {}, {}
    s.name = "slow"
    thread = egress_test_in_thread(s, admin, e["id"], results)
    while thread.is_alive():
        checkers(seen)
        time.sleep(0.02)
    thread.join()
    status, body, _ = results["slow"]
    assert status == 200 and body["ok"] is True, body
    programs = sorted(program for program, _ in seen.values())
    assert "/bin/busybox" in programs and "/usr/bin/curl" in programs, seen
    own_net = os.readlink("/proc/self/ns/net")
    for path, (program, st) in seen.items():
        assert st["Uid"].split() == ["65534"] * 4, (program, st)
        assert st["Gid"].split() == ["65534"] * 4, (program, st)
        assert st["Groups"].split() in ([], ["65534"]), (program, st)
        for caps in ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"):
            assert int(st[caps], 16) == 0, (program, caps, st)
        assert st["NoNewPrivs"] == "1", (program, st)
        try:
            net = os.readlink(path.replace("cmdline", "ns/net"))
        except OSError:
            continue        # it ended meanwhile
        assert net != own_net, program


def test_canary_keys_never_reach_frontd(make_suite, provider):
    """SECURITY.md's canaries: a WireGuard private key, a preshared key
    and a proxy's password, planted, then every egress route exercised
    (a real tunnel made with them, a test run through it) by a frontd
    that did not take them in: none is in its memory."""
    from test_v1_identity import read_memory
    s = make_suite()
    admin = admin_token(s)
    priv, pub = wg_keypair()
    psk = subprocess.run(["wg", "genpsk"], capture_output=True, text=True,
                         check=True).stdout.strip()
    proxy_password = "canary-" + os.urandom(12).hex()
    status, wg, _ = call(s, "POST", "/v1/admin/egress-ips", admin, {
        "label": "canary", "ip_address": TUNNEL[1],
        "wg_endpoint": provider.endpoint,
        "wg_public_key": provider.public_key, "wg_private_key": priv,
        "wg_preshared_key": psk, "wg_peer_address": TUNNEL[1]})
    assert status == 201, wg
    subprocess.run(["ip", "netns", "exec", "moatprov", "wg", "set",
                    "mprovwg", "peer", pub, "preshared-key", "/dev/stdin",
                    "allowed-ips", TUNNEL[1] + "/32"],
                   input=psk + "\n", text=True, check=True)
    status, proxy, _ = call(s, "POST", "/v1/admin/egress-ips", admin,
                            dict(PROXY_EXAMPLES[2], proxy_config=dict(
                                PROXY_EXAMPLES[2]["proxy_config"],
                                password=proxy_password)))
    assert status == 201, proxy
    s.stop()
    s.start()
    admin = admin_token(s)
    user = make_user(s, admin, "canary", "password-canary")
    for ref in (wg["id"], proxy["id"]):
        assert call(s, "GET", "/v1/admin/egress-ips/" + ref, admin)[0] == 200
        assert call(s, "PUT", "/v1/admin/egress-ips/" + ref, admin,
                    {"provider": "checked"})[0] == 200
        assert call(s, "POST", "/v1/admin/egress-ips/%s/test" % ref,
                    admin)[0] == 200
    h, task_id = create(s, admin, user["id"], egress_ip_id=wg["id"])
    succeeded(s, admin, task_id)
    assert wait_for(lambda: through_tunnel(s, h["short_id"]),
                    timeout=15) == TUNNEL[1]
    for path in ("/v1/admin/egress-ips", "/v1/admin/bindings",
                 "/v1/admin/events?limit=200", "/v1/admin/dashboard/stats",
                 "/v1/admin/hosts/" + h["id"], "/v1/admin/tasks"):
        assert call(s, "GET", path, admin)[0] == 200, path
    regions = read_memory(s.pid("frontd"))
    assert sum(len(r) for r in regions) > 1000000
    canaries = [priv.encode(), psk.encode(), proxy_password.encode(),
                base64.b64decode(priv), base64.b64decode(psk)]
    for region in regions:
        for canary in canaries:
            assert canary not in region



def runner_family(suite):
    """The runner of a suite and every process under it."""
    taskd = suite.pid("taskd")
    found, todo = [], [taskd]
    while todo:
        pid = todo.pop()
        try:
            with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
                kids = [int(c) for c in f.read().split()]
        except OSError:
            continue
        found += kids
        todo += kids
    return set(found)


def cgroup_members(suite, short_id):
    members = set()
    for controller in ("memory", "pids", "cpu"):
        with open(suite.cgroup(controller, short_id) + "/cgroup.procs") as f:
            members |= {int(p) for p in f.read().split()}
    return members


def egress_test_in_thread(suite, admin, egress_id, results):
    import threading

    def run():
        results[suite.name] = call(suite, "POST", "/v1/admin/egress-ips/%s/"
                                   "test" % egress_id, admin)
    t = threading.Thread(target=run)
    t.start()
    return t


def test_two_suites_on_one_machine_keep_apart(make_suite, provider):
    """Two suites at once (a test run beside a serving suite): each has
    an id of its own, in every name it gives the system (containers,
    cgroups, the spare cgroups of its warm process, tunnels, an egress
    test's tunnel), so that their hosts, tests and tunnels run side by
    side; one stopped, and what it made removed, leaves the other's
    container, cgroups and tunnel as they were."""
    conf = 'task egress check "%s"\n' % CHECK_URL
    # the claim of a suite whose state directory is gone: swept
    stale = "/run/moat-claims/suites/zz9"
    if not os.path.lexists(stale):
        os.makedirs(os.path.dirname(stale), exist_ok=True)
        os.symlink("/nonexistent/task", stale)
    a, b = make_suite(conf, name="a"), make_suite(conf, name="b")
    assert not os.path.lexists(stale)
    a.name, b.name = "a", "b"
    assert a.suite_id() and b.suite_id() and a.suite_id() != b.suite_id()
    addresses = {"a": TUNNEL[1], "b": "10.232.7.3"}
    admins, egress, hosts, threads, results = {}, {}, {}, [], {}
    for s in (a, b):
        admins[s.name] = admin = admin_token(s)
        status, e, _ = call(s, "POST", "/v1/admin/egress-ips", admin, {
            "label": "side-" + s.name, "ip_address": addresses[s.name],
            "wg_endpoint": provider.endpoint,
            "wg_public_key": provider.public_key,
            "wg_dns_server": TUNNEL[0],
            "wg_peer_address": addresses[s.name] + "/32"})
        assert status == 201, e
        provider.allow(e["wg_client_public_key"], addresses[s.name])
        egress[s.name] = e
    # the egress IPs' tests at once: each tunnel under its suite's name
    for s in (a, b):
        threads.append(egress_test_in_thread(s, admins[s.name],
                                             egress[s.name]["id"], results))
    for t in threads:
        t.join()
    for name in ("a", "b"):
        status, body, _ = results[name]
        assert status == 200 and body["ok"] is True, (name, body)
        assert body["exit_ip"] == addresses[name], body

    for s in (a, b):
        user = make_user(s, admins[s.name], "side", "password-side")
        h, task_id = create(s, admins[s.name], user["id"],
                            egress_ip_id=egress[s.name]["id"])
        t = finished(s, admins[s.name], task_id)
        assert t["status"] == "succeeded" and t["attempts"] == 1, t
        hosts[s.name] = h["short_id"]
    pids = {}
    for s, other in ((a, b), (b, a)):
        short = hosts[s.name]
        assert s.containers() == [s.container(short)]
        pids[s.name] = pid = container_pid(s, short)
        with open("/proc/%d/cgroup" % pid) as f:
            assert "memory:/moat-%s/%s\n" % (s.suite_id(), short) in f.read()
        # nothing of the other suite's runner in this host's cgroups
        assert not cgroup_members(s, short) & runner_family(other)
        assert wait_for(lambda: through_tunnel(s, short),
                        timeout=15) == addresses[s.name]
        assert len(wireguard_go(s, short)) == 1
    # each warm process waits in a spare set of its own suite's
    for s in (a, b):
        spares = glob.glob(s.cgroup("memory", "warm*"))
        assert spares, s.name
        assert any(cgroup_members(s, os.path.basename(d)) &
                   runner_family(s) for d in spares)

    b.stop()
    b.remove_system_objects()
    assert b.containers() == [] and not glob.glob(b.cgroup("*"))
    assert wireguard_go(b, hosts["b"]) == []
    assert not os.path.lexists("/run/moat-claims/suites/" + b.suite_id())
    short = hosts["a"]
    assert container_pid(a, short) == pids["a"]
    assert a.containers() == [a.container(short)]
    assert pids["a"] in cgroup_members(a, short)
    assert wait_for(lambda: through_tunnel(a, short),
                    timeout=15) == addresses["a"]
    assert len(wireguard_go(a, short)) == 1
    assert os.readlink("/run/moat-claims/suites/" + a.suite_id()) == \
        os.path.realpath(os.path.join(a.var, "task"))


def frontd_holds(suite, secret):
    from test_v1_identity import read_memory
    return any(secret in region for region in read_memory(
        suite.pid("frontd")))


def test_frontd_keeps_no_secret_beyond_its_request(suite):
    """What passes through frontd in a request (a key being set, a
    password) or its answer (a key shown once) is gone from its memory
    once the request is over: the heap is cleared as it is freed."""
    admin = admin_token(suite)
    priv, _ = wg_keypair()
    password = "canary-password-" + os.urandom(8).hex()
    # the control: a request under way is in memory, so the search sees
    sock = socket.create_connection(("127.0.0.1", suite.port))
    tls = tls_context().wrap_socket(sock)
    marker = "marker-" + os.urandom(8).hex()
    tls.sendall(("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Marker: %s\r\n"
                 % marker).encode())
    assert wait_for(lambda: frontd_holds(suite, marker.encode()), timeout=5)
    tls.sendall(b"\r\n")
    assert tls.recv(4096).startswith(b"HTTP/1.1 200")
    tls.close()
    # secrets in requests and in the answers that show them once
    status, e, _ = call(suite, "POST", "/v1/admin/egress-ips", admin, {
        "label": "passing", "ip_address": "192.0.2.1",
        "wg_private_key": priv, "wg_preshared_key": "cGFzc2luZy1wc2s="})
    assert status == 201, e
    user = make_user(suite, admin, "passer", password)
    status, token = login(suite, "passer", password)
    status, made, _ = call(suite, "POST", "/v1/user/ssh-keys/generate",
                           token["token"])
    assert status == 201, made
    shown = made["private_key"].split("\n")[1].encode()
    for _ in range(3):          # and whatever the next requests reuse
        call(suite, "GET", "/v1/admin/egress-ips", admin)
    time.sleep(0.2)
    assert not frontd_holds(suite, marker.encode())
    for secret in (priv.encode(), base64.b64decode(priv),
                   b"cGFzc2luZy1wc2s=", password.encode(), shown):
        assert not frontd_holds(suite, secret), secret
    assert user["id"]
