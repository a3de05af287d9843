"""Account v2: POST /v2/account/data (names, phone, a new password) and
POST /v2/account/files-new-secret-key (an S3 pair shown once, sealed at
rest), with every refusal in the dialect's shape and nothing changed."""
import json
import os
import time

from identity import admin_token, call, login, make_user
from test_account_identity import new_pair, signed


def account(suite, api_key, secret):
    time.sleep(1.05)    # a new X-Date second: never a replay
    status, body, _ = signed(suite, "GET", "/v2/account", api_key, secret)
    assert status == 200, body
    return body["account"]


def post(suite, path, api_key, secret, body):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    status, answer, _ = signed(suite, "POST", path, api_key, secret, raw)
    return status, answer


def setup_user(suite, name):
    admin = admin_token(suite)
    make_user(suite, admin, name, "password-" + name)
    status, body = login(suite, name, "password-" + name)
    assert status == 200, body
    api_key, secret = new_pair(suite, body["token"])
    return admin, body["token"], api_key, secret


def test_names_and_phone(suite):
    _, _, api_key, secret = setup_user(suite, "datauser")
    status, answer = post(suite, "/v2/account/data", api_key, secret,
                          {"first_name": "Ada", "last_name": "Lovelace",
                           "phone": "+44 20 7946 0958"})
    assert status == 200 and answer == {"success": True}, answer
    acct = account(suite, api_key, secret)
    assert acct["name"] == "Ada Lovelace"
    assert acct["phone"] == "+44 20 7946 0958"
    # a subset changes only what it names
    status, answer = post(suite, "/v2/account/data", api_key, secret,
                          {"phone": "555-0100"})
    assert status == 200, answer
    acct = account(suite, api_key, secret)
    assert acct["name"] == "Ada Lovelace" and acct["phone"] == "555-0100"


def test_refusals_change_nothing(suite):
    _, token, api_key, secret = setup_user(suite, "refused")
    post(suite, "/v2/account/data", api_key, secret,
         {"first_name": "Kept", "phone": "123"})
    cases = [
        ({}, "nothing to change"),
        ({"first_name": 5}, "first_name"),
        ({"first_name": None}, "first_name"),
        ({"nickname": "x"}, "unknown field"),
        ({"first_name": "x" * 101}, "first_name"),
        ({"first_name": "a\u0007b"}, "control characters"),
        ({"phone": "call me"}, "phone"),
        ({"phone": "1" * 33}, "phone"),
        ({"first_name": "New", "password": "short"},
         "at least 8 characters"),
        ({"first_name": "New", "password": "x" * 200}, "at most 128"),
        ({"password": 12345678}, "password"),
    ]
    for body, why in cases:
        time.sleep(1.05)
        status, answer = post(suite, "/v2/account/data", api_key, secret,
                              body)
        assert status == 400, (body, answer)
        assert answer["success"] is False and why in answer["error"], \
            (body, answer)
    time.sleep(1.05)
    status, answer = post(suite, "/v2/account/data", api_key, secret,
                          b"{broken")
    assert status == 400 and answer["success"] is False
    acct = account(suite, api_key, secret)
    assert acct["name"] == "Kept" and acct["phone"] == "123"
    # the old password still logs in
    status, _ = login(suite, "refused", "password-refused")
    assert status == 200


def test_new_password_ends_other_sessions(suite):
    _, token, api_key, secret = setup_user(suite, "pwuser")
    status, answer = post(suite, "/v2/account/data", api_key, secret,
                          {"password": "a brand new password"})
    assert status == 200, answer
    status, _ = login(suite, "pwuser", "password-pwuser")
    assert status == 401
    status, body = login(suite, "pwuser", "a brand new password")
    assert status == 200, body
    # the session from before is over; the key pair still signs
    status, body, _ = call(suite, "GET", "/v1/user/me", token)
    assert status == 401, body
    account(suite, api_key, secret)
    # through a session: that session stays, the others end
    status, first = login(suite, "pwuser", "a brand new password")
    status, second = login(suite, "pwuser", "a brand new password")
    status, answer, _ = call(suite, "POST", "/v2/account/data",
                             second["token"], {
                                 "password": "third one!",
                                 "old_password": "a brand new password"})
    assert status == 200, answer
    assert call(suite, "GET", "/v1/user/me", second["token"])[0] == 200
    assert call(suite, "GET", "/v1/user/me", first["token"])[0] == 401


def test_files_secret_key(suite):
    admin, token, api_key, secret = setup_user(suite, "files")
    acct = account(suite, api_key, secret)
    assert acct["e24files"] == {"s3": {"api_id": "", "secret_key": None}}
    status, answer = post(suite, "/v2/account/files-new-secret-key",
                          api_key, secret, {"api_key": api_key})
    assert status == 200, answer
    assert answer["success"] is True
    s3 = answer["e24files"]["s3"]
    assert len(s3["api_id"]) == 20 and len(s3["secret_key"]) == 40
    acct = account(suite, api_key, secret)
    assert acct["e24files"]["s3"] == {"api_id": s3["api_id"],
                                      "secret_key": None}
    # never in clear at rest, in the events or in the log
    db = os.path.join(suite.var, "db")
    for name in os.listdir(db):
        with open(os.path.join(db, name), "rb") as f:
            assert s3["secret_key"].encode() not in f.read()
    status, events, _ = call(suite, "GET", "/v1/admin/events?type="
                             "account.files.key", admin)
    assert status == 200 and events["total"] == 1
    assert s3["secret_key"] not in json.dumps(events)
    assert s3["secret_key"] not in suite.log_text()
    # a new pair replaces the old one
    time.sleep(1.05)
    status, again = post(suite, "/v2/account/files-new-secret-key",
                         api_key, secret, {"api_key": api_key})
    assert status == 200
    assert again["e24files"]["s3"]["api_id"] != s3["api_id"]
    assert account(suite, api_key, secret)["e24files"]["s3"]["api_id"] == \
        again["e24files"]["s3"]["api_id"]
    # another account's key, a missing one, a malformed body
    make_user(suite, admin, "files2", "password-files2")
    status, other = login(suite, "files2", "password-files2")
    other_key, _ = new_pair(suite, other["token"])
    for body, code in [({"api_key": other_key}, 404),
                       ({"api_key": "NOSUCHKEY0000000000A"}, 404),
                       ({"api_key": "short"}, 404), ({}, 400),
                       ({"api_key": 1}, 400)]:
        status, answer, _ = call(suite, "POST",
                                 "/v2/account/files-new-secret-key", token,
                                 body)
        assert status == code, (body, answer)
        assert answer["success"] is False


def test_email_and_notification_contacts(suite):
    admin, token, _, _ = setup_user(suite, "contacts")
    setup_user(suite, "contacts2")
    status, answer, _ = call(suite, "POST", "/v2/account/data", token,
                             {"email": "Ada@Example.COM",
                              "notification": {"email": "ops@example.com",
                                               "phone": "+1 555 0100"}})
    assert status == 200 and answer == {"success": True}, answer
    status, body, _ = call(suite, "GET", "/v2/account", token)
    assert status == 200, body
    acct = body["account"]
    # an address is kept lowered: a login by email compares it so
    assert acct["email"] == "ada@example.com"
    assert acct["notification"] == {"email": "ops@example.com",
                                    "phone": "+1 555 0100"}
    status, body = login(suite, "ADA@example.com", "password-contacts")
    assert status == 200 and body["username"] == "contacts", body
    # one notification member changes alone
    status, answer, _ = call(suite, "POST", "/v2/account/data", token,
                             {"notification": {"phone": "555-0199"}})
    assert status == 200, answer
    acct = call(suite, "GET", "/v2/account", token)[1]["account"]
    assert acct["notification"] == {"email": "ops@example.com",
                                    "phone": "555-0199"}
    # another user cannot take the address, and nothing of theirs changes
    _, other = login(suite, "contacts2", "password-contacts2")
    status, answer, _ = call(suite, "POST", "/v2/account/data",
                             other["token"], {"first_name": "Eve",
                                              "email": "ada@EXAMPLE.com"})
    assert status == 409 and answer["success"] is False, answer
    assert "email already in use" in answer["error"]
    acct2 = call(suite, "GET", "/v2/account", other["token"])[1]["account"]
    # account-v2.txt has the email a string: "" when there is none
    assert acct2["email"] == "" and acct2["name"] == "contacts2", acct2
    # null clears the address; the other user may then take it
    status, _, _ = call(suite, "POST", "/v2/account/data", token,
                        {"email": None})
    assert status == 200
    acct = call(suite, "GET", "/v2/account", token)[1]["account"]
    assert acct["email"] == ""
    assert login(suite, "ada@example.com", "password-contacts")[0] == 401
    status, _, _ = call(suite, "POST", "/v2/account/data", other["token"],
                        {"email": "ada@example.com"})
    assert status == 200


def test_contact_refusals_change_nothing(suite):
    _, token, _, _ = setup_user(suite, "badcontact")
    call(suite, "POST", "/v2/account/data", token,
         {"email": "kept@example.com",
          "notification": {"email": "n@example.com", "phone": "1"}})
    cases = [
        ({"email": "no-at-sign"}, "email must be an address"),
        ({"email": "a@b"}, "email must be an address"),
        ({"email": "a b@example.com"}, "email must be an address"),
        ({"email": "@example.com"}, "email must be an address"),
        ({"email": "a@.example.com"}, "email must be an address"),
        ({"email": "a@example..com"}, "email must be an address"),
        ({"email": "a@b@example.com"}, "email must be an address"),
        ({"email": "a\n@example.com"}, "email must be an address"),
        ({"email": "x" * 250 + "@example.com"}, "email"),
        ({"email": 7}, "email"),
        ({"notification": "ops@example.com"}, "notification"),
        ({"notification": {"pager": "1"}}, "unknown field"),
        ({"notification": {"email": "nope"}}, "email must be an address"),
        ({"notification": {"phone": "call me"}}, "phone"),
        ({"first_name": "Changed", "notification": {"phone": "x"}}, "phone"),
    ]
    for body, why in cases:
        status, answer, _ = call(suite, "POST", "/v2/account/data", token,
                                 body)
        assert status == 400, (body, answer)
        assert answer["success"] is False and why in answer["error"], \
            (body, answer)
    acct = call(suite, "GET", "/v2/account", token)[1]["account"]
    assert acct["email"] == "kept@example.com"
    assert acct["name"] == "badcontact"
    assert acct["notification"] == {"email": "n@example.com", "phone": "1"}


def test_admin_sets_contacts(suite):
    admin, token, _, _ = setup_user(suite, "managed")
    _, other_token, _, _ = setup_user(suite, "managed2")
    uid = call(suite, "GET", "/v1/user/me", token)[1]["id"]
    status, user, _ = call(suite, "PATCH", "/v1/admin/users/" + uid, admin,
                           {"email": "Billing@Example.com",
                            "first_name": "Grace",
                            "notification": {"email": "noc@example.com",
                                             "phone": "+48 22 000"}})
    assert status == 200, user
    assert user["email"] == "billing@example.com"
    assert user["first_name"] == "Grace" and user["status"] == "active"
    assert user["notification"] == {"email": "noc@example.com",
                                    "phone": "+48 22 000"}
    acct = call(suite, "GET", "/v2/account", token)[1]["account"]
    assert acct["email"] == "billing@example.com"
    assert acct["notification"]["email"] == "noc@example.com"
    # status and details together, all or nothing
    status, body, _ = call(suite, "PATCH", "/v1/admin/users/" + uid, admin,
                           {"status": "disabled", "email": "bad"})
    assert status == 400 and "email" in body["error"], body
    status, body, _ = call(suite, "PATCH", "/v1/admin/users/" + uid, admin,
                           {})
    assert status == 400 and "nothing to change" in body["error"], body
    status, body, _ = call(suite, "GET", "/v1/admin/users/" + uid, admin)
    assert body["user"]["status"] == "active", body
    assert body["user"]["email"] == "billing@example.com"
    # another user's address is refused
    uid2 = call(suite, "GET", "/v1/user/me", other_token)[1]["id"]
    status, body, _ = call(suite, "PATCH", "/v1/admin/users/" + uid2, admin,
                           {"email": "billing@example.com"})
    assert status == 409 and "email already in use" in body["error"], body
    # a user cannot set another's details, or their own, through v1 admin
    status, body, _ = call(suite, "PATCH", "/v1/admin/users/" + uid,
                           other_token, {"email": "mine@example.com"})
    assert status == 403, body
    status, body, _ = call(suite, "PATCH", "/v1/admin/users/" + uid, token,
                           {"first_name": "Me"})
    assert status == 403, body
    assert call(suite, "GET", "/v1/admin/users/" + uid,
                admin)[1]["user"]["first_name"] == "Grace"
    # the change left an event naming the admin
    status, events, _ = call(suite, "GET", "/v1/admin/events?type="
                             "admin.user.update&user_id=" + uid, admin)
    assert status == 200 and events["total"] >= 1, events


def test_admin_creates_a_user_with_contacts(suite):
    admin = admin_token(suite)
    status, user, _ = call(suite, "POST", "/v1/admin/users", admin,
                           {"username": "withmail", "password": "pw-withmail",
                            "email": "New.Customer@Example.com",
                            "first_name": "New", "last_name": "Customer",
                            "phone": "+1 555 0000",
                            "notification": {"email": "alerts@example.com",
                                             "phone": "+1 555 0001"}})
    assert status == 201, user
    assert user["email"] == "new.customer@example.com"
    assert user["first_name"] == "New" and user["last_name"] == "Customer"
    assert user["notification"] == {"email": "alerts@example.com",
                                    "phone": "+1 555 0001"}
    status, body = login(suite, "new.customer@example.com", "pw-withmail")
    assert status == 200 and body["username"] == "withmail", body
    # a taken address or a bad field creates no one
    for extra, code, why in (
            ({"email": "new.customer@example.com"}, 409,
             "email already in use"),
            ({"email": "not an address"}, 400, "email"),
            ({"notification": {"phone": "call me"}}, 400, "phone"),
            ({"first_name": 3}, 400, "first_name")):
        body = {"username": "second", "password": "pw-second-1"}
        body.update(extra)
        status, answer, _ = call(suite, "POST", "/v1/admin/users", admin,
                                 body)
        assert status == code and why in answer["error"], (extra, answer)
        assert login(suite, "second", "pw-second-1")[0] == 401
    status, users, _ = call(suite, "GET", "/v1/admin/users?limit=200", admin)
    assert "second" not in [u["username"] for u in users["users"]]


def test_a_bearer_token_needs_the_old_password(make_suite):
    """With a signature the key pair is the proof (account-v2.txt); a
    bearer token is not enough to set a new password, as on
    /v1/user/change-password: it needs "old_password" (400 without it,
    403 when wrong, each wrong one counted against the address)."""
    s = make_suite(conf="limit auth failures 4\n")
    _, token, api_key, secret = setup_user(s, "bearer")
    path = "/v2/account/data"
    status, answer, _ = call(s, "POST", path, token,
                             {"password": "taken over!"})
    assert status == 400, answer
    assert answer["success"] is False
    assert "old_password" in answer["error"]
    for old in ("wrong-password", "x" * 200):
        status, answer, _ = call(s, "POST", path, token, {
            "password": "taken over!", "old_password": old})
        assert status == 403, answer
        assert answer == {"success": False,
                          "error": "the old password is wrong"}
    # nothing changed: not the password, not the other fields
    status, answer, _ = call(s, "POST", path, token, {
        "first_name": "Mallory", "password": "taken over!"})
    assert status == 400, answer
    assert login(s, "bearer", "taken over!")[0] == 401     # a third
    assert account(s, api_key, secret)["name"] == "bearer"
    # a fourth failure reaches the limit; then even the right one waits
    status, answer, _ = call(s, "POST", path, token, {
        "password": "taken over!", "old_password": "wrong-again"})
    assert status == 403, answer
    status, answer, _ = call(s, "POST", path, token, {
        "password": "a new password", "old_password": "password-bearer"})
    assert status == 429, answer
    assert answer["success"] is False
    assert login(s, "bearer", "password-bearer")[0] == 429


def test_a_bearer_token_with_the_old_password(suite):
    _, token, api_key, secret = setup_user(suite, "knows")
    status, answer, _ = call(suite, "POST", "/v2/account/data", token, {
        "first_name": "Known", "password": "a new password",
        "old_password": "password-knows"})
    assert status == 200, answer
    assert login(suite, "knows", "a new password")[0] == 200
    assert account(suite, api_key, secret)["name"] == "Known"
    # a signed request needs none, and may not bring a wrong one
    status, answer = post(suite, "/v2/account/data", api_key, secret,
                          {"password": "signed new password"})
    assert status == 200, answer
    time.sleep(1.05)
    status, answer = post(suite, "/v2/account/data", api_key, secret,
                          {"password": "not this one",
                           "old_password": "wrong-password"})
    assert status == 403, answer
    assert login(suite, "knows", "signed new password")[0] == 200
