"""The object-store path against a real S3-compatible server on loopback
(moto's server mode, on a free port): private objects, short-lived signed
links, ranged reads (issue 15)."""

from __future__ import annotations

import socket
import urllib.error
import urllib.request
from urllib.parse import parse_qs, urlparse

import boto3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from exercises import services
from tests.exercises.conftest import mp4_bytes
from tests.programmes.helpers import ensure_library

BUCKET = "clinic-media-test"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def s3_server():
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        region_name="eu-west-2",
    )
    client.create_bucket(
        Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"}
    )
    yield endpoint, client
    server.stop()


@pytest.fixture
def s3_media(settings, s3_server):
    endpoint, client = s3_server
    settings.STORAGES = {
        **settings.STORAGES,
        "media": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": endpoint,
                "region_name": "eu-west-2",
                "access_key": "test",
                "secret_key": "test",
                "default_acl": "private",
                "querystring_auth": True,
                "querystring_expire": 120,
                "signature_version": "s3v4",
                "file_overwrite": False,
            },
        },
    }
    return endpoint, client


def _fetch(url: str, headers: dict | None = None):
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 (loopback)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (loopback)
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@pytest.mark.django_db
def test_object_store_private_signed_and_ranged(client, clinician, clinic, s3_media):
    endpoint, s3 = s3_media
    ensure_library()
    from exercises.models import Exercise

    exercise = Exercise.objects.shipped().first()
    content = mp4_bytes(64) + bytes(range(256)) * 8
    item = services.media_add(
        exercise=exercise,
        clinic=clinic,
        upload=SimpleUploadedFile("clip.mp4", content),
        alt_text="A clip",
    )
    # Stored in the bucket, private: no grant to everyone.
    stored = s3.get_object(Bucket=BUCKET, Key=item.file)["Body"].read()
    assert stored == content
    grants = s3.get_object_acl(Bucket=BUCKET, Key=item.file)["Grants"]
    assert not [g for g in grants if "AllUsers" in str(g.get("Grantee", {}))]
    # The plain object URL is refused.
    status, _ = _fetch(f"{endpoint}/{BUCKET}/{item.file}")
    assert status == 403
    # The serving view checks access, then redirects to a short-lived SigV4 link.
    client.force_login(clinician)
    response = client.get(item.original_url)
    assert response.status_code == 302
    signed = response["Location"]
    query = parse_qs(urlparse(signed).query)
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
    assert query["X-Amz-Expires"] == ["120"]  # moto does not enforce expiry: the link says it
    assert _fetch(signed) == (200, content)
    status, body = _fetch(signed, {"Range": "bytes=64-127"})
    assert status == 206 and body == content[64:128]
    # Anonymous: the login page, no link.
    client.logout()
    assert client.get(item.original_url).status_code == 302  # to the login page
    assert "X-Amz" not in client.get(item.original_url)["Location"]
