"""GET /healthz crosses frontd, stored and taskd."""
import json
import os
import signal
import time



def test_healthz_ok(suite):
    status, headers, body = suite.request("GET", "/healthz")
    assert status == 200
    assert json.loads(body) == {"status": "ok",
                                "checks": {"database": "ok", "agent": "ok"}}
    assert headers["Content-Type"] == "application/json"
    assert headers["Cache-Control"] == "no-store"
    assert int(headers["Content-Length"]) == len(body)


def test_healthz_head_has_no_body(suite):
    status, headers, body = suite.request("HEAD", "/healthz")
    assert status == 200
    assert body == b""
    assert int(headers["Content-Length"]) > 0


def test_keep_alive_many_requests_on_one_connection(suite):
    conn = suite.connection()
    for _ in range(50):
        conn.request("GET", "/healthz")
        resp = conn.getresponse()
        assert resp.status == 200
        assert json.loads(resp.read())["status"] == "ok"
    conn.close()


def test_pipelined_requests_answer_in_order(suite):
    req = (b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
           b"GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n"
           b"HEAD /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    answers = split_answers(suite.raw(req))
    assert [a[0] for a in answers] == [200, 404, 200]
    assert json.loads(answers[0][1])["status"] == "ok"
    assert json.loads(answers[1][1]) == {"error": "not found"}
    assert answers[2][1] == b""


def split_answers(out):
    """(status, body) of each answer; a HEAD answer has no body even
    though it carries a Content-Length."""
    res = []
    for part in out.split(b"HTTP/1.1 ")[1:]:
        head, _, body = part.partition(b"\r\n\r\n")
        res.append((int(head.split()[0]), body))
    return res


def test_unknown_route_404_and_wrong_method_405(suite):
    status, body = suite.json("GET", "/nope")
    assert (status, body) == (404, {"error": "not found"})
    status, body = suite.json("POST", "/healthz", body=b"{}",
                              headers={"Content-Type": "application/json"})
    assert (status, body) == (405, {"error": "method not allowed"})
    # a 405 says which methods the path has (RFC 9110, 15.5.6)
    status, headers, _ = suite.request("POST", "/healthz", b"{}",
                                       {"Content-Type": "application/json"})
    assert status == 405 and headers["Allow"] == "GET, HEAD", headers
    status, headers, _ = suite.request("POST", "/v1/admin/egress-ips/x")
    assert status == 405
    assert headers["Allow"] == "GET, PUT, PATCH, DELETE", headers


def test_agent_failure_degrades(make_suite):
    s = make_suite()
    taskd = s.pid("taskd")
    # paused, not killed: a dead taskd would stop the whole suite
    os.kill(taskd, signal.SIGSTOP)
    try:
        status, body = s.json("GET", "/healthz")
    finally:
        os.kill(taskd, signal.SIGCONT)
    assert status == 503
    assert body == {"status": "degraded",
                    "checks": {"database": "ok", "agent": "fail"}}
    time.sleep(0.2)
    status, body = s.json("GET", "/healthz")
    assert status == 200


def test_database_failure_degrades(make_suite):
    s = make_suite(conf="ipc timeout 500\n")
    stored = s.pid("stored")
    os.kill(stored, signal.SIGSTOP)
    try:
        t0 = time.time()
        status, body = s.json("GET", "/healthz")
        elapsed = time.time() - t0
    finally:
        os.kill(stored, signal.SIGCONT)
    assert status == 503
    assert body["status"] == "degraded"
    assert body["checks"]["database"] == "fail"
    assert elapsed < 3


def test_first_request_after_each_handshake(suite):
    # the request often arrives with the client's last handshake
    # message: it must not wait in a TLS buffer nobody reads
    for _ in range(40):
        conn = suite.connection(timeout=3)
        conn.request("GET", "/healthz")
        assert conn.getresponse().status == 200
        conn.close()
