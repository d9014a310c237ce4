"""Settings under Dify's names become the right URLs and exporter options."""

import multiprocessing
import os

from entrypoints.settings import Settings


def _settings(**values) -> Settings:
    return Settings(_env_file=None, **values)


def test_no_db_host_means_the_embedded_database_and_no_redis_means_in_process():
    settings = _settings()
    assert settings.external_database_url is None and settings.redis_url is None


def test_dify_database_and_redis_names_build_urls():
    settings = _settings(DB_HOST="db", DB_PORT=5433, DB_USERNAME="u", DB_PASSWORD="p@ss:word", DB_DATABASE="dify",
                         REDIS_HOST="cache", REDIS_PORT=6380, REDIS_PASSWORD="pw", REDIS_DB=2)
    assert settings.external_database_url == "postgresql://u:p%40ss%3Aword@db:5433/dify"
    assert settings.redis_url == "redis://:pw@cache:6380/2"
    assert _settings(REDIS_URL="redis://elsewhere:1/0", REDIS_HOST="ignored").redis_url == "redis://elsewhere:1/0"


def test_a_socket_directory_as_db_host():
    url = _settings(DB_HOST="/run/postgresql", DB_DATABASE="weir").external_database_url
    assert url == "postgresql://postgres@/weir?host=/run/postgresql&port=5432"


def test_otlp_from_the_standard_or_difys_names():
    assert _settings().otlp_endpoint is None
    standard = _settings(OTEL_EXPORTER_OTLP_ENDPOINT="http://collector:4318", OTEL_EXPORTER_OTLP_HEADERS="x-team=ai,k=v%3D1")
    assert standard.otlp_endpoint == "http://collector:4318"
    assert standard.otlp_headers == {"x-team": "ai", "k": "v=1"}
    dify = _settings(ENABLE_OTEL=True, OTLP_BASE_ENDPOINT="http://collector:4318", OTLP_API_KEY="key")
    assert dify.otlp_endpoint == "http://collector:4318"
    assert dify.otlp_headers == {"authorization": "Bearer key"}
    assert _settings(ENABLE_OTEL=False, OTLP_BASE_ENDPOINT="http://collector:4318").otlp_endpoint is None


def test_secret_key_is_generated_once_into_storage(tmp_path):
    first = _settings(STORAGE_PATH=tmp_path).secret_key()
    assert len(first) > 40 and _settings(STORAGE_PATH=tmp_path).secret_key() == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    assert _settings(STORAGE_PATH=tmp_path, SECRET_KEY="given").secret_key() == "given"


def _key_after(start, storage, keys) -> None:
    start.wait()
    keys.put(_settings(STORAGE_PATH=storage).secret_key())


def test_processes_starting_together_on_a_new_storage_agree_on_one_secret_key(tmp_path):
    context = multiprocessing.get_context("fork")
    for round_ in range(30):  # API processes forked at once race for the first key; none may read it empty
        storage, start, keys = tmp_path / str(round_), context.Event(), context.Queue()
        processes = [context.Process(target=_key_after, args=(start, storage, keys)) for _ in range(8)]
        for process in processes:
            process.start()
        start.set()
        found = {keys.get(timeout=30) for _ in processes}
        for process in processes:
            process.join(30)
        assert len(found) == 1 and len(found.pop()) > 40
        assert os.listdir(storage) == ["secret_key"]  # no draft left behind
