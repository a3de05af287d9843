"""Certificates apiv1 (issue 11): state.resync_required, the signal that
tells a device what no cursor can: a private CA it was told to trust
(ca.assigned) is gone, or the signals kept for it were cut (at most one
such signal among those kept).  install.updated, made when a held
certificate's material is new, is proven with ACME in test_acme_issue."""
from test_certs_ca import api, bearer, issue, make_ca
from test_devices import admin, shared_suite  # noqa: F401 (fixtures)
from test_devices import give, poll


def device(s, h, uid, name):
    status, answer = api(s, h, "POST", "/apiv1/users/%s/devices" % uid,
                         {"name": name})
    assert status == 201, answer
    return answer["data"], bearer(answer["data"]["token"])


def cursor_now(s, dev):
    status, hdrs, _ = poll(s, dev, "?limit=100")
    assert status in (200, 204)
    return hdrs["ETag"].strip('"')


def all_kept(s, dev):
    """Every signal kept for the device, from the start, page by page."""
    got, query = [], "?limit=100"
    while True:
        status, hdrs, body = poll(s, dev, query)
        if status == 204:
            return got
        assert status == 200, body
        got += body["data"]["signals"]
        query = "?limit=100&cursor=" + body["data"]["cursor"]


def test_a_deleted_ca_asks_its_devices_to_resync(shared_suite, admin):
    s, (h, uid) = shared_suite, admin
    gone = make_ca(s, h, uid, name="Going CA")
    stays = make_ca(s, h, uid, name="Staying CA")
    c1 = issue(s, h, uid, gone["id"], "gone.example.com")
    c2 = issue(s, h, uid, gone["id"], "gone2.example.com")
    c3 = issue(s, h, uid, stays["id"], "stays.example.com")
    holder, hdev = device(s, h, uid, "holder")
    other, odev = device(s, h, uid, "other")
    former, fdev = device(s, h, uid, "former")
    give(s, h, uid, holder["id"], c1["id"])
    give(s, h, uid, holder["id"], c2["id"])
    give(s, h, uid, other["id"], c3["id"])
    give(s, h, uid, former["id"], c1["id"])
    give(s, h, uid, former["id"], c1["id"], take=True)
    at = [cursor_now(s, d) for d in (hdev, odev, fdev)]
    status, _ = api(s, h, "DELETE", "/apiv1/users/%s/cas/%s" %
                    (uid, gone["id"]))
    assert status == 204
    status, _, body = poll(s, hdev, "?cursor=" + at[0])
    assert status == 200, body
    # one for the device, though it held two of the CA's certificates
    assert [(x["type"], x["ref"]) for x in body["data"]["signals"]] == \
        [("state.resync_required", {})]
    for d, c in ((odev, at[1]), (fdev, at[2])):
        status, _, body = poll(s, d, "?cursor=" + c)
        assert status == 204, body


def test_a_cut_window_asks_for_a_resync_once(shared_suite, admin):
    s, (h, uid) = shared_suite, admin
    ca = make_ca(s, h, uid, name="Window CA")
    cert = issue(s, h, uid, ca["id"], "window.example.com")
    d, dev = device(s, h, uid, "busy")
    give(s, h, uid, d["id"], cert["id"])
    give(s, h, uid, d["id"], cert["id"], take=True)
    # nothing cut yet: no resync among what is kept
    assert "state.resync_required" not in \
        [x["type"] for x in all_kept(s, dev)]
    before = cursor_now(s, dev)
    for _ in range(500):
        give(s, h, uid, d["id"], cert["id"])
        give(s, h, uid, d["id"], cert["id"], take=True)
    # the cursor from before the cut: 409 (it missed some)
    status, _, body = poll(s, dev, "?cursor=" + before)
    assert status == 409 and body["error"]["code"] == 40901, body
    kept = all_kept(s, dev)
    types = [x["type"] for x in kept]
    assert types.count("state.resync_required") == 1, types[-5:]
    # and more cuts while it is kept make no other
    for _ in range(20):
        give(s, h, uid, d["id"], cert["id"])
        give(s, h, uid, d["id"], cert["id"], take=True)
    kept = all_kept(s, dev)
    types = [x["type"] for x in kept]
    assert types.count("state.resync_required") == 1
    assert len(kept) <= 1001
    pairs = [(x["type"], x["ts_ms"]) for x in kept]
    assert len(set(pairs)) == len(pairs)
