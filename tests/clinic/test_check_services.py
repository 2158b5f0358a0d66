import pytest
from django.core.management import CommandError, call_command


def test_make_run_stops_at_once_with_advice_when_redis_does_not_answer(settings):
    settings.REDIS_URL = "redis://127.0.0.1:6390/0"  # nothing listens there
    with pytest.raises(
        CommandError, match=r"No Redis answers at redis://127\.0\.0\.1:6390/0"
    ) as error:
        call_command("check_services")
    assert "redis-server" in str(error.value)


def test_it_passes_when_redis_answers(settings, capsys):
    call_command("check_services")
    assert "Redis answers" in capsys.readouterr().out
