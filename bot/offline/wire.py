"""Decoding Bot API request bodies the way Telegram does.

python-telegram-bot posts form-encoded bodies with every non-string value JSON-encoded, and
multipart bodies for uploads (a part per file, referenced as ``attach://name`` or by the
parameter's own name); other clients post JSON.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

# Form fields that are strings on the wire; everything else python-telegram-bot JSON-encodes.
# fmt: off
_STRING_FIELDS = frozenset({
    "text", "caption", "parse_mode", "callback_query_id", "inline_query_id", "url", "query",
    "secret_token", "next_offset", "action", "language_code", "description", "name",
    "short_description", "switch_pm_text", "switch_pm_parameter", "ip_address",
    "business_connection_id", "message_effect_id", "inline_message_id", "file_id",
    "certificate", "document", "photo", "title", "address", "emoji",
})
# fmt: on


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request."""

    name: str
    filename: str | None
    content_type: str | None
    data: bytes


def _decode_value(name: str, raw: str) -> Any:
    """Form values are strings; python-telegram-bot JSON-encodes every non-string value."""
    if name in _STRING_FIELDS:
        return raw
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def decode_params(content_type: str, body: bytes, query: str) -> dict[str, Any]:
    params: dict[str, Any] = {k: _decode_value(k, v) for k, v in parse_qsl(query)}
    media = content_type.split(";", 1)[0].strip().lower()
    if not body:
        return params
    if media == "application/json":
        data = json.loads(body)
        if not isinstance(data, dict):
            raise ValueError("JSON body must be an object")
        params.update(data)
    elif media == "application/x-www-form-urlencoded":
        text = body.decode("utf-8")
        params.update({k: _decode_value(k, v) for k, v in parse_qsl(text, keep_blank_values=True)})
    elif media == "multipart/form-data":
        params.update(_decode_multipart(content_type, body))
    else:
        raise ValueError(f"unsupported content type {media!r}")
    return params


def _header_params(value: str) -> dict[str, str]:
    out = {}
    for piece in value.split(";")[1:]:
        key, _, val = piece.strip().partition("=")
        out[key.lower()] = val.strip().strip('"')
    return out


def _decode_multipart(content_type: str, body: bytes) -> dict[str, Any]:
    boundary = _header_params(content_type).get("boundary")
    if not boundary:
        raise ValueError("multipart without boundary")
    delimiter = b"--" + boundary.encode("latin-1")
    fields: dict[str, Any] = {}
    files: dict[str, UploadedFile] = {}
    for part in body.split(delimiter)[1:]:
        if part.startswith(b"--"):
            break
        part = part.removeprefix(b"\r\n")
        raw_head, _, data = part.partition(b"\r\n\r\n")
        data = data.removesuffix(b"\r\n")
        head: dict[str, str] = {}
        for line in raw_head.decode("utf-8").split("\r\n"):
            key, _, val = line.partition(":")
            head[key.strip().lower()] = val.strip()
        disposition = _header_params(head.get("content-disposition", ""))
        name = disposition.get("name", "")
        if "filename" in disposition:
            files[name] = UploadedFile(
                name, disposition["filename"], head.get("content-type"), data
            )
        else:
            fields[name] = _decode_value(name, data.decode("utf-8"))
    for key, value in list(fields.items()):
        if isinstance(value, str) and value.startswith("attach://"):
            fields[key] = files.pop(value.removeprefix("attach://"), value)
    fields.update(files)
    return fields
