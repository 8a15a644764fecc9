"""Signs in one account per role on a running local marketplace: a verified customer, an approved
vendor, and the admin the runner was started with. Only the standard library, only the local
runner's own routes (the outbox gives the verification token, as it does a developer).

    accounts.py URL          makes the accounts; prints the refresh token of each one's session
                             as shell assignments (CUSTOMER_SESSION, VENDOR_SESSION, ADMIN_SESSION)
    accounts.py URL SESSION  prints a fresh access token of that session
"""

import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

API = sys.argv[1].rstrip("/")
PASSWORD = "Kh@lid-Corolla-2019"


def call(method, path, body=None, token=None):
    request = urllib.request.Request(API + path, method=method)
    request.add_header("content-type", "application/json")
    if token:
        request.add_header("authorization", "Bearer " + token)
    data = None if body is None else json.dumps(body).encode()
    try:
        with urllib.request.urlopen(request, data) as response:
            text = response.read()
            return response.status, json.loads(text) if text else None
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def verified(email, name):
    status, _ = call("POST", "/api/auth/register", {"email": email, "password": PASSWORD, "name": name})
    assert status in (201, 409), (email, status)
    _, outbox = call("GET", "/_local/outbox?to=" + urllib.parse.quote(email))
    tokens = [m["data"]["token"] for m in outbox["items"] if m["type"] == "email_verification"]
    if tokens:
        call("POST", "/api/auth/verify", {"token": tokens[0]})
    status, session = call("POST", "/api/auth/login", {"email": email, "password": PASSWORD})
    assert status == 200, (email, status, session)
    return session


def approved_vendor(email, admin):
    session = verified(email, "Nile Motors")
    if session["user"]["role"] == "vendor":
        return session
    application = {
        "businessName": "معرض النيل للسيارات", "businessType": "dealer", "phone": "01012345678",
        "governorate": "giza", "city": "Dokki", "address": "12 Tahrir St, Dokki",
    }
    status, body = call("POST", "/api/vendor-applications", application, session["accessToken"])
    assert status == 201, (status, body)
    status, body = call("POST", f"/api/vendor-applications/{body['application']['id']}/decision",
                        {"decision": "approve"}, admin["accessToken"])
    assert status == 200, (status, body)
    for _ in range(100):
        _, body = call("POST", "/api/auth/refresh", {"refreshToken": session["refreshToken"]})
        session = body or session
        if session["user"]["role"] == "vendor":
            return session
        time.sleep(0.2)
    raise SystemExit("the vendor role never arrived")


def access_token(refresh_token):
    status, session = call("POST", "/api/auth/refresh", {"refreshToken": refresh_token})
    assert status == 200, (status, session)
    return session["accessToken"]


if len(sys.argv) > 2:
    print(access_token(sys.argv[2]))
    sys.exit()
admin_email, admin_password = os.environ["SOUK_ADMIN_EMAIL"], os.environ["SOUK_ADMIN_PASSWORD"]
status, admin = call("POST", "/api/auth/login", {"email": admin_email, "password": admin_password})
assert status == 200, status
customer = verified("fuzz-customer@example.com", "منى حسن")
vendor = approved_vendor("fuzz-vendor@example.com", admin)
for role, session in (("CUSTOMER", customer), ("VENDOR", vendor), ("ADMIN", admin)):
    print(f"{role}_SESSION={session['refreshToken']}")
