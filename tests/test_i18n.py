"""Messages: a catalogue key with parameters, rendered in the reader's language."""
import pytest

from saisaat.i18n import Message, MessageError, t


# A message renders in each language, nested messages in the same language; the CLI form has both.
def test_message_renders_in_each_language():
    m = Message("no_results_year", fy=2569)
    assert m.text("th") == t("no_results_year", "th", fy=2569)
    assert m.text("en") == "No evaluation results yet for fiscal year 2569 with this choice"
    assert str(m) == f"{m.text('th')} / {m.text('en')}"
    nested = Message("database_busy", detail=Message("fy_label", fy=2570))
    assert nested.text("en") == t("database_busy", "en", detail="Fiscal year 2570")


# A key that is not in the catalogue is refused when the message is made, not when it is shown.
def test_unknown_key_is_refused_at_once():
    with pytest.raises(KeyError):
        Message("no_such_key")


# An error made of messages says each of them, one per line, in the language asked for.
def test_message_error_text():
    err = MessageError(Message("fy_label", fy=2569), Message("round_n", n=2))
    assert err.text("en") == "Fiscal year 2569\nRound 2"
    assert str(err).splitlines() == [str(Message("fy_label", fy=2569)), str(Message("round_n", n=2))]
