import pytest

from adapters.persistence.engine import make_engine, make_session_factory
from adapters.persistence.unit_of_work import SqlaUnitOfWork
from adapters.security.secret_cipher import AesGcmSecretCipher


@pytest.fixture
async def engine(clean_database):
    engine = make_engine(clean_database, pool_size=5)
    yield engine
    await engine.dispose()


@pytest.fixture
def uow_factory(engine):
    factory = make_session_factory(engine)
    cipher = AesGcmSecretCipher("integration-test-key")
    return lambda: SqlaUnitOfWork(factory, cipher)
