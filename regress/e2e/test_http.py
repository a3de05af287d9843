"""The strict HTTP/1.1 parser and the limits, seen from a real client.

Every malformed request gets a JSON 4xx/5xx and the connection is closed;
the suite keeps serving."""
import json
import socket
import ssl
import time

import pytest

from suite import parse_responses, tls_context

BAD = [
    (b"GET /healthz HTTP/1.1\nHost: x\n\n", 400),
    (b"GET /healthz HTTP/1.1\r\nHost: x\rY: z\r\n\r\n", 400),
    (b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: a\x00b\r\n\r\n", 400),
    (b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: a\r\n folded\r\n\r\n", 400),
    (b"GET /healthz HTTP/1.1\r\nHost : x\r\n\r\n", 400),
    (b"GET /healthz HTTP/1.1\r\n\r\n", 400),
    (b"GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),
    (b"GET /healthz HTTP/2.0\r\nHost: x\r\n\r\n", 505),
    (b"GET /healthz HTTP/1.1x\r\nHost: x\r\n\r\n", 400),
    (b"get /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 501),
    (b"BREW /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 501),
    (b"GET http://x/healthz HTTP/1.1\r\nHost: x\r\n\r\n", 400),
    (b"GET /he\x01althz HTTP/1.1\r\nHost: x\r\n\r\n", 400),
    (b"GET  /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 400),
    (b"\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 400),
    # request smuggling
    (b"POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n"
     b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
    (b"POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n"
     b"Content-Length: 4\r\n\r\nabcd", 400),
    (b"POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: +4\r\n\r\nabcd",
     400),
    (b"POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 4, 4\r\n\r\n"
     b"abcd", 400),
    (b"POST /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked"
     b"\r\n\r\n", 501),
    (b"POST /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
     b"\r\n0x4\r\nabcd\r\n0\r\n\r\n", 400),
    (b"POST /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
     b"\r\n-4\r\nabcd\r\n0\r\n\r\n", 400),
    (b"POST /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
     b"\r\n4\r\nabcdXX0\r\n\r\n", 400),
    (b"POST /healthz HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n"
     b"0\r\n\r\n", 400),
]


@pytest.mark.parametrize("request_bytes,status", BAD)
def test_malformed_request_is_rejected_and_closed(shared_suite, request_bytes,
                                                   status):
    suite = shared_suite
    out = suite.raw(request_bytes, answers=1)
    answers = parse_responses(out)
    assert len(answers) == 1, out
    got, headers, body = answers[0]
    assert got == status, out
    assert headers["connection"] == "close"
    assert headers["content-type"] == "application/json"
    assert set(json.loads(body)) == {"error"}
    # and the suite still answers
    assert suite.request("GET", "/healthz")[0] == 200


def test_header_section_limit(shared_suite):
    suite = shared_suite
    req = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: %s\r\n\r\n"
    answers = parse_responses(suite.raw(req % (b"a" * 9000), answers=1))
    assert answers[0][0] == 431


def test_exact_header_limit_is_accepted(shared_suite):
    suite = shared_suite
    base = b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" \
           b"X-Pad: \r\n\r\n"
    pad = b"a" * (8192 - len(base))
    req = base.replace(b"X-Pad: ", b"X-Pad: " + pad)
    assert len(req) == 8192
    assert parse_responses(suite.raw(req))[0][0] == 200
    req = base.replace(b"X-Pad: ", b"X-Pad: " + pad + b"a")
    assert parse_responses(suite.raw(req, answers=1))[0][0] == 431


def test_too_many_headers(shared_suite):
    suite = shared_suite
    many = b"".join(b"X-%d: v\r\n" % i for i in range(65))
    out = suite.raw(b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + many +
                    b"\r\n", answers=1)
    assert parse_responses(out)[0][0] == 431


def test_body_limit(shared_suite):
    suite = shared_suite
    body = b"x" * 70000
    req = (b"POST /nowhere HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n"
           % len(body))
    answers = parse_responses(suite.raw(req + body, answers=1))
    assert answers[0][0] == 413
    chunked = (b"POST /nowhere HTTP/1.1\r\nHost: x\r\n"
               b"Transfer-Encoding: chunked\r\n\r\n" +
               b"".join(b"8000\r\n" + b"y" * 0x8000 + b"\r\n"
                        for _ in range(3)) + b"0\r\n\r\n")
    answers = parse_responses(suite.raw(chunked, answers=1))
    assert answers[0][0] == 413


def test_chunked_body_keeps_connection(shared_suite):
    suite = shared_suite
    req = (b"POST /nowhere HTTP/1.1\r\nHost: x\r\n"
           b"Transfer-Encoding: chunked\r\n\r\n"
           b"5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nTrailer: x\r\n\r\n"
           b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    answers = parse_responses(suite.raw(req))
    assert [a[0] for a in answers] == [404, 200]


def test_expect_100_continue(shared_suite):
    suite = shared_suite
    sock = socket.create_connection(("127.0.0.1", suite.port), timeout=5)
    tls = tls_context().wrap_socket(sock)
    tls.sendall(b"POST /nowhere HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                b"Expect: 100-continue\r\n\r\n")
    assert tls.recv(100).startswith(b"HTTP/1.1 100 Continue\r\n\r\n")
    tls.sendall(b"hello")
    assert tls.recv(1000).startswith(b"HTTP/1.1 404 ")
    tls.close()


def test_http10_closes_after_answer(shared_suite):
    suite = shared_suite
    out = suite.raw(b"GET /healthz HTTP/1.0\r\n\r\n")
    status, headers, _ = parse_responses(out)[0]
    assert status == 200 and headers["connection"] == "close"


def test_header_timeout(make_suite):
    s = make_suite(conf="http header timeout 1\n")
    sock = socket.create_connection(("127.0.0.1", s.port), timeout=5)
    tls = tls_context().wrap_socket(sock)
    tls.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
    t0 = time.time()
    assert tls.recv(100) == b""
    assert 0.8 < time.time() - t0 < 3
    tls.close()


def test_request_timeout_cuts_a_slow_body(make_suite):
    s = make_suite(conf="http request timeout 1\n")
    sock = socket.create_connection(("127.0.0.1", s.port), timeout=5)
    tls = tls_context().wrap_socket(sock)
    tls.sendall(b"POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n"
                b"12345")
    t0 = time.time()
    assert tls.recv(100) == b""
    assert 0.8 < time.time() - t0 < 3
    tls.close()


def test_idle_timeout(make_suite):
    s = make_suite(conf="http idle timeout 1\n")
    conn = s.connection()
    conn.request("GET", "/healthz")
    assert conn.getresponse().read()
    time.sleep(1.6)
    sock = conn.sock
    assert sock.recv(10) == b""
    conn.close()


def test_slow_tls_handshake_is_cut(make_suite):
    s = make_suite(conf="http header timeout 1\n")
    sock = socket.create_connection(("127.0.0.1", s.port), timeout=5)
    t0 = time.time()
    assert sock.recv(10) == b""     # never started TLS
    assert time.time() - t0 < 3
    sock.close()


def test_connection_limit(make_suite):
    s = make_suite(conf="http max connections 3\n")
    s.close_kept()
    held = []
    for _ in range(3):
        c = s.connection()
        c.request("GET", "/healthz")
        assert c.getresponse().read()
        held.append(c)
    # a fourth is not served while three are open
    sock = socket.create_connection(("127.0.0.1", s.port), timeout=1)
    with pytest.raises((socket.timeout, ssl.SSLError, ConnectionError)):
        tls = tls_context().wrap_socket(sock)
        tls.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        if not tls.recv(100):
            raise ConnectionError("closed")
    sock.close()
    for c in held:
        c.close()
    time.sleep(0.2)
    assert s.request("GET", "/healthz")[0] == 200


def test_garbage_instead_of_tls(shared_suite):
    suite = shared_suite
    sock = socket.create_connection(("127.0.0.1", suite.port), timeout=5)
    sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    try:
        data = sock.recv(100)
    except ConnectionResetError:
        data = b""
    assert not data.startswith(b"HTTP/1.1 200")
    sock.close()
    assert suite.request("GET", "/healthz")[0] == 200


def test_many_bad_clients_do_not_hurt(shared_suite):
    suite = shared_suite
    for i in range(30):
        suite.raw(bytes(range(256)) * 4, answers=1)
    assert suite.request("GET", "/healthz")[0] == 200


def test_bytes_while_a_request_is_handled_get_one_answer(shared_suite):
    # more bytes arriving while the answer is pending must not dispatch
    # the request again (it used to, and the answers outlived the
    # connection)
    suite = shared_suite
    for _ in range(5):
        sock = socket.create_connection(("127.0.0.1", suite.port),
                                        timeout=5)
        tls = tls_context().wrap_socket(sock)
        tls.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n"
                    b"Connection: close\r\n\r\n")
        for _ in range(20):
            try:
                tls.sendall(b"x")
            except (ssl.SSLError, OSError):
                break
        out = b""
        while True:
            try:
                chunk = tls.recv(65536)
            except (ssl.SSLError, OSError):
                break
            if not chunk:
                break
            out += chunk
        tls.close()
        assert out.count(b"HTTP/1.1 ") == 1, out
    assert suite.request("GET", "/healthz")[0] == 200


def test_pipelined_flood_is_answered_in_order(shared_suite):
    suite = shared_suite
    reqs = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n" * 50 + \
        b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    out = suite.raw(reqs)
    assert out.count(b"HTTP/1.1 200 OK") == 51


def test_connections_per_address_are_capped(make_suite):
    s = make_suite(conf="http max connections per address 2\n")
    s.close_kept()
    held = []
    for _ in range(2):
        c = s.connection()
        c.request("GET", "/healthz")
        assert c.getresponse().read()
        held.append(c)
    sock = socket.create_connection(("127.0.0.1", s.port), timeout=3)
    with pytest.raises((ssl.SSLError, ConnectionError, socket.timeout)):
        tls = tls_context().wrap_socket(sock)
        tls.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        if not tls.recv(100):
            raise ConnectionError("closed")
    sock.close()
    held[0].close()
    time.sleep(0.2)
    assert s.request("GET", "/healthz")[0] == 200
    held[1].close()
