"""Where an admin's egress endpoints may be: not loopback, link-local,
the metadata address or unspecified, unless moatd.conf allows it
(egress allow endpoint).  Only egress IPs are made and changed here: no
host, no tunnel."""
import os
import signal
import time

from identity import admin_token, call

KEY = "hFLu2C+D3gXhBa6pfK+RqjvTQGBYXb8NcAzNhmUzTpc="

REFUSED = ["127.0.0.1:51820", "127.8.9.10:1", "[::1]:51820",
           "169.254.169.254:80", "169.254.1.1:51820", "[fe80::1]:51820",
           "0.0.0.0:51820", "[::]:51820", "[fd00:ec2::254]:80",
           "[::ffff:127.0.0.1]:51820", "localhost:51820",
           "wg.localhost:51820"]
ACCEPTED = ["vpn-provider.example.com:51820", "203.0.113.10:51820",
            "[2001:db8::1]:51820", "10.231.7.2:51820", "192.168.1.1:51820"]


def wireguard(label, endpoint):
    return {"label": label, "ip_address": "203.0.113.77",
            "tunnel_type": "wireguard", "wg_endpoint": endpoint,
            "wg_public_key": KEY, "wg_peer_address": "10.0.0.2/32"}


def proxy(label, server):
    return {"label": label, "ip_address": "203.0.113.78",
            "tunnel_type": "proxy",
            "proxy_config": {"type": "socks", "server": server,
                             "server_port": 1080}}


def labels(suite, admin):
    status, body, _ = call(suite, "GET", "/v1/admin/egress-ips", admin)
    assert status == 200, body
    return sorted(e["label"] for e in body["egress_ips"])


def test_endpoints_an_admin_may_not_give(suite):
    admin = admin_token(suite)
    for i, endpoint in enumerate(REFUSED):
        status, body, _ = call(suite, "POST", "/v1/admin/egress-ips", admin,
                               wireguard("r%d" % i, endpoint))
        assert status == 400, (endpoint, body)
        assert "wg_endpoint must not be" in body["error"], body
        assert "egress allow endpoint" in body["error"], body
    for server in ("127.0.0.1", "::1", "169.254.169.254", "localhost",
                   "0.0.0.0", "fe80::2"):
        status, body, _ = call(suite, "POST", "/v1/admin/egress-ips", admin,
                               proxy("p-" + server, server))
        assert status == 400, (server, body)
        assert "proxy_config.server must not be" in body["error"], body
    assert labels(suite, admin) == []
    # what a provider has: a name (taskd checks what it resolves to when
    # it makes the tunnel), or an address elsewhere
    for i, endpoint in enumerate(ACCEPTED):
        status, body, _ = call(suite, "POST", "/v1/admin/egress-ips", admin,
                               wireguard("a%d" % i, endpoint))
        assert status == 201, (endpoint, body)
        assert body["configured"] is True, body
    status, body, _ = call(suite, "POST", "/v1/admin/egress-ips", admin,
                           proxy("p-ok", "proxy.example.net"))
    assert status == 201, body
    # a change to a refused endpoint changes nothing
    e = body
    status, body, _ = call(suite, "GET", "/v1/admin/egress-ips", admin)
    one = [x for x in body["egress_ips"] if x["label"] == "a1"][0]
    for endpoint in ("127.0.0.1:51820", "[fe80::1%eth0]:51820"):
        status, answer, _ = call(suite, "PUT", "/v1/admin/egress-ips/" +
                                 one["id"], admin, {"wg_endpoint": endpoint})
        assert status == 400, answer
    status, body, _ = call(suite, "GET", "/v1/admin/egress-ips/" +
                           one["id"], admin)
    assert body["wg_endpoint"] == "203.0.113.10:51820"
    status, answer, _ = call(suite, "PUT", "/v1/admin/egress-ips/" + e["id"],
                             admin, {"proxy_config": {
                                 "type": "socks", "server": "127.0.0.1",
                                 "server_port": 1080}})
    assert status == 400, answer


def test_moatd_conf_allows_what_it_names(make_suite):
    s = make_suite(conf="egress allow endpoint 127.0.0.0/8\n"
                   "egress allow endpoint 169.254.169.254\n")
    admin = admin_token(s)
    for i, endpoint in enumerate(["127.0.0.1:51999", "127.8.9.10:1",
                                  "169.254.169.254:80",
                                  "[::ffff:127.0.0.1]:51820"]):
        status, body, _ = call(s, "POST", "/v1/admin/egress-ips", admin,
                               wireguard("ok%d" % i, endpoint))
        assert status == 201, (endpoint, body)
        assert body["wg_endpoint"] == endpoint
    status, body, _ = call(s, "POST", "/v1/admin/egress-ips", admin,
                           proxy("p", "127.0.0.1"))
    assert status == 201, body
    # only what it names: the rest of link-local, ::1 and localhost
    # (which is ::1 too) stay refused
    for i, endpoint in enumerate(["169.254.1.1:80", "[::1]:51820",
                                  "localhost:51820", "[fe80::1]:1"]):
        status, body, _ = call(s, "POST", "/v1/admin/egress-ips", admin,
                               wireguard("no%d" % i, endpoint))
        assert status == 400, (endpoint, body)
    assert labels(s, admin) == ["ok0", "ok1", "ok2", "ok3", "p"]

    # a reload that takes the allowance back: kept, but no tunnel is
    # made of them, and configured says why
    s.write_conf("")
    before = s.log_text().count("configuration reloaded")
    os.kill(s.pid("moatd"), signal.SIGHUP)
    deadline = time.time() + 10
    while s.log_text().count("configuration reloaded") == before:
        assert time.time() < deadline, s.log_text()
        time.sleep(0.05)
    status, body, _ = call(s, "GET", "/v1/admin/egress-ips", admin)
    kept = {e["label"]: e for e in body["egress_ips"]}
    assert kept["ok0"]["configured"] is False
    assert "egress allow endpoint" in kept["ok0"]["config_error"]
    status, body, _ = call(s, "POST", "/v1/admin/egress-ips", admin,
                           wireguard("again", "127.0.0.1:51999"))
    assert status == 400, body
