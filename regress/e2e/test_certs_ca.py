"""Certificates apiv1 (issue 11): private CAs, certificates issued from
them, their export, pagination, whose they are, and that no private
key is ever held by frontd."""
import base64
import json
import os
import re
import sqlite3
import subprocess

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from identity import admin_password, admin_token, call, make_user
from test_v1_identity import read_memory

HOST = "__Host-"


def session(suite, user, password):
    """A cookie session's headers (with the CSRF token) and user id."""
    status, body, hdrs = call(suite, "POST", "/auth/general",
                              body={"username": user, "password": password})
    assert status == 200, body
    jar = {}
    for part in re.split(r", (?=[!#$%&'*+.^_`|~0-9A-Za-z-]+=)",
                         hdrs.get("Set-Cookie", "")):
        name, _, rest = part.partition("=")
        jar[name[len(HOST):]] = rest.split(";")[0]
    h = {"Cookie": "%smoat_session=%s; %smoat_csrf=%s" % (
        HOST, jar["moat_session"], HOST, jar["moat_csrf"]),
        "X-CSRF-Token": jar["moat_csrf"]}
    return h, body["data"]["user_id"]


def api(suite, h, method, path, body=None):
    status, answer, _ = call(suite, method, path, body=body, headers=h)
    return status, answer


def bearer(key):
    return {"Authorization": "Bearer " + key}


def make_ca(suite, h, uid, **body):
    body.setdefault("name", "Test CA")
    status, answer = api(suite, h, "POST", "/apiv1/users/%s/cas" % uid, body)
    assert status == 201, answer
    return answer["data"]


def issue(suite, h, uid, ca, domain="example.com", sans=(), **body):
    body.update({"ca_id": ca, "domain": domain, "sans": list(sans)})
    status, answer = api(suite, h, "POST", "/apiv1/users/%s/certificates" %
                         uid, body)
    assert status == 201, answer
    return answer["data"]


def bundle(suite, h, uid, ca):
    status, hdrs, raw = suite.request(
        "GET", "/apiv1/users/%s/cas/%s/bundle" % (uid, ca), None, h)
    assert status == 200, raw
    assert hdrs["Content-Type"] == "application/x-pem-file"
    return raw.decode()


def openssl(*args, data=None):
    r = subprocess.run(["openssl", *args], input=data, capture_output=True)
    assert r.returncode == 0, r.stderr.decode()
    return r.stdout.decode()


@pytest.fixture(scope="module")
def shared_suite(tmp_path_factory):
    """One suite for the module's tests that change only their own rows;
    its API limit is raised, as they make hundreds of requests."""
    from suite import module_suite
    yield from module_suite(tmp_path_factory, "certs",
                            "limit api requests 100000\n")


@pytest.fixture(scope="module")
def admin(shared_suite):
    return session(shared_suite, "admin", admin_password(shared_suite))


CA_KINDS = [
    ({}, "ecdsa-p256", "prime256v1"),
    ({"key_type": "rsa", "key_bits": 2048}, "rsa-2048", "2048 bit"),
    ({"key_type": "ecdsa-p384"}, "ecdsa-p384", "secp384r1"),
    ({"key_type": "ecdsa", "key_bits": 384}, "ecdsa-p384", "secp384r1"),
]


@pytest.mark.parametrize("kind,name,marker", CA_KINDS)
def test_a_ca_issues_certificates_openssl_verifies(shared_suite, admin,
                                                   tmp_path, kind, name,
                                                   marker):
    s, (h, uid) = shared_suite, admin
    ca = make_ca(s, h, uid, name="Moat Test " + name, validity_days=30,
                 **kind)
    assert ca["key_type"] == name and ca["name"] == "Moat Test " + name
    assert re.fullmatch(r"[0-9A-F]{32}", ca["serial"]), ca["serial"]
    pem = bundle(s, h, uid, ca["id"])
    assert pem.startswith("-----BEGIN CERTIFICATE-----")
    text = openssl("x509", "-noout", "-text", data=pem.encode())
    assert re.search(r"Basic Constraints: critical\s+CA:TRUE", text)
    assert re.search(r"Key Usage: critical\s+Certificate Sign, CRL Sign",
                     text)
    assert "Subject: CN = Moat Test " + name in text
    assert "Subject Key Identifier" in text
    assert "Authority Key Identifier" in text
    assert marker in text
    (tmp_path / "ca.pem").write_text(pem)
    # leaves of every kind under this CA, with names of every kind
    sans = ["www.example.com", "*.api.example.com", "10.0.0.1", "::1"]
    for leaf, leafname, leafmark in [({}, "ecdsa-p256", "prime256v1"),
                                     ({"key_type": "rsa"}, "rsa-2048",
                                      "rsa")]:
        cert = issue(s, h, uid, ca["id"], "Example.COM", sans, **leaf)
        assert cert["domain"] == "example.com"
        assert cert["sans"] == ["example.com"] + sans
        assert cert["key_type"] == leafname
        assert cert["status"] == "issued" and cert["ca_id"] == ca["id"]
        assert cert["issuer"] == "Moat Test " + name
        status, got = api(s, h, "GET", "/apiv1/users/%s/certificates/%s" %
                          (uid, cert["id"]))
        assert status == 200 and got["data"] == cert
        status, exp = api(s, h, "GET", "/apiv1/users/%s/certificates/%s/"
                          "export" % (uid, cert["id"]))
        assert status == 200, exp
        data = exp["data"]
        assert set(data) == {"cert", "chain", "privkey"}
        assert data["chain"] == pem
        (tmp_path / "cert.pem").write_text(data["cert"])
        key = base64.b64decode(data["privkey"])
        assert key.startswith(b"-----BEGIN PRIVATE KEY-----")
        assert openssl("verify", "-CAfile", str(tmp_path / "ca.pem"),
                       str(tmp_path / "cert.pem")).strip().endswith("OK")
        text = openssl("x509", "-noout", "-text", data=data["cert"].encode())
        assert ("DNS:example.com, DNS:www.example.com, "
                "DNS:*.api.example.com, IP Address:10.0.0.1, "
                "IP Address:0:0:0:0:0:0:0:1") in text
        assert re.search(r"Basic Constraints: critical\s+CA:FALSE", text)
        assert re.search(r"Key Usage: critical\s+Digital Signature", text)
        assert "TLS Web Server Authentication" in text
        assert leafmark in text
        serial = re.search(r"Serial Number:\s*\n?\s*([0-9a-f:]+)", text)
        assert serial.group(1).replace(":", "").upper().lstrip("0") == \
            cert["serial"].lstrip("0")
        # the key exported is the certificate's
        assert openssl("pkey", "-pubout", data=key) == \
            openssl("x509", "-noout", "-pubkey", data=data["cert"].encode())


def test_the_original_body_and_string_ids(shared_suite, admin):
    s, (h, uid) = shared_suite, admin
    ca = make_ca(s, h, uid)
    status, answer = api(s, h, "POST", "/apiv1/users/%s/certificates" % uid,
                         {"domain_name": "orig.example.net",
                          "action": "create", "ca_id": ca["uuid"],
                          "auto_renew": False})
    assert status == 201, answer
    cert = answer["data"]
    assert cert["sans"] == ["orig.example.net"]
    for ref in (cert["uuid"], str(cert["id"])):
        assert api(s, h, "GET", "/apiv1/users/%s/certificates/%s" %
                   (uid, ref))[0] == 200
    assert api(s, h, "GET", "/apiv1/users/%s/cas/%s" %
               (uid, ca["uuid"]))[1]["data"] == ca


def certs_of(suite, h, uid):
    status, answer = api(suite, h, "GET",
                         "/apiv1/users/%s/certificates?limit=100" % uid)
    assert status == 200, answer
    return answer["pagination"]["total"]


@pytest.mark.parametrize("body", [
    {"ca_id": None},
    {"ca_id": [1]},
    {"ca_id": 0},
    {"domain": "exa mple.com"},
    {"domain": "*.*.example.com"},
    {"domain": "foo*.example.com"},
    {"domain": "*.com."},
    {"domain": "-a.example.com"},
    {"domain": "a..example.com"},
    {"domain": "a" * 64 + ".example.com"},
    {"domain": "x." * 127 + "com"},
    {"domain": 5},
    {"domain": ""},
    {"domain": "a,b.example.com"},
    {"sans": ["ok.example.com", 1]},
    {"sans": "www.example.com"},
    {"sans": ["n%d.example.com" % i for i in range(101)]},
    {"sans": ["n%d.example.com" % i for i in range(100)]},
    {"key_type": "dsa"},
    {"key_type": "rsa", "key_bits": 1024},
    {"key_type": "ecdsa", "key_bits": 521},
    {"key_type": "rsa-2048", "key_bits": 4096},
    {"key_type": ["rsa"]},
    {"key_type": "x" * 40},
    {"validity_days": 0},
    {"validity_days": 826},
    {"validity_days": "90"},
    {"auto_renew": "yes"},
    {"action": "renew"},
    {"owner": 2},
    {"domain_name": "b.example.com"},
])
def test_bad_certificate_requests(shared_suite, admin, body):
    s, (h, uid) = shared_suite, admin
    ca = make_ca(s, h, uid, name="Bad Requests")
    request = {"ca_id": ca["id"], "domain": "good.example.com"}
    request.update(body)
    before = certs_of(s, h, uid)
    status, answer = api(s, h, "POST", "/apiv1/users/%s/certificates" % uid,
                         request)
    assert status == 400, (body, answer)
    assert set(answer) == {"error"}
    assert answer["error"]["code"] == 4000 and answer["error"]["what"]
    assert certs_of(s, h, uid) == before


def test_acme_issuance_needs_an_account_of_ones_own(shared_suite, admin):
    """ACME issuance itself is test_acme_issue.py's; here a missing
    account is 404 and makes nothing, nor does one with a ca_id."""
    s, (h, uid) = shared_suite, admin
    before = certs_of(s, h, uid)
    status, answer = api(s, h, "POST", "/apiv1/users/%s/certificates" % uid,
                         {"domain": "acme.example.com", "acme_account_id": 1,
                          "dns_provider_id": 1, "key_type": "ecdsa",
                          "auto_renew": True})
    assert status == 404, answer
    assert answer["error"]["code"] == 4001
    ca = make_ca(s, h, uid)
    status, answer = api(s, h, "POST", "/apiv1/users/%s/certificates" % uid,
                         {"domain": "acme.example.com", "acme_account_id": 1,
                          "ca_id": ca["id"]})
    assert status == 400, answer
    assert certs_of(s, h, uid) == before


@pytest.mark.parametrize("body", [
    {},
    {"name": ""},
    {"name": "x" * 65},
    {"name": "line\nbreak"},
    {"name": 7},
    {"name": "ok", "key_type": "ed25519"},
    {"name": "ok", "key_type": "rsa", "key_bits": 8192},
    {"name": "ok", "validity_days": 0},
    {"name": "ok", "validity_days": 99999},
    {"name": "ok", "colour": "blue"},
])
def test_bad_ca_requests(shared_suite, admin, body):
    s, (h, uid) = shared_suite, admin
    path = "/apiv1/users/%s/cas" % uid
    before = api(s, h, "GET", path + "?limit=100")[1]["pagination"]["total"]
    status, answer = api(s, h, "POST", path, body)
    assert status == 400, (body, answer)
    assert answer["error"]["code"] == 4000
    assert api(s, h, "GET", path + "?limit=100")[1]["pagination"][
        "total"] == before


def make_key(suite, h, uid, scopes):
    status, answer = api(suite, h, "POST", "/apiv1/users/%s/apikeys" % uid,
                         {"name": "k", "scopes": scopes})
    assert status == 201, answer
    return bearer(answer["data"]["token"])


def test_scopes(shared_suite, admin):
    s, (h, uid) = shared_suite, admin
    ca = make_ca(s, h, uid)
    cert = issue(s, h, uid, ca["id"], "scoped.example.com")
    base = "/apiv1/users/%s" % uid
    export = "%s/certificates/%s/export" % (base, cert["id"])
    token = admin_token(s)

    def exports():
        status, events, _ = call(s, "GET", "/v1/admin/events?type="
                                 "certificate.export&limit=1", token)
        assert status == 200
        return events["total"]

    before = exports()
    reader = make_key(s, h, uid, ["certs.read"])
    assert api(s, reader, "GET", base + "/certificates/%s" %
               cert["id"])[0] == 200
    status, answer = api(s, reader, "GET", export)
    assert status == 403 and answer["error"]["code"] == 4003, answer
    # nor issue, nor delete, nor reach the CAs
    status, _ = api(s, reader, "POST", base + "/certificates",
                    {"ca_id": ca["id"], "domain": "no.example.com"})
    assert status == 403
    assert api(s, reader, "DELETE", base + "/certificates/%s" %
               cert["id"])[0] == 403
    assert api(s, reader, "GET", base + "/cas")[0] == 403
    assert api(s, reader, "POST", base + "/cas", {"name": "no"})[0] == 403
    # a refused export is not one
    assert exports() == before
    writer = make_key(s, h, uid, ["certs.read", "certs.write"])
    status, answer = api(s, writer, "GET", export)
    assert status == 200 and answer["data"]["privkey"]
    # each export is in the audit trail
    assert exports() == before + 1
    assert api(s, writer, "POST", base + "/certificates",
               {"ca_id": ca["id"], "domain": "yes.example.com"})[0] == 201
    cas = make_key(s, h, uid, ["cas.read", "cas.write"])
    assert api(s, cas, "POST", base + "/cas", {"name": "by key"})[0] == 201
    assert api(s, cas, "GET", export)[0] == 403
    assert exports() == before + 1


def test_another_users_cas_and_certificates(suite):
    token = admin_token(suite)
    make_user(suite, token, "alice", "alice-password-1")
    make_user(suite, token, "bob", "bob-password-11")
    ah, aid = session(suite, "alice", "alice-password-1")
    bh, bid = session(suite, "bob", "bob-password-11")
    ca = make_ca(suite, ah, aid)
    cert = issue(suite, ah, aid, ca["id"], "alice.example.com")
    own = make_ca(suite, bh, bid)
    for ref_ca, ref_cert in ((ca["id"], cert["id"]),
                             (ca["uuid"], cert["uuid"])):
        # through alice's path, and through bob's own
        for who in (aid, bid):
            base = "/apiv1/users/%s" % who
            for method, path, body in [
                    ("GET", "/cas/%s" % ref_ca, None),
                    ("GET", "/cas/%s/bundle" % ref_ca, None),
                    ("DELETE", "/cas/%s" % ref_ca, None),
                    ("GET", "/certificates/%s" % ref_cert, None),
                    ("GET", "/certificates/%s/export" % ref_cert, None),
                    ("DELETE", "/certificates/%s" % ref_cert, None),
                    ("POST", "/certificates", {"ca_id": ref_ca,
                                               "domain": "bob.example"})]:
                status, answer = api(suite, bh, method, base + path, body)
                assert status == 404, (method, base + path, answer)
                assert answer["error"]["code"] == 4001
    for path, body in (("/cas", {"name": "x"}),
                       ("/certificates", {"ca_id": own["id"],
                                          "domain": "x.example"})):
        status, answer = api(suite, bh, "GET", "/apiv1/users/%s%s" %
                             (aid, path))
        assert status == 404 and answer["error"]["code"] == 4001
        status, answer = api(suite, bh, "POST", "/apiv1/users/%s%s" %
                             (aid, path), body)
        assert status == 404 and answer["error"]["code"] == 4001, answer
    # alice's lists are as she left them
    assert [c["id"] for c in api(suite, ah, "GET", "/apiv1/users/%s/cas" %
                                 aid)[1]["data"]] == [ca["id"]]
    assert [c["id"] for c in api(suite, ah, "GET",
                                 "/apiv1/users/%s/certificates" %
                                 aid)[1]["data"]] == [cert["id"]]
    # bob's own list shows none of alice's, and hers is intact
    status, answer = api(suite, bh, "GET", "/apiv1/users/%s/cas" % bid)
    assert [c["id"] for c in answer["data"]] == [own["id"]]
    assert api(suite, bh, "GET", "/apiv1/users/%s/certificates" %
               bid)[1]["data"] == []
    assert api(suite, ah, "GET", "/apiv1/users/%s/certificates/%s" %
               (aid, cert["id"]))[0] == 200
    assert api(suite, ah, "GET", "/apiv1/users/%s/certificates/%s/export" %
               (aid, cert["id"]))[0] == 200
    # an admin reaches alice's
    admin, _ = session(suite, "admin", admin_password(suite))
    assert api(suite, admin, "GET", "/apiv1/users/%s/certificates/%s" %
               (aid, cert["id"]))[0] == 200


def test_pagination_walks_every_certificate_once(suite):
    token = admin_token(suite)
    make_user(suite, token, "carol", "carol-password-1")
    make_user(suite, token, "dave", "dave-password-11")
    h, uid = session(suite, "carol", "carol-password-1")
    dh, did = session(suite, "dave", "dave-password-11")
    ca = make_ca(suite, h, uid)
    made = {issue(suite, h, uid, ca["id"], "n%d.example.com" % i)["id"]
            for i in range(8)}
    base = "/apiv1/users/%s/certificates" % uid
    seen, cursor, pages = [], None, 0
    while True:
        q = "?limit=3" + ("&cursor=" + cursor if cursor else "")
        status, answer = api(suite, h, "GET", base + q)
        assert status == 200, answer
        page = answer["pagination"]
        seen += [c["id"] for c in answer["data"]]
        pages += 1
        assert page["total"] == 8
        if not page["has_more"]:
            assert page["cursor"] is None
            break
        assert len(answer["data"]) == 3
        last = cursor = page["cursor"]
    assert pages == 3 and len(seen) == 8 and set(seen) == made
    # a cursor changed anywhere is refused, and so is one of another's
    for i in (0, 15, 20, len(last) - 1):
        forged = last[:i] + ("0" if last[i] != "0" else "1") + last[i + 1:]
        status, answer = api(suite, h, "GET", base + "?cursor=" + forged)
        assert status == 400, forged
        assert answer["error"]["code"] == 4000
    for bad in ("x", "0" * 48, last + "00", "%00"):
        assert api(suite, h, "GET", base + "?cursor=" + bad)[0] == 400
    dca = make_ca(suite, dh, did)
    issue(suite, dh, did, dca["id"], "d.example.com")
    assert api(suite, dh, "GET", "/apiv1/users/%s/certificates?cursor=%s" %
               (did, last))[0] == 400
    # offset and limit too
    status, answer = api(suite, h, "GET", base + "?offset=6&limit=5")
    assert [c["id"] for c in answer["data"]] == seen[6:]
    for bad in ("limit=0", "limit=101", "limit=x", "offset=-1", "page=2"):
        assert api(suite, h, "GET", base + "?" + bad)[0] == 400, bad
    # CAs page the same way
    make_ca(suite, h, uid, name="second")
    status, answer = api(suite, h, "GET", "/apiv1/users/%s/cas?limit=1" %
                         uid)
    assert answer["pagination"]["has_more"] is True
    status, answer = api(suite, h, "GET", "/apiv1/users/%s/cas?limit=1&"
                         "cursor=%s" % (uid, answer["pagination"]["cursor"]))
    assert [c["name"] for c in answer["data"]] == ["second"]


def test_delete(suite):
    h, uid = session(suite, "admin", admin_password(suite))
    ca = make_ca(suite, h, uid)
    cert = issue(suite, h, uid, ca["id"], "gone.example.com")
    kept = issue(suite, h, uid, ca["id"], "kept.example.com")
    base = "/apiv1/users/%s" % uid
    assert api(suite, h, "DELETE", base + "/certificates/%s" %
               cert["id"])[0] == 204
    for path in ("", "/export"):
        assert api(suite, h, "GET", base + "/certificates/%s%s" %
                   (cert["id"], path))[0] == 404
    assert api(suite, h, "DELETE", base + "/certificates/%s" %
               cert["id"])[0] == 404
    assert api(suite, h, "DELETE", base + "/cas/%s" % ca["id"])[0] == 204
    assert api(suite, h, "GET", base + "/cas/%s/bundle" % ca["id"])[0] == 404
    status, answer = api(suite, h, "POST", base + "/certificates",
                         {"ca_id": ca["id"], "domain": "after.example.com"})
    assert status == 404, answer
    # a certificate outlives its CA, and still exports
    status, answer = api(suite, h, "GET", base + "/certificates/%s" %
                         kept["id"])
    assert status == 200 and answer["data"]["ca_id"] is None
    assert api(suite, h, "GET", base + "/certificates/%s/export" %
               kept["id"])[0] == 200


def unseal(master, sealed, what, ident):
    """authd's seal (authd/seal.c), opened here with the master key."""
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"moat-v1",
               info=b"seal").derive(master)
    cls, field = b"pki", ("%s:%s" % (what, ident)).encode()
    aad = (sealed[:5] + len(cls).to_bytes(4, "big") + cls +
           (0).to_bytes(8, "big") + len(field).to_bytes(4, "big") + field)
    return AESGCM(key).decrypt(sealed[5:17], sealed[17:], aad)


def secrets_of(pem):
    """What of a private key must not be found: its PEM's base64 lines,
    its DER, and for an EC key its scalar."""
    key = serialization.load_pem_private_key(pem, None)
    der = key.private_bytes(serialization.Encoding.DER,
                            serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    lines = pem.split(b"\n")[1:-2]
    found = [der, lines[1], lines[-1] if len(lines[-1]) > 16 else lines[-2]]
    if isinstance(key, ec.EllipticCurvePrivateKey):
        n = (key.curve.key_size + 7) // 8
        found.append(key.private_numbers().private_value.to_bytes(n, "big"))
    return found


def test_frontd_never_holds_a_private_key(suite):
    h, uid = session(suite, "admin", admin_password(suite))
    ca = make_ca(suite, h, uid, name="Memory CA")
    ca_pem = bundle(suite, h, uid, ca["id"])
    secret = issue(suite, h, uid, ca["id"], "never.example.com")
    shown = issue(suite, h, uid, ca["id"], "shown.example.com")
    status, answer = api(suite, h, "GET", "/apiv1/users/%s/certificates/%s/"
                         "export" % (uid, shown["id"]))
    assert status == 200
    for _ in range(3):
        api(suite, h, "GET", "/apiv1/users/%s/certificates" % uid)
    regions = read_memory(suite.pid("frontd"))
    assert sum(len(r) for r in regions) > 1000000
    # the control: stored's memory (its page cache) holds the exported
    # certificate, so a search like the one below does find what is there
    control = read_memory(suite.pid("stored"))
    line = answer["data"]["cert"].split("\n")[3].encode()
    assert len(line) == 64 and any(line in r for r in control)
    suite.stop()
    with open(os.path.join(suite.var, "master.key"), "rb") as f:
        master = f.read()
    db = sqlite3.connect(os.path.join(suite.var, "db", "moat.db"))
    ca_sealed, = db.execute("SELECT key_sealed FROM cas WHERE id = ?",
                            (ca["uuid"],)).fetchone()
    cert_sealed, = db.execute("SELECT key_sealed FROM certificates WHERE "
                              "id = ?", (secret["uuid"],)).fetchone()
    db.close()
    exported = base64.b64decode(answer["data"]["privkey"])
    assert b"PRIVATE KEY" not in ca_sealed + cert_sealed
    ca_key = unseal(master, ca_sealed, "ca", ca["uuid"])
    cert_key = unseal(master, cert_sealed, "cert", secret["uuid"])
    # the seal is bound to its row: under another id it does not open
    with pytest.raises(Exception):
        unseal(master, ca_sealed, "ca", secret["uuid"])
    # these are the keys of the CA and of the certificate
    assert openssl("pkey", "-pubout", data=ca_key) == openssl(
        "x509", "-noout", "-pubkey", data=ca_pem.encode())
    # nor the key it exported: frontd cleared that answer once sent
    for needle in (secrets_of(ca_key) + secrets_of(cert_key) +
                   secrets_of(exported)):
        assert len(needle) >= 16
        for region in regions:
            assert needle not in region


def test_a_hundred_long_names(shared_suite, admin, tmp_path):
    """The most names a certificate may have, each long, under an
    RSA-4096 CA: issued whole, not a 500 for want of room."""
    s, (h, uid) = shared_suite, admin
    ca = make_ca(s, h, uid, name="Big CA", key_type="rsa-4096")
    names = ["%03d.%s.example.com" % (i, "a" * 23) for i in range(100)]
    cert = issue(s, h, uid, ca["id"], names[0], names[1:],
                 key_type="rsa", key_bits=4096)
    assert cert["sans"] == names and cert["key_type"] == "rsa-4096"
    status, exp = api(s, h, "GET", "/apiv1/users/%s/certificates/%s/export"
                      % (uid, cert["id"]))
    assert status == 200, exp
    (tmp_path / "ca.pem").write_text(bundle(s, h, uid, ca["id"]))
    (tmp_path / "cert.pem").write_text(exp["data"]["cert"])
    assert openssl("verify", "-CAfile", str(tmp_path / "ca.pem"),
                   str(tmp_path / "cert.pem")).strip().endswith("OK")
    text = openssl("x509", "-noout", "-text",
                   data=exp["data"]["cert"].encode())
    assert all("DNS:" + n in text for n in names)
    assert openssl("pkey", "-pubout", data=base64.b64decode(
        exp["data"]["privkey"])) == openssl(
        "x509", "-noout", "-pubkey", data=exp["data"]["cert"].encode())


def test_rsa_keys_are_limited(suite):
    """An RSA key pair stops authd while it is made: ten a minute for a
    user, then 429 with Retry-After; ECDSA keys and other users go on."""
    token = admin_token(suite)
    make_user(suite, token, "erin", "erin-password-1")
    h, uid = session(suite, "erin", "erin-password-1")
    ca = make_ca(suite, h, uid, key_type="rsa")
    for i in range(9):
        issue(suite, h, uid, ca["id"], "r%d.example.com" % i,
              key_type="rsa")
    before = certs_of(suite, h, uid)
    for path, body in (("/certificates", {"ca_id": ca["id"],
                                          "domain": "over.example.com",
                                          "key_type": "rsa"}),
                       ("/cas", {"name": "over", "key_type": "rsa"})):
        status, answer, hdrs = call(suite, "POST", "/apiv1/users/%s%s" %
                                    (uid, path), body=body, headers=h)
        assert status == 429, answer
        assert answer["error"]["code"] == 4029
        assert 0 < int(hdrs["Retry-After"]) <= 60
    assert certs_of(suite, h, uid) == before
    issue(suite, h, uid, ca["id"], "ec.example.com")
    ah, aid = session(suite, "admin", admin_password(suite))
    admin_ca = make_ca(suite, ah, aid, key_type="rsa")
    issue(suite, ah, aid, admin_ca["id"], "a.example.com", key_type="rsa")


def test_a_seal_moved_to_another_ca_does_not_open(suite):
    """A CA's sealed key copied into another CA's row (by whoever can
    write the database) signs nothing: the seal is bound to its CA."""
    h, uid = session(suite, "admin", admin_password(suite))
    one = make_ca(suite, h, uid, name="one")
    two = make_ca(suite, h, uid, name="two")
    issue(suite, h, uid, two["id"], "before.example.com")
    suite.stop()
    db = sqlite3.connect(os.path.join(suite.var, "db", "moat.db"))
    db.execute("UPDATE cas SET key_sealed = (SELECT key_sealed FROM cas "
               "WHERE id = ?) WHERE id = ?", (one["uuid"], two["uuid"]))
    db.commit()
    db.close()
    suite.start()
    h, uid = session(suite, "admin", admin_password(suite))
    status, answer = api(suite, h, "POST", "/apiv1/users/%s/certificates" %
                         uid, {"ca_id": two["id"], "domain": "x.example"})
    assert status == 500, answer
    assert answer["error"]["code"] == 5000
    suite.wait_log("does not open")
    # the CA whose seal it is still issues
    issue(suite, h, uid, one["id"], "after.example.com")
