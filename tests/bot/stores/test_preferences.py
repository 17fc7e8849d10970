"""Language preferences: per user id, in SQLite under DATA_DIR, surviving restarts."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.stores.preferences import FILE_NAME, Preferences


def test_a_user_without_a_choice_gets_automatic(tmp_path: Path) -> None:
    assert Preferences(tmp_path).language_of(42) is None


def test_a_choice_survives_a_restart(tmp_path: Path) -> None:
    first = Preferences(tmp_path)
    first.set_language(42, "ja")
    first.set_language(7, "de")
    first.close()
    second = Preferences(tmp_path)
    assert second.language_of(42) == "ja"
    assert second.language_of(7) == "de"
    assert second.language_of(8) is None


def test_automatic_forgets_the_user(tmp_path: Path) -> None:
    prefs = Preferences(tmp_path)
    prefs.set_language(42, "de")
    prefs.set_language(42, None)
    assert prefs.language_of(42) is None
    prefs.close()
    rows = sqlite3.connect(tmp_path / FILE_NAME).execute("SELECT * FROM language_preference")
    assert rows.fetchall() == []


def test_only_the_user_id_and_the_language_are_stored(tmp_path: Path) -> None:
    prefs = Preferences(tmp_path)
    prefs.set_language(42, "en")
    prefs.close()
    db = sqlite3.connect(tmp_path / FILE_NAME)
    columns = [row[1] for row in db.execute("PRAGMA table_info(language_preference)")]
    assert columns == ["user_id", "language"]


def test_a_change_is_seen_at_once_despite_the_cache(tmp_path: Path) -> None:
    prefs = Preferences(tmp_path, cache_size=2)
    for user in range(10):
        prefs.language_of(user)
    prefs.set_language(3, "de")
    assert prefs.language_of(3) == "de"
    assert [prefs.language_of(u) for u in (0, 9)] == [None, None]


def test_more_choices_than_the_cache_holds_are_all_kept(tmp_path: Path) -> None:
    prefs = Preferences(tmp_path, cache_size=2)
    languages = {user: ("de", "ja", "en")[user % 3] for user in range(6)}
    for user, language in languages.items():
        prefs.set_language(user, language)
    assert {user: prefs.language_of(user) for user in range(8)} == {**languages, 6: None, 7: None}
    prefs.close()
    reopened = Preferences(tmp_path, cache_size=2)
    assert {user: reopened.language_of(user) for user in range(8)} == {
        **languages, 6: None, 7: None,
    }  # fmt: skip
