"""Encryption at rest of an access package: AES-256-GCM, streamed in chunks (the STREAM
construction of Hoang, Reyhanitabar, Rogaway and Vizár, as in Tink and age).

- Each package has a random 256-bit data key. It is stored twice, wrapped with AES-GCM: once
  under a key derived by scrypt from the one-time code sent to the customer by SMS (the only
  way to open the package), once under a deployment key derived by HKDF from the deployment's
  secret (only used to give the package a new code when the first one was never sent).
- Each file gets its own key, HKDF-SHA256(data key, info = file name), so files cannot be
  swapped. A file is a sequence of chunks of at most ``CHUNK`` plaintext bytes; chunk *i* is
  sealed with the nonce ``i`` (11 bytes, big-endian) ‖ ``last`` (1 byte: 1 on the final chunk
  only) and written as a 4-byte length then the ciphertext and its tag. The counter forbids
  reordering, the final flag truncation; keys are never reused across packages, so the
  deterministic nonces are never reused under one key.
- Every AES-GCM operation authenticates the package header (reference, dates, files) as
  associated data: changing the expiry date in the manifest makes the package unreadable.
- Plaintext never reaches the disk: writers encrypt in memory, a chunk at a time, into a
  ``.part`` file renamed into place when complete.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

CHUNK = 64 * 1024
FORMAT = 1
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
CODE_GROUPS, CODE_GROUP_LENGTH = 3, 4  # 12 symbols, 60 bits


class SealError(Exception):
    """The package cannot be opened: wrong code, altered or truncated file."""


def new_code() -> str:
    """A one-time code to read out or type: ``K7M2-9QXD-4RTP``."""
    groups = ("".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_GROUP_LENGTH))
              for _ in range(CODE_GROUPS))
    return "-".join(groups)


def normalised(code: str) -> str:
    """What the customer typed, as the code was made: case, spaces, dashes and the letters
    Crockford reads as digits forgiven."""
    text = code.upper().replace("-", "").replace(" ", "")
    return text.translate(str.maketrans("OIL", "011"))


def code_key(code: str, salt: bytes, n: int = SCRYPT_N, r: int = SCRYPT_R,
             p: int = SCRYPT_P) -> bytes:
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(normalised(code).encode())


def deployment_key(secret: bytes) -> bytes:
    """The deployment's package-wrapping key, separate from its other uses of ``secret``."""
    return _hkdf(secret, b"dsr access package: deployment wrap")


def file_key(data_key: bytes, name: str) -> bytes:
    return _hkdf(data_key, b"dsr access package file: " + name.encode())


def wrap(key: bytes, data_key: bytes, header: bytes) -> str:
    nonce = os.urandom(12)
    return base64.b64encode(nonce + AESGCM(key).encrypt(nonce, data_key, header)).decode()


def unwrap(key: bytes, wrapped: str, header: bytes) -> bytes:
    raw = base64.b64decode(wrapped)
    try:
        return AESGCM(key).decrypt(raw[:12], raw[12:], header)
    except InvalidTag as error:
        raise SealError("the key does not open this package") from error


def _hkdf(secret: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(secret)


def _nonce(counter: int, last: bool) -> bytes:
    return counter.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


class SealedWriter:
    """A binary sink that encrypts as it goes; ``close`` seals the final chunk and moves the
    file into place, ``abort`` removes it."""

    def __init__(self, path: Path, key: bytes, header: bytes) -> None:
        self.path = path
        self._partial = path.with_name(path.name + ".part")
        self._aead = AESGCM(key)
        self._header = header
        self._buffer = bytearray()
        self._counter = 0
        self._file: BinaryIO = self._partial.open("wb")

    def write(self, data: bytes) -> None:
        self._buffer += data
        while len(self._buffer) > CHUNK:
            self._seal(bytes(self._buffer[:CHUNK]), last=False)
            del self._buffer[:CHUNK]

    def write_text(self, text: str) -> None:
        self.write(text.encode())

    def close(self) -> None:
        self._seal(bytes(self._buffer), last=True)
        self._buffer.clear()
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        self._partial.replace(self.path)

    def abort(self) -> None:
        self._file.close()
        self._partial.unlink(missing_ok=True)

    def _seal(self, chunk: bytes, last: bool) -> None:
        sealed = self._aead.encrypt(_nonce(self._counter, last), chunk, self._header)
        self._file.write(len(sealed).to_bytes(4, "big") + sealed)
        self._counter += 1


def opened_chunks(path: Path, key: bytes, header: bytes) -> Iterator[bytes]:
    """The plaintext of a sealed file, a chunk at a time; SealError if anything is wrong."""
    aead = AESGCM(key)
    with path.open("rb") as file:
        pending = _read_chunk(file)
        counter = 0
        while pending is not None:
            following = _read_chunk(file)
            try:
                yield aead.decrypt(_nonce(counter, following is None), pending, header)
            except InvalidTag as error:
                raise SealError(f"{path.name} is altered or truncated") from error
            pending, counter = following, counter + 1
        if counter == 0:
            raise SealError(f"{path.name} is empty")


def _read_chunk(file: BinaryIO) -> bytes | None:
    size = file.read(4)
    if not size:
        return None
    data = file.read(int.from_bytes(size, "big"))
    if len(size) < 4 or len(data) != int.from_bytes(size, "big"):
        raise SealError("a sealed file is truncated")
    return data


@dataclass(frozen=True)
class Manifest:
    """``manifest.json``: no personal data, everything needed to open the package."""

    reference: str
    created_at: str
    expires_at: str
    files: tuple[str, ...]
    salt: str
    scrypt: tuple[int, int, int]
    by_code: str
    by_deployment: str

    def header(self) -> bytes:
        """The associated data of every seal: what must not be changed."""
        return header_bytes(self.reference, self.created_at, self.expires_at, self.files)

    def to_json(self) -> str:
        return json.dumps({
            "format": FORMAT, "reference": self.reference, "created_at": self.created_at,
            "expires_at": self.expires_at, "files": list(self.files),
            "kdf": {"name": "scrypt", "salt": self.salt, "n": self.scrypt[0],
                    "r": self.scrypt[1], "p": self.scrypt[2]},
            "wrapped_key": {"code": self.by_code, "deployment": self.by_deployment},
            "cipher": {"name": "AES-256-GCM STREAM", "chunk": CHUNK},
        }, indent=2)

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        data: dict[str, Any] = json.loads(text)
        if data.get("format") != FORMAT:
            raise SealError(f"unknown package format {data.get('format')!r}")
        kdf = data["kdf"]
        return cls(data["reference"], data["created_at"], data["expires_at"],
                   tuple(data["files"]), kdf["salt"], (kdf["n"], kdf["r"], kdf["p"]),
                   data["wrapped_key"]["code"], data["wrapped_key"]["deployment"])


def header_bytes(reference: str, created_at: str, expires_at: str,
                 files: tuple[str, ...]) -> bytes:
    return json.dumps({"format": FORMAT, "reference": reference, "created_at": created_at,
                       "expires_at": expires_at, "files": list(files)},
                      sort_keys=True, separators=(",", ":")).encode()


def new_salt() -> str:
    return base64.b64encode(os.urandom(16)).decode()


def salt_bytes(salt: str) -> bytes:
    return base64.b64decode(salt)
