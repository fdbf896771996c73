"""Size limits for scripts from outside: defaults, environment overrides, clear errors."""

from __future__ import annotations

import pytest

from writersroom.errors import ConfigError, FormatError
from writersroom.screenplay.limits import Limits, check_message, check_script, check_upload


def test_defaults_leave_room_for_any_real_screenplay():
    limits = Limits()
    assert limits.script_chars >= 1_000_000
    assert limits.upload_bytes >= 10 * 2**20
    assert check_script("INT. HOUSE - DAY\n" * 10_000).startswith("INT.")
    assert check_upload(b"x" * 2**20) == b"x" * 2**20


def test_each_limit_is_enforced_with_a_message_that_says_what_to_do():
    limits = Limits(upload_bytes=10, script_chars=5, message_bytes=4)
    assert check_script("12345", limits) == "12345"
    with pytest.raises(FormatError, match="6 characters, more than the limit of 5"):
        check_script("123456", limits, name="big.fountain")
    with pytest.raises(FormatError, match=r"^big\.fountain: .*WRITERSROOM_MAX_SCRIPT_CHARS"):
        check_script("123456", limits, name="big.fountain")
    with pytest.raises(FormatError, match=r"11 bytes.*WRITERSROOM_MAX_UPLOAD_BYTES"):
        check_upload(b"x" * 11, limits)
    check_message("abcd", limits)
    with pytest.raises(FormatError, match=r"6 bytes.*WRITERSROOM_MAX_MESSAGE_BYTES"):
        check_message("ééé", limits)  # counted in UTF-8 bytes, not characters
    with pytest.raises(FormatError):
        check_message(b"12345", limits)


def test_limits_come_from_the_environment():
    env = {"WRITERSROOM_MAX_SCRIPT_CHARS": "1_000", "WRITERSROOM_MAX_UPLOAD_BYTES": " 2048 "}
    limits = Limits.from_env(env)
    assert (limits.script_chars, limits.upload_bytes) == (1000, 2048)
    assert limits.message_bytes == Limits().message_bytes
    with pytest.raises(ConfigError, match="WRITERSROOM_MAX_MESSAGE_BYTES='lots'"):
        Limits.from_env({"WRITERSROOM_MAX_MESSAGE_BYTES": "lots"})
    with pytest.raises(ConfigError, match="positive"):
        Limits(script_chars=0)


def test_limits_are_frozen():
    with pytest.raises(AttributeError):
        Limits().script_chars = 1  # type: ignore[misc]
