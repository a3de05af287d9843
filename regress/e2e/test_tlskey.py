"""The TLS private key lives in authd: frontd's handshakes with RSA and
ECDSA keys, TLS 1.2 and 1.3, verified by clients against the
certificate; the key's bytes nowhere in frontd's memory; reloads that
move certificate and key together."""
import datetime
import os
import signal
import socket
import ssl
import subprocess
import time

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from suite import Suite
from test_v1_identity import read_memory

KEYS = {
    "rsa2048": lambda: rsa.generate_private_key(65537, 2048),
    "p256": lambda: ec.generate_private_key(ec.SECP256R1()),
    "p384": lambda: ec.generate_private_key(ec.SECP384R1()),
}


def make_pair(directory, name, kind):
    """A self-signed certificate and its key, as moatd.conf names them."""
    key = KEYS[kind]()
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME,
                                            "localhost")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder()
            .subject_name(subject).issuer_name(subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None),
                           critical=True)
            .add_extension(x509.SubjectAlternativeName(
                [x509.DNSName("localhost")]), critical=False)
            .sign(key, hashes.SHA256()))
    crt = os.path.join(str(directory), name + ".crt")
    kpath = os.path.join(str(directory), name + ".key")
    with open(crt, "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
    fd = os.open(kpath, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(key.private_bytes(serialization.Encoding.PEM,
                                  serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()))
    return {"kind": kind, "key": key, "crt": crt, "keyfile": kpath}


def tls_conf(pair):
    return 'tls certificate "%s"\ntls key "%s"\n' % (pair["crt"],
                                                     pair["keyfile"])


def verified_get(port, cafile, version):
    """GET /healthz with a client that checks the server's certificate
    (and so its handshake signature) against cafile."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.load_verify_locations(cafile)
    ctx.check_hostname = False
    ctx.minimum_version = version
    ctx.maximum_version = version
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
        with ctx.wrap_socket(raw) as tls:
            got = tls.version()
            tls.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n"
                        b"Connection: close\r\n\r\n")
            data = b""
            while True:
                chunk = tls.recv(65536)
                if not chunk:
                    break
                data += chunk
    return got, data


def s_client(port, cafile, *args):
    """openssl s_client's report of one handshake, verified."""
    out = subprocess.run(
        ["openssl", "s_client", "-connect", "127.0.0.1:%d" % port,
         "-CAfile", cafile, "-verify_return_error"] + list(args),
        input=b"", capture_output=True, timeout=20)
    return out.returncode, out.stdout.decode("latin-1")


@pytest.fixture(scope="module", params=sorted(KEYS))
def keyed(request, tmp_path_factory):
    """A suite serving a certificate of each kind of key."""
    tmp = tmp_path_factory.mktemp("tlskey-" + request.param)
    pair = make_pair(tmp, "server", request.param)
    s = Suite(tmp, tls_conf(pair))
    s.start()
    yield s, pair
    s.stop()
    assert not s.sanitizer_reports(), s.symbolized_log()[-8000:]


@pytest.mark.parametrize("version", ["TLSv1_2", "TLSv1_3"])
def test_handshake_verifies_against_the_certificate(keyed, version):
    s, pair = keyed
    want = getattr(ssl.TLSVersion, version)
    got, data = verified_get(s.port, pair["crt"], want)
    assert got == version.replace("_", ".")
    assert data.startswith(b"HTTP/1.1 200 ")
    # the signature scheme TLS asks for with this key
    rc, out = s_client(s.port, pair["crt"],
                       "-tls1_2" if version == "TLSv1_2" else "-tls1_3")
    assert rc == 0, out
    assert "Verify return code: 0 (ok)" in out
    if pair["kind"] == "rsa2048":
        assert "Peer signature type: RSA-PSS" in out
    else:
        assert "Peer signature type: ECDSA" in out
        if version == "TLSv1_3" and pair["kind"] == "p384":
            assert "Peer signing digest: SHA384" in out


def test_tls12_pkcs1_and_refused_hashes(keyed):
    s, pair = keyed
    if pair["kind"] == "rsa2048":
        # a TLS 1.2 client without RSA-PSS gets PKCS#1 v1.5
        rc, out = s_client(s.port, pair["crt"], "-tls1_2",
                           "-sigalgs", "RSA+SHA256")
        assert rc == 0, out
        assert "Peer signature type: RSA\n" in out
        # SHA-1 is not signed
        rc, out = s_client(s.port, pair["crt"], "-tls1_2",
                           "-sigalgs", "RSA+SHA1")
        assert rc != 0
    else:
        rc, out = s_client(s.port, pair["crt"], "-tls1_2",
                           "-sigalgs", "ECDSA+SHA512")
        assert rc == 0, out
        assert "Peer signing digest: SHA512" in out
        rc, out = s_client(s.port, pair["crt"], "-tls1_2",
                           "-sigalgs", "ECDSA+SHA224")
        assert rc != 0
    assert s.request("GET", "/healthz")[0] == 200


def int_bytes(n):
    big = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return [big, big[::-1]]     # OpenSSL's BIGNUMs are little-endian


def key_secrets(pair):
    """The private key as bytes it could sit in memory as: the file, its
    DER, and the private numbers big- and little-endian."""
    key = pair["key"]
    with open(pair["keyfile"], "rb") as f:
        pem = f.read()
    out = [pem, pem.splitlines()[3],
           key.private_bytes(serialization.Encoding.DER,
                             serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()),
           key.private_bytes(serialization.Encoding.DER,
                             serialization.PrivateFormat.TraditionalOpenSSL,
                             serialization.NoEncryption())]
    nums = key.private_numbers()
    if pair["kind"] == "rsa2048":
        ints = [nums.p, nums.q, nums.d, nums.dmp1, nums.dmq1]
    else:
        ints = [nums.private_value]
    for n in ints:
        out += int_bytes(n)
    return out


def test_frontd_memory_holds_no_private_key(keyed):
    s, pair = keyed
    for version in (ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3):
        for _ in range(3):
            verified_get(s.port, pair["crt"], version)
    secrets = key_secrets(pair)
    frontd = read_memory(s.pid("frontd"))
    assert sum(len(r) for r in frontd) > 1000000
    found = [i for i, secret in enumerate(secrets)
             if any(secret in region for region in frontd)]
    assert found == []
    # the control: authd holds the key, and the search finds it there
    authd = read_memory(s.pid("authd"))
    assert any(n in region for region in authd for n in secrets[4:])


def wait_reloaded(s, count):
    deadline = time.time() + 10
    while s.log_text().count("configuration reloaded") < count:
        assert time.time() < deadline, s.log_text()
        time.sleep(0.05)


def handshake_ok(port, cafile):
    try:
        verified_get(port, cafile, ssl.TLSVersion.TLSv1_3)
        return True
    except ssl.SSLError:
        return False


def test_reload_moves_certificate_and_key_together(make_suite, tmp_path):
    first = make_pair(tmp_path, "first", "p256")
    second = make_pair(tmp_path, "second", "rsa2048")
    third = make_pair(tmp_path, "third", "p384")
    s = make_suite(conf=tls_conf(first))
    assert handshake_ok(s.port, first["crt"])
    pids = s.all_pids()
    # a new pair, of another kind of key: authd gets the key, frontd the
    # certificate, and handshakes verify against the new certificate
    s.write_conf(tls_conf(second))
    s.signal(signal.SIGHUP)
    wait_reloaded(s, 1)
    assert handshake_ok(s.port, second["crt"])
    assert not handshake_ok(s.port, first["crt"])
    for version in (ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3):
        assert verified_get(s.port, second["crt"], version)[1].startswith(
            b"HTTP/1.1 200 ")
    # a certificate with another pair's key: authd refuses the key,
    # frontd the certificate, and the running pair stays
    s.write_conf('tls certificate "%s"\ntls key "%s"\n'
                 % (third["crt"], first["keyfile"]))
    s.signal(signal.SIGHUP)
    wait_reloaded(s, 2)
    log = s.log_text()
    assert "the private key does not match the certificate" in log
    assert "keeping the certificate in use" in log
    assert handshake_ok(s.port, second["crt"])
    assert s.all_pids() == pids     # nothing restarted


def test_start_refuses_a_mismatched_pair(make_suite, tmp_path):
    one = make_pair(tmp_path, "one", "p256")
    two = make_pair(tmp_path, "two", "p256")
    s = make_suite(conf='tls certificate "%s"\ntls key "%s"\n'
                   % (one["crt"], two["keyfile"]), wait=False)
    assert s.wait_exit(20) not in (None, 0), s.log_text()
    assert "the private key does not match the certificate" in \
        s.log_text()
