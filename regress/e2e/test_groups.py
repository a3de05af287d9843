"""User groups: an admin makes them and puts users in them (control
plane v1, beyond the reference); GET /v2/account shows a user's groups
as account-v2.txt has them.  Users cannot touch groups; every change
writes an event; bad input changes nothing."""
import uuid

from identity import admin_token, call, login, make_user


def user(suite, admin, name):
    made = make_user(suite, admin, name, "password-" + name)
    status, body = login(suite, name, "password-" + name)
    assert status == 200, body
    return made["id"], body["token"]


def groups_of(suite, token):
    status, body, _ = call(suite, "GET", "/v2/account", token)
    assert status == 200, body
    return body["account"]["groups"]


def test_groups_show_in_the_account(suite):
    admin = admin_token(suite)
    uid, token = user(suite, admin, "grouped")
    assert groups_of(suite, token) == []
    status, staff, _ = call(suite, "POST", "/v1/admin/groups", admin,
                            {"name": "staff"})
    assert status == 201, staff
    assert staff["name"] == "staff" and staff["members"] == 0
    assert len(staff["id"]) == 36 and uuid.UUID(staff["id"])
    status, billing, _ = call(suite, "POST", "/v1/admin/groups", admin,
                              {"name": "billing"})
    assert status == 201, billing
    path = "/v1/admin/users/%s/groups/" % uid
    status, body, _ = call(suite, "PUT", path + staff["id"], admin)
    assert status == 200 and body["members"] == 1, body
    # putting a user in twice is no change
    status, body, _ = call(suite, "PUT", path + staff["id"], admin)
    assert status == 200 and body["members"] == 1, body
    status, body, _ = call(suite, "PUT", path + billing["id"], admin)
    assert status == 200, body
    # account-v2.txt: id and name of each group, sorted by name
    assert groups_of(suite, token) == [
        {"id": billing["id"], "name": "billing"},
        {"id": staff["id"], "name": "staff"}]
    status, body, _ = call(suite, "GET", "/v1/admin/users/%s/groups" % uid,
                           admin)
    assert status == 200 and body["total"] == 2, body
    assert [g["name"] for g in body["groups"]] == ["billing", "staff"]
    status, body, _ = call(suite, "DELETE", path + billing["id"], admin)
    assert status == 204, body
    status, body, _ = call(suite, "DELETE", path + billing["id"], admin)
    assert status == 404, body
    assert groups_of(suite, token) == [{"id": staff["id"], "name": "staff"}]
    # a deleted group leaves every account
    status, body, _ = call(suite, "DELETE", "/v1/admin/groups/" +
                           staff["id"], admin)
    assert status == 204, body
    assert groups_of(suite, token) == []
    status, body, _ = call(suite, "GET", "/v1/admin/groups/" + staff["id"],
                           admin)
    assert status == 404 and "error" in body, body
    # the events, with the admin as actor
    for kind, n in (("create", 2), ("join", 2), ("leave", 1),
                    ("delete", 1)):
        status, events, _ = call(suite, "GET", "/v1/admin/events?type="
                                 "admin.group." + kind, admin)
        assert status == 200 and events["total"] >= n, (kind, events)


def test_group_list_and_get(suite):
    admin = admin_token(suite)
    status, g, _ = call(suite, "POST", "/v1/admin/groups", admin,
                        {"name": "listed.group-1"})
    assert status == 201, g
    status, got, _ = call(suite, "GET", "/v1/admin/groups/" + g["id"], admin)
    assert status == 200 and got == g, got
    status, body, _ = call(suite, "GET", "/v1/admin/groups?limit=100",
                           admin)
    assert status == 200, body
    assert g in body["groups"] and body["total"] == len(body["groups"])
    status, body, _ = call(suite, "GET", "/v1/admin/groups?limit=0", admin)
    assert status == 400, body


def test_bad_names_and_duplicates(suite):
    admin = admin_token(suite)
    status, _, _ = call(suite, "POST", "/v1/admin/groups", admin,
                        {"name": "dup"})
    assert status == 201
    status, body, _ = call(suite, "POST", "/v1/admin/groups", admin,
                           {"name": "dup"})
    assert status == 409 and "exists" in body["error"], body
    before = call(suite, "GET", "/v1/admin/groups?limit=100", admin)[1]
    for bad in ({"name": ""}, {"name": "9lives"}, {"name": "a b"},
                {"name": "x" * 65}, {"name": "../etc"}, {"name": 5},
                {"name": None}, {}, {"name": "ok", "extra": 1},
                {"name": "a\u0000b"}):
        status, body, _ = call(suite, "POST", "/v1/admin/groups", admin,
                               bad)
        assert status == 400 and "error" in body, (bad, body)
    status, body, _ = call(suite, "POST", "/v1/admin/groups", admin,
                           b"[not json")
    assert status == 400
    after = call(suite, "GET", "/v1/admin/groups?limit=100", admin)[1]
    assert after["total"] == before["total"]


def test_users_cannot_touch_groups(suite):
    admin = admin_token(suite)
    uid, token = user(suite, admin, "nogroups")
    status, g, _ = call(suite, "POST", "/v1/admin/groups", admin,
                        {"name": "admins-only"})
    assert status == 201
    attempts = [
        ("GET", "/v1/admin/groups", None),
        ("POST", "/v1/admin/groups", {"name": "mine"}),
        ("GET", "/v1/admin/groups/" + g["id"], None),
        ("DELETE", "/v1/admin/groups/" + g["id"], None),
        ("GET", "/v1/admin/users/%s/groups" % uid, None),
        ("PUT", "/v1/admin/users/%s/groups/%s" % (uid, g["id"]), None),
        ("DELETE", "/v1/admin/users/%s/groups/%s" % (uid, g["id"]), None),
    ]
    for method, path, body in attempts:
        status, answer, _ = call(suite, method, path, token, body)
        assert status == 403, (method, path, answer)
        status, answer, _ = call(suite, method, path, None, body)
        assert status == 401, (method, path, answer)
    assert groups_of(suite, token) == []
    status, got, _ = call(suite, "GET", "/v1/admin/groups/" + g["id"], admin)
    assert status == 200 and got["members"] == 0


def test_unknown_ids(suite):
    admin = admin_token(suite)
    uid, _ = user(suite, admin, "lonely")
    status, g, _ = call(suite, "POST", "/v1/admin/groups", admin,
                        {"name": "real"})
    missing = str(uuid.uuid4())
    for method, path in (
            ("GET", "/v1/admin/groups/" + missing),
            ("DELETE", "/v1/admin/groups/" + missing),
            ("GET", "/v1/admin/groups/x" * 30),
            ("PUT", "/v1/admin/users/%s/groups/%s" % (uid, missing)),
            ("PUT", "/v1/admin/users/%s/groups/%s" % (missing, g["id"])),
            ("GET", "/v1/admin/users/%s/groups" % missing),
            ("DELETE", "/v1/admin/users/%s/groups/%s" % (missing,
                                                         g["id"]))):
        status, body, _ = call(suite, method, path, admin)
        assert status in (404, 400), (method, path, body)
        assert "error" in body, body


def test_deleting_a_user_leaves_the_group(suite):
    admin = admin_token(suite)
    uid, _ = user(suite, admin, "leaving")
    status, g, _ = call(suite, "POST", "/v1/admin/groups", admin,
                        {"name": "shrinking"})
    call(suite, "PUT", "/v1/admin/users/%s/groups/%s" % (uid, g["id"]),
         admin)
    assert call(suite, "GET", "/v1/admin/groups/" + g["id"],
                admin)[1]["members"] == 1
    status, _, _ = call(suite, "DELETE", "/v1/admin/users/" + uid, admin)
    assert status == 204
    assert call(suite, "GET", "/v1/admin/groups/" + g["id"],
                admin)[1]["members"] == 0
