import pytest

from reminders import breaker


@pytest.fixture(autouse=True)
def _closed_breakers():
    """Every test starts with every channel's circuit breaker closed (its state
    lives in Redis, shared between tests)."""
    breaker.reset()
    yield
    breaker.reset()
