"""A local model of OONI's public bucket: moto's S3 server on 127.0.0.1, anonymous reads only.

The objects are laid out as OONI's uploader writes them (ooni/backend @32d8349,
``api/ooni_api_uploader.py``): per hour directory ``YYYYMMDDHH_CC_<testname>``, a postcan
``<dir>.n1.<n>.tar.gz`` holding ``<measurement_uid>.post`` members (``fill_postcan``: the spool
files as the API saved them, ``{"format": "json", "content": <measurement>}``) and the JSONL
``<dir>.n1.<n>.jsonl.gz`` of the same measurements (``fill_jsonl``: ``ujson.dumps(msm)`` and a
newline each, ``{}`` for a submission it cannot read), uploaded under
``raw/YYYYMMDD/HH/CC/<testname>/``; before 2020-10-20, ``jsonl/<testname>/CC/YYYYMMDD/00/``
(ooni/data @c8fcc72, ``oonidata/dataclient.py``: ``get_v2_prefixes``). The bucket has a
public-read policy like OONI's AWS Open Data bucket; moto refuses anonymous reads without it.

The measurements are genuine: the OONI backend's own test fixtures, read from the mirror.
The measurement_uids given to postcan members that have none are SYNTHETIC (made here,
deterministically, in OONI's format).
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import tarfile
from dataclasses import dataclass, field
from pathlib import Path

FIXTURES = (
    "raw.githubusercontent.com/ooni/backend/32d8349dc5440e75264c84c0ffe97495c7488e84/fastpath/fastpath/tests/data"  # noqa: E501
)
BUCKET = "ooni-data-eu-fra"
REGION = "eu-central-1"
UNREADABLE = b'{"format": "json", "content": {"report_id": '  # a submission cut short: the uploader writes {}


def fixture(mirror: Path, name: str) -> dict:
    return json.loads((mirror / FIXTURES / name).read_bytes())


def synthetic_uid(hour: str, cc: str, testname: str, index: int) -> str:
    """A SYNTHETIC measurement_uid in OONI's format (``YYYYMMDDHHMMSS.ffffff_CC_test_<16 hex>``)."""
    digest = hashlib.sha256(f"{hour}{cc}{testname}{index}".encode()).hexdigest()[:16]
    return f"{hour}{index:02d}00.{index:06d}_{cc}_{testname}_{digest}"


@dataclass
class Seeded:
    """What was put in the bucket: key -> bytes, and the keys the corpus should read."""

    objects: dict[str, bytes] = field(default_factory=dict)

    def keys(self, suffix: str = "") -> list[str]:
        return sorted(k for k in self.objects if k.endswith(suffix))


def uploader_files(
    hour: str, cc: str, testname: str, can: int, posts: list[bytes], uids: list[str]
) -> dict[str, bytes]:
    """The postcan and JSONL of one can, byte for byte as ``fill_postcan`` / ``fill_jsonl`` build them."""
    stem = f"{hour}_{cc}_{testname}.n1.{can}"
    spool = f"var/lib/ooniapi/measurements/incoming/{hour}_{cc}_{testname}/"
    tar_buffer = io.BytesIO()
    with tarfile.open(fileobj=tar_buffer, mode="w:gz") as tar:
        for uid, data in sorted(zip(uids, posts, strict=True)):  # fill_postcan adds the spool files sorted
            info = tarfile.TarInfo(spool + uid + ".post")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    lines = []
    for _, data in sorted(zip(uids, posts, strict=True)):
        try:
            post = json.loads(data)
            lines.append(json.dumps(post["content"]).encode() + b"\n")
        except ValueError:
            lines.append(b"{}\n")
    prefix = f"raw/{hour[:8]}/{hour[8:10]}/{cc}/{testname}/"
    return {
        prefix + stem + ".tar.gz": tar_buffer.getvalue(),
        prefix + stem + ".jsonl.gz": gzip.compress(b"".join(lines)),
    }


def post(measurement: dict) -> bytes:
    return json.dumps({"format": "json", "content": measurement}).encode()


def seed_objects(mirror: Path) -> Seeded:
    """Genuine Italian measurements (and some that the corpus must not read) in both eras' layouts.

    Country IT, tests web_connectivity, tor, torsf; window 2020-10-19 .. 2020-10-22 (exclusive).
    Not to be read: IT signal (another test), IR web_connectivity (another country), the
    jsonl.gz twin of each postcan, and a day outside the window.
    """
    f = lambda name: fixture(mirror, name)  # noqa: E731
    seeded = Seeded()

    def can(hour: str, cc: str, testname: str, measurements: list, index: int = 0) -> None:
        posts = [m if isinstance(m, bytes) else post(m) for m in measurements]
        uids = [synthetic_uid(hour, cc, testname, i) for i in range(len(posts))]
        seeded.objects.update(uploader_files(hour, cc, testname, index, posts, uids))

    # raw era
    can("2020102009", "IT", "webconnectivity", [f("web_connectivity_no_body.json"), UNREADABLE])
    can("2020102009", "IT", "tor", [f("tor.json"), f("tor_list.json")])
    can("2020102114", "IT", "torsf", [f("torsf_1.json"), f("torsf_2.json")], 0)
    can("2020102114", "IT", "torsf", [f("torsf_2.json")], 1)  # a second can in the same hour
    can("2020102114", "IT", "signal", [f("signal_022.json")])
    can("2020102114", "IR", "webconnectivity", [f("web_connectivity_ir_fp.json")])
    can("2020102200", "IT", "tor", [f("tor.json")])  # the day after the window
    # a JSONL whose postcan is missing, cut short in the middle (a corrupt object)
    body = b"".join(json.dumps(f(n)).encode() + b"\n" for n in ("tor.json", "tor_list.json") * 40)
    cut = gzip.compress(body)
    seeded.objects["raw/20201021/15/IT/tor/2020102115_IT_tor.n1.0.jsonl.gz"] = cut[: len(cut) * 2 // 3]
    # before 2020-10-20: jsonl/<test>/<CC>/<YYYYMMDD>/00/
    old = [f("web_connectivity_no_body.json"), f("web_connectivity_no_body.json")]
    seeded.objects["jsonl/webconnectivity/IT/20201019/00/20201019_IT_webconnectivity.l.0.jsonl.gz"] = gzip.compress(
        b"".join(json.dumps(m).encode() + b"\n" for m in old)
    )
    seeded.objects["jsonl/tor/IT/20201019/00/20201019_IT_tor.l.0.jsonl.gz"] = gzip.compress(
        json.dumps(f("tor_list.json")).encode() + b"\n"
    )
    return seeded


def expected_keys(seeded: Seeded) -> list[str]:
    """The objects the corpus reads for IT web_connectivity,tor,torsf 2020-10-19..2020-10-22 (prefer postcan)."""
    keys = []
    for key in seeded.keys():
        parts = key.split("/")
        if key.startswith("jsonl/"):
            keys.append(key)
            continue
        if parts[1] > "20201021" or parts[3] != "IT" or parts[4] not in ("webconnectivity", "tor", "torsf"):
            continue
        twin = key[: -len(".jsonl.gz")] + ".tar.gz"
        if key.endswith(".jsonl.gz") and twin in seeded.objects:
            continue
        keys.append(key)
    return sorted(keys)


PUBLIC_READ = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "PublicRead",
            "Effect": "Allow",
            "Principal": "*",
            "Action": ["s3:GetObject"],
            "Resource": [f"arn:aws:s3:::{BUCKET}/*"],
        },
        {
            "Sid": "PublicList",
            "Effect": "Allow",
            "Principal": "*",
            "Action": ["s3:ListBucket"],
            "Resource": [f"arn:aws:s3:::{BUCKET}"],
        },
    ],
}


class LocalBucket:
    """moto's S3 server bound to 127.0.0.1 on a free port, holding ``objects`` publicly readable.

    ``process=True`` runs the server in its own process (benchmarks: its CPU is not the client's).
    """

    def __init__(self, objects: dict[str, bytes], *, process: bool = False) -> None:
        import logging

        self.proc = self.server = None
        if process:
            import socket
            import subprocess
            import sys
            import time
            import urllib.request

            with socket.socket() as probe:
                probe.bind(("127.0.0.1", 0))
                port = probe.getsockname()[1]
            self.proc = subprocess.Popen(
                [sys.executable, "-c", "from moto.server import main; main()", "-H", "127.0.0.1", "-p", str(port)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            self.url = f"http://127.0.0.1:{port}"
            for _ in range(200):
                try:
                    urllib.request.urlopen(self.url + "/moto-api/", timeout=1)
                    break
                except OSError:
                    time.sleep(0.1)
        else:
            from moto.server import ThreadedMotoServer

            logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request otherwise
            self.server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
            self.server.start()
            host, port = self.server.get_host_and_port()
            assert host == "127.0.0.1"
            self.url = f"http://{host}:{port}"
        self.client = self._client()
        self.client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
        self.client.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(PUBLIC_READ))
        for key, data in objects.items():
            self.put(key, data)

    def _client(self):
        import boto3

        # the owner's writes are signed (moto accepts any key); every read in the tests is anonymous
        return boto3.client(
            "s3",
            endpoint_url=self.url,
            region_name=REGION,
            aws_access_key_id="synthetic",
            aws_secret_access_key="synthetic",
        )

    def put(self, key: str, data: bytes) -> None:
        self.client.put_object(Bucket=BUCKET, Key=key, Body=data)

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=30)
