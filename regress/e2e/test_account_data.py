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
                             second["token"], {"password": "third one!"})
    assert status == 200, answer
    assert call(suite, "GET", "/v1/user/me", second["token"])[0] == 200
    assert call(suite, "GET", "/v1/user/me", first["token"])[0] == 401


def test_files_secret_key(suite):
    admin, token, api_key, secret = setup_user(suite, "files")
    acct = account(suite, api_key, secret)
    assert acct["e24files"] == {"s3": {"api_id": None, "secret_key": None}}
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
