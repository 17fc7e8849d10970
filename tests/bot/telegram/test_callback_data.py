"""Callback data: compact on the way out, validated on the way back."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.telegram import callback_data
from bot.telegram.callback_data import MAX_BYTES, ButtonData, DigestIndex, decode, encode


@pytest.mark.parametrize(
    ("kind", "value", "data"),
    [
        ("q", "companies-duesseldorf", "q:companies-duesseldorf"),
        ("src", "residents-nrw", "src:residents-nrw"),
        ("lang", "ja", "lang:ja"),
        ("t", "figures", "t:figures"),
    ],
)
def test_short_ids_travel_as_they_are(kind: str, value: str, data: str) -> None:
    assert encode(kind, value) == data
    assert decode(data) == ButtonData(kind, value)


@pytest.mark.parametrize("value", ["x" * 200, "People and quotes", "Zahlen & Fakten", "日本"])
def test_ids_that_would_not_fit_travel_as_a_digest(value: str) -> None:
    data = encode("t", value)
    assert len(data.encode()) <= MAX_BYTES
    button = decode(data)
    assert button is not None and button.hashed
    index = DigestIndex()
    assert index.resolve(button, {value, "other"}, cache_key=("kb", "t")) == value


@pytest.mark.parametrize(
    "forged",
    [
        None,
        "",
        "q:",
        "q:../../etc",
        "x:companies-nrw",
        "Q:companies-nrw",
        "q companies-nrw",
        "q#short",
        "q:" + "a" * 61,
        "lang:ja\n",
        "q:companies-nrw;drop table",
        "q:日本",
        12345,
    ],
)
def test_forged_data_decodes_to_nothing(forged: object) -> None:
    assert decode(forged) is None


def test_a_decoded_id_the_base_lacks_resolves_to_nothing() -> None:
    index = DigestIndex()
    known = {"companies-nrw"}
    assert index.resolve(decode("q:companies-nrwx"), known, cache_key=("kb", "q")) is None  # type: ignore[arg-type]
    stale = decode(encode("q", "y" * 80))
    assert stale is not None
    assert index.resolve(stale, known, cache_key=("kb", "q")) is None


def test_unknown_kinds_cannot_be_encoded() -> None:
    with pytest.raises(ValueError):
        encode("admin", "reload")


@given(st.sampled_from(sorted(callback_data.KINDS)), st.text(min_size=1, max_size=300))
def test_whatever_is_encoded_fits_and_decodes(kind: str, value: str) -> None:
    data = encode(kind, value)
    assert len(data.encode("utf-8")) <= MAX_BYTES
    button = decode(data)
    assert button is not None and button.kind == kind
    assert DigestIndex().resolve(button, {value}, cache_key=("kb", kind)) == value


@given(st.text(max_size=100))
def test_decoding_arbitrary_text_never_raises(data: str) -> None:
    decode(data)
