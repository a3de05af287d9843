"""Account v2: key pairs made with a bearer token, then signed requests:
accepted, and refused when altered, replayed, stale, or unknown."""
import base64
import email.utils
import hashlib
import hmac
import json
import sqlite3
import os
import time

from identity import admin_token, call, make_user


def signed(suite, method, path, api_key, secret, body=b"", when=None,
           host=None, tamper=None):
    xdate = email.utils.formatdate(when if when is not None else
                                   time.time(), usegmt=True)
    host = host or "127.0.0.1:%d" % suite.port
    msg = b"\n".join([method.encode(), host.encode(), xdate.encode(),
                      path.encode(), body])
    sig = base64.b64encode(hmac.new(secret.encode(), msg,
                                    hashlib.sha256).digest()).decode()
    headers = {"X-Date": xdate, "Authorization": "%s:%s" % (api_key, sig),
               "Host": host}
    if tamper:
        tamper(headers)
    status, hdrs, raw = suite.request(method, path, body or None, headers)
    return status, (json.loads(raw) if raw else None), headers


def new_pair(suite, token):
    status, body, _ = call(suite, "PUT", "/v2/account/api", token)
    assert status == 201, body
    assert body["success"] is True
    return body["api"]["api_key"], body["api"]["secret_key"]


def test_key_pairs_and_signatures(suite):
    token = admin_token(suite)
    api_key, secret = new_pair(suite, token)
    assert len(api_key) == 20 and len(secret) == 40
    # a signed read of the account
    status, body, headers = signed(suite, "GET", "/v2/account", api_key,
                                   secret)
    assert status == 200, body
    acct = body["account"]
    assert body["success"] is True
    assert set(acct) == {"id", "name", "email", "phone", "notification",
                         "e24files", "api", "sshkeys", "groups"}
    assert acct["api"] == [{"api_key": api_key, "secret_key": None}]
    assert secret not in json.dumps(body)
    # the same request again: a replay
    status, hdrs, raw = suite.request("GET", "/v2/account", None, headers)
    assert status == 401
    assert json.loads(raw)["success"] is False
    # its signature on another target: refused
    xdate = email.utils.formatdate(usegmt=True)
    host = "127.0.0.1:%d" % suite.port
    sig = base64.b64encode(hmac.new(secret.encode(), b"\n".join(
        [b"GET", host.encode(), xdate.encode(), b"/v2/account", b""]),
        hashlib.sha256).digest()).decode()
    fresh = {"X-Date": xdate, "Authorization": api_key + ":" + sig,
             "Host": host}
    status, _, _ = suite.request("GET", "/v2/account?x=1", None, fresh)
    assert status == 401
    # altered: another path, another body, another key, a bad signature
    assert signed(suite, "GET", "/v2/account?x=1", api_key, secret,
                  tamper=lambda h: h.update(
                      Authorization=h["Authorization"]))[0] == 200
    status, _, _ = signed(suite, "GET", "/v2/account", api_key, secret,
                          tamper=lambda h: h.update(
                              Authorization=h["Authorization"][:-4] + "AAA="))
    assert status == 401
    status, _, _ = signed(suite, "GET", "/v2/account", api_key, "x" * 40)
    assert status == 401
    status, _, _ = signed(suite, "GET", "/v2/account", "NOSUCHKEY", secret)
    assert status == 401
    status, _, _ = signed(suite, "GET", "/v2/account", api_key, secret,
                          host="evil.example")
    assert status == 200     # the Host signed is the Host sent
    # the X-Date says another time than the one signed
    status, _, _ = signed(suite, "GET", "/v2/account", api_key, secret,
                          tamper=lambda h: h.update(
                              {"X-Date": email.utils.formatdate(
                                  time.time() + 1, usegmt=True)}))
    assert status == 401
    # outside the five-minute window, either way
    for skew in (-301, 330):
        status, _, _ = signed(suite, "GET", "/v2/account", api_key, secret,
                              when=time.time() + skew)
        assert status == 401
    assert signed(suite, "GET", "/v2/account", api_key, secret,
                  when=time.time() - 200)[0] == 200
    # a malformed date or header
    for bad in ({"X-Date": "yesterday"}, {"Authorization": "no-colon"},
                {"Authorization": ":"}):
        status, body, _ = signed(suite, "GET", "/v2/account", api_key,
                                 secret, tamper=lambda h, b=bad: h.update(b))
        assert status == 401 and body["success"] is False
    # a signed body
    status, body, _ = signed(suite, "POST", "/v2/account/api-new-secret-key",
                             api_key, secret, json.dumps(
                                 {"api_key": api_key}).encode())
    assert status == 200, body
    new_secret = body["api"]["secret_key"]
    assert new_secret != secret and body["api"]["api_key"] == api_key
    assert signed(suite, "GET", "/v2/account", api_key, secret)[0] == 401
    assert signed(suite, "GET", "/v2/account", api_key, new_secret)[0] == 200
    # the body is part of what is signed
    body = json.dumps({"api_key": api_key}).encode()
    status, _, _ = signed(suite, "DELETE", "/v2/account/api", api_key,
                          new_secret, body, tamper=None)
    assert status == 200
    assert signed(suite, "GET", "/v2/account", api_key, new_secret)[0] == 401


def test_signed_body_cannot_be_swapped(suite):
    token = admin_token(suite)
    api_key, secret = new_pair(suite, token)
    other_key, _ = new_pair(suite, token)
    xdate = email.utils.formatdate(usegmt=True)
    host = "127.0.0.1:%d" % suite.port
    body = json.dumps({"api_key": other_key}).encode()
    msg = b"\n".join([b"DELETE", host.encode(), xdate.encode(),
                      b"/v2/account/api", body])
    sig = base64.b64encode(hmac.new(secret.encode(), msg,
                                    hashlib.sha256).digest()).decode()
    forged = json.dumps({"api_key": api_key}).encode()
    status, _, _ = suite.request("DELETE", "/v2/account/api", forged, {
        "X-Date": xdate, "Authorization": "%s:%s" % (api_key, sig),
        "Host": host})
    assert status == 401


def test_secrets_are_sealed_at_rest(suite):
    token = admin_token(suite)
    api_key, secret = new_pair(suite, token)
    suite.stop()
    db = sqlite3.connect(os.path.join(suite.var, "db", "moat.db"))
    (sealed,) = db.execute("SELECT secret_sealed FROM account_keys WHERE "
                           "api_key = ?", (api_key,)).fetchone()
    db.close()
    assert secret.encode() not in sealed
    assert len(sealed) == 1 + 4 + 12 + 40 + 16
    # moved to another row, it no longer opens
    suite.start()
    other_key, _ = new_pair(suite, admin_token(suite))
    suite.stop()
    db = sqlite3.connect(os.path.join(suite.var, "db", "moat.db"))
    db.execute("UPDATE account_keys SET secret_sealed = ? WHERE api_key = ?",
               (sealed, other_key))
    db.commit()
    db.close()
    suite.start()
    assert signed(suite, "GET", "/v2/account", other_key, secret)[0] == 401
    assert signed(suite, "GET", "/v2/account", api_key, secret)[0] == 200


def test_users_reach_only_their_own_key_pairs(suite):
    admin = admin_token(suite)
    make_user(suite, admin, "ann", "ann-password")
    make_user(suite, admin, "ben", "ben-password")
    ann = call(suite, "POST", "/v1/auth/login", body={
        "username": "ann", "password": "ann-password"})[1]["token"]
    ben = call(suite, "POST", "/v1/auth/login", body={
        "username": "ben", "password": "ben-password"})[1]["token"]
    akey, asecret = new_pair(suite, ann)
    bkey, bsecret = new_pair(suite, ben)
    # ben, signing with his own pair, cannot rotate or delete ann's
    for method, path in (("POST", "/v2/account/api-new-secret-key"),
                         ("DELETE", "/v2/account/api")):
        status, body, _ = signed(suite, method, path, bkey, bsecret,
                                 json.dumps({"api_key": akey}).encode())
        assert status == 404 and body["success"] is False
    assert signed(suite, "GET", "/v2/account", akey, asecret)[0] == 200
    status, body, _ = signed(suite, "GET", "/v2/account", bkey, bsecret)
    assert [k["api_key"] for k in body["account"]["api"]] == [bkey]
    # disabling ann stops her pair at once
    users = call(suite, "GET", "/v1/admin/users", admin)[1]["users"]
    aid = [u["id"] for u in users if u["username"] == "ann"][0]
    call(suite, "PATCH", "/v1/admin/users/" + aid, admin,
         {"status": "disabled"})
    assert signed(suite, "GET", "/v2/account", akey, asecret)[0] == 401


def test_bad_account_requests(suite):
    token = admin_token(suite)
    for body in (b"{", b"{}", b'{"api_key": 5}', b'{"api_key": "x", "y": 1}'):
        status, answer, _ = call(suite, "POST",
                                 "/v2/account/api-new-secret-key", token,
                                 body)
        assert status == 400
        assert answer["success"] is False and "error" in answer
    status, answer, _ = call(suite, "GET", "/v2/account")
    assert status == 401 and answer["success"] is False
    status, answer, _ = call(suite, "GET", "/v2/account/nothing", token)
    assert status == 404 and answer["success"] is False


def test_the_documents_bodies_with_their_trailing_commas(suite):
    """account-v2.txt writes its bodies as {"api_key":"...",}: that one
    comma before the closing brace is taken, signed as sent; anything
    else that is not JSON is still refused."""
    token = admin_token(suite)
    api_key, secret = new_pair(suite, token)
    other, _ = new_pair(suite, token)
    body = ('{ \n   "api_key":"%s",\n}' % other).encode()
    status, answer, _ = signed(suite, "POST", "/v2/account/"
                               "api-new-secret-key", api_key, secret, body)
    assert status == 200 and answer["success"] is True, answer
    assert answer["api"]["api_key"] == other
    time.sleep(1.05)
    body = ('{\n    "name": "doc key",\n    "method": "generate",\n}'
            ).encode()
    status, answer, _ = signed(suite, "PUT", "/v2/account/sshkey", api_key,
                               secret, body)
    assert status == 201 and answer["sshkeys"]["name"] == "doc key", answer
    for bad in (b'{"api_key":"%s",,}' % other.encode(),
                b'{"api_key":"%s"},' % other.encode(),
                b'{,}', b'[1,]', b',}', b'{"a":[1,],"api_key":"x"}'):
        time.sleep(1.05)
        status, answer, _ = signed(suite, "DELETE", "/v2/account/api",
                                   api_key, secret, bad)
        assert status == 400 and answer["success"] is False, (bad, answer)
    # the key the refused bodies named is still there
    time.sleep(1.05)
    status, answer, _ = signed(suite, "GET", "/v2/account", api_key, secret)
    assert {"api_key": other, "secret_key": None} in answer["account"]["api"]
    # another dialect keeps JSON strict
    status, answer, _ = call(suite, "POST", "/v1/admin/users", token,
                             b'{"username":"comma","password":"pw-comma-1",}')
    assert status == 400, answer
