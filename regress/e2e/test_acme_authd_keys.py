"""authd's part of ACME issuance judged by a real CA: the account key
made and sealed as authd makes it, every JWS signed by acme.sign's code,
the CSR made by acme.csr's and the External Account Binding MAC'd by
acme.eab's, each message passed through the real codec and routes
(taskd to authd and back).  acme_probe -a drives the engine with them
against pebble, which really validates; the certificate is checked with
openssl against pebble's roots, its names and its key.
"""
import base64
import secrets

import pytest

from test_acme_engine import (Pebble, account_url, check_issued,
                              issue_args, pebble, probe)  # noqa: F401


@pytest.mark.parametrize("keytype,name,alg", [
    ("ec256", "ecdsa-p256", "ES256"),
    ("ec384", "ecdsa-p384", "ES384"),
    ("rsa", "rsa-2048", "RS256"),
])
def test_issue_with_authd_keys(pebble, tmp_path, keytype, name, alg):
    tmp = str(tmp_path)
    names = ["www.%s.authd.example" % keytype, "%s.authd.example" % keytype]
    r = probe(pebble, tmp, "unused.pem", "-a", "-e", "ops@authd.example",
              *issue_args(pebble, tmp, names, "http-01"), keytype=keytype)
    assert "authd key %s %s" % (name, alg) in r.stdout
    account_url(r.stdout)
    check_issued(pebble, tmp, "cert", names)


def test_dns01_and_wildcard_with_authd_csr(pebble, tmp_path):
    tmp = str(tmp_path)
    names = ["*.w.authd.example", "w.authd.example"]
    probe(pebble, tmp, "unused.pem", "-a",
          *issue_args(pebble, tmp, names, "dns-01"), keytype="ec256")
    check_issued(pebble, tmp, "cert", names)


def test_eab_by_authd(tmp_path_factory, tmp_path):
    hmac = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode() \
        .rstrip("=")
    wrong = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode() \
        .rstrip("=")
    peb = Pebble(str(tmp_path_factory.mktemp("pebble-eab-authd")),
                 eab_keys={"kid-7": hmac})
    try:
        tmp = str(tmp_path)
        r = probe(peb, tmp, "unused.pem", "-a", "account", expect=1)
        assert "requires external account binding" in r.stderr
        r = probe(peb, tmp, "unused.pem", "-a", "-K", "kid-7", "-H", wrong,
                  "account", expect=1)
        assert "urn:ietf:params:acme:error:" in r.stderr, r.stderr
        r = probe(peb, tmp, "unused.pem", "-a", "-K", "kid-7", "-H", hmac,
                  *issue_args(peb, tmp, ["eab.authd.example"], "http-01"))
        account_url(r.stdout)
        check_issued(peb, tmp, "cert", ["eab.authd.example"])
    finally:
        peb.stop()
