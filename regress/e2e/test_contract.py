"""The contract between the processes (DESIGN.md, "IPC"): content a
receiver refuses is an error answer that reaches the client as a 4xx in
its dialect's shape; it never stops the suite.  Each case here once
stopped the whole suite with one request."""
import json

from identity import admin_token, call, login, make_user
from test_account_identity import new_pair, signed


def pids(suite):
    return sorted(suite.all_pids())


def user_token(suite, admin, name):
    user = make_user(suite, admin, name, "password-" + name)
    status, body = login(suite, name, "password-" + name)
    assert status == 200, body
    return user["id"], body["token"]


CONTROL_NAMES = ["x\ny", "x\ry", "tab\there", "bell\x07", "del\x7f",
                 "esc\x1b[31m", "\n"]


def test_a_generated_key_named_with_a_control_character(suite):
    """POST /v1/user/ssh-keys/generate {"name":"x\\ny"}: authd copied the
    name into the key's comment, stored refused the comment by failing
    the message, and the suite stopped."""
    admin = admin_token(suite)
    uid, token = user_token(suite, admin, "ctluser")
    before = pids(suite)
    for name in CONTROL_NAMES:
        for path, tok in [("/v1/user/ssh-keys/generate", token),
                          ("/v1/admin/users/%s/ssh-keys/generate" % uid,
                           admin)]:
            status, body, _ = call(suite, "POST", path, tok,
                                   {"name": name})
            assert status == 400, (path, name, body)
            assert "control character" in body["error"], body
    # uploaded keys are held to the same rule
    status, gen, _ = call(suite, "POST", "/v1/user/ssh-keys/generate",
                          token, {"name": "fine"})
    assert status == 201, gen
    status, body, _ = call(suite, "POST", "/v1/user/ssh-keys", token,
                           {"public_key": gen["public_key"],
                            "name": "a\nb"})
    assert status == 400, body
    assert pids(suite) == before
    status, body, _ = call(suite, "GET", "/v1/user/ssh-keys", token)
    assert status == 200
    assert [k["name"] for k in body["ssh_keys"]] == ["fine"]


def test_account_v2_generate_with_a_control_character(suite):
    """PUT /v2/account/sshkey {"method":"generate"} with such a name, by
    bearer token and by a signed request: 400 in the account dialect."""
    admin = admin_token(suite)
    _, token = user_token(suite, admin, "acctctl")
    api_key, secret = new_pair(suite, token)
    before = pids(suite)
    for name in CONTROL_NAMES:
        status, answer, _ = call(suite, "PUT", "/v2/account/sshkey", token,
                                 {"name": name, "method": "generate"})
        assert status == 400, (name, answer)
        assert answer["success"] is False
        assert "control character" in answer["error"]
        body = json.dumps({"name": name, "method": "generate"}).encode()
        status, answer, _ = signed(suite, "PUT", "/v2/account/sshkey",
                                   api_key, secret, body)
        assert status == 400, (name, answer)
        assert answer["success"] is False
    assert pids(suite) == before
    status, body, _ = call(suite, "GET", "/v1/user/ssh-keys", token)
    assert status == 200 and body["ssh_keys"] == []
    # and the suite still serves
    status, _, _ = suite.request("GET", "/healthz")
    assert status == 200


def test_a_name_quoted_back_is_cut_where_a_character_begins(suite):
    """An unknown member's name was quoted back cut at 40 bytes, inside a
    character; jansson refused to make the answer and frontd stopped.
    A query name decoded to bytes that are not UTF-8 did the same."""
    admin = admin_token(suite)
    _, token = user_token(suite, admin, "utf8user")
    before = pids(suite)
    for name in ("a" + "\u00e9" * 20, "ab" + "\u20ac" * 13,
                 "\U0001F600" * 11):
        status, body, _ = call(suite, "POST", "/v1/user/change-password",
                               token, {name: 1})
        assert status == 400, body
        assert body["error"].startswith("unknown field"), body
    for query in ("%ff=1", "%e2%82=1", "a%c3=1"):
        for path in ("/v1/admin/events", "/v1/admin/tasks"):
            status, body, _ = call(suite, "GET", path + "?" + query, admin)
            assert status == 400, (path, query, body)
            assert "?" in body["error"], body
    assert pids(suite) == before


def test_every_set_of_event_filters(suite):
    """The events list prepares a statement for each set of filters it
    is given (32 of them, a count and a page each); with the rest of
    stored's statements they once filled its statement cache, and stored
    stopped.  And a host's number named a user's row: both lookups
    shared one statement, keyed by a buffer on the stack."""
    import itertools
    admin = admin_token(suite)
    uid, _ = user_token(suite, admin, "eventuser")
    status, body, _ = call(suite, "GET", "/v1/admin/users/%s" % uid, admin)
    assert status == 200, body
    oid = body["user"]["oid"] if "user" in body else body["oid"]
    before = pids(suite)
    filters = {"type": "user.create", "user_id": uid, "host_id":
               "00000000-0000-0000-0000-000000000000", "since":
               "2020-01-01T00:00:00Z", "until": "2099-01-01T00:00:00Z"}
    names = sorted(filters)
    for k in range(len(names) + 1):
        for chosen in itertools.combinations(names, k):
            q = "&".join("%s=%s" % (n, filters[n]) for n in chosen)
            status, body, _ = call(suite, "GET", "/v1/admin/events?" + q,
                                   admin)
            assert status == 200, (q, body)
    # a number as host_id names no host here; as user_id, the user
    status, body, _ = call(suite, "GET", "/v1/admin/events?host_id=%d" %
                           oid, admin)
    assert status == 200 and body["total"] == 0, body
    status, body, _ = call(suite, "GET", "/v1/admin/events?user_id=%d" %
                           oid, admin)
    assert status == 200 and body["total"] >= 1, body
    assert pids(suite) == before


def test_the_route_table_says_whose_objects_a_route_reaches(suite):
    """Each route states its access (frontd -R): /v1/admin/ routes are
    admins' alone, /v1/user/ routes the caller's own objects, the other
    dialects any principal's.  stored enforces it: a user on any admin
    route that names nothing in a body is refused 403, an admin passes."""
    from hostile import routes
    table = routes()
    for r in table:
        want = ("admin" if r["path"].startswith("/v1/admin/") else
                "own" if r["path"].startswith("/v1/user/") else "any")
        assert r["access"] == want, r
    admin = admin_token(suite)
    _, user = user_token(suite, admin, "access-user")
    checked = 0
    for r in table:
        if r["access"] != "admin" or r["method"] not in ("GET", "DELETE"):
            continue
        path = r["path"].replace("{}", "1")
        status, body = call(suite, r["method"], path, token=user)[:2]
        assert status == 403, (r, status, body)
        checked += 1
    assert checked >= 10
    status, body = call(suite, "GET", "/v1/admin/hosts", token=admin)[:2]
    assert status == 200, body
