import pytest

from billing.demo import seed_catalog


@pytest.fixture
def catalog(db):
    seed_catalog()
