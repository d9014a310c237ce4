from datetime import timedelta
from uuid import uuid4

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.security.api_key_secrets import RandomSecretTokenGenerator
from adapters.security.jwt_tokens import JwtAccessTokenIssuer
from adapters.security.password_hasher import ScryptPasswordHasher
from adapters.system.ids import UuidV7Generator
from domain.tenancy.errors import InvalidAccessToken
from tests.fakes import FixedClock


async def test_scrypt_accepts_the_password_and_nothing_else():
    hasher = ScryptPasswordHasher()
    digest, salt = await hasher.hash("secret123")
    assert "secret123" not in digest
    assert await hasher.verify("secret123", digest, salt)
    assert not await hasher.verify("secret124", digest, salt)
    assert not await hasher.verify("secret123", "garbage", salt)
    assert not await hasher.verify("secret123", "", "")  # what an unknown account is checked against
    assert (await hasher.hash("secret123"))[0] != digest  # a fresh salt each time


def _issuer(clock, key="k" * 32):
    return JwtAccessTokenIssuer(key, clock, timedelta(minutes=60), timedelta(days=30))


def test_access_tokens_expire_by_the_clock():
    clock = FixedClock()
    issuer = _issuer(clock)
    account = uuid4()
    pair = issuer.issue(account)
    assert issuer.account_for_access(pair.access_token) == account
    clock.advance(minutes=61)
    with pytest.raises(InvalidAccessToken):
        issuer.account_for_access(pair.access_token)
    assert issuer.account_for_refresh(pair.refresh_token) == account


def test_pairs_issued_at_one_instant_differ_and_tell_when_the_refresh_token_expires():
    clock = FixedClock()
    issuer, account = _issuer(clock), uuid4()
    first, second = issuer.issue(account), issuer.issue(account)
    assert first.refresh_token != second.refresh_token and first.access_token != second.access_token
    assert first.refresh_expires_at == clock.now() + timedelta(days=30)


def test_tokens_signed_with_another_key_or_of_the_wrong_kind_are_refused():
    clock = FixedClock()
    pair = _issuer(clock, "a" * 32).issue(uuid4())
    with pytest.raises(InvalidAccessToken):
        _issuer(clock, "b" * 32).account_for_access(pair.access_token)
    with pytest.raises(InvalidAccessToken):
        _issuer(clock, "a" * 32).account_for_access(pair.refresh_token)
    with pytest.raises(InvalidAccessToken):
        _issuer(clock, "a" * 32).account_for_access("not-a-jwt")


def test_api_key_secrets_are_24_alphanumerics_and_distinct():
    drawn = {RandomSecretTokenGenerator().new_secret() for _ in range(1000)}
    assert len(drawn) == 1000
    assert all(len(s) == 24 and s.isalnum() and s.isascii() for s in drawn)


@settings(max_examples=50)
@given(st.integers(min_value=2, max_value=50))
def test_uuid7_ids_are_version_7_and_time_ordered(count):
    ids = [UuidV7Generator().new_id() for _ in range(count)]
    assert all(i.version == 7 and i.variant == "specified in RFC 4122" for i in ids)
    assert [i.int >> 80 for i in ids] == sorted(i.int >> 80 for i in ids)
    assert len(set(ids)) == count


def test_provider_secrets_round_trip_and_refuse_tampering_or_another_key():
    from adapters.security.secret_cipher import AesGcmSecretCipher

    cipher = AesGcmSecretCipher("one secret key")
    sealed = cipher.encrypt("sk-abc")
    assert "sk-abc" not in sealed and cipher.decrypt(sealed) == "sk-abc"
    assert cipher.encrypt("sk-abc") != sealed  # a fresh nonce each time
    with pytest.raises(ValueError):
        AesGcmSecretCipher("another key").decrypt(sealed)
    with pytest.raises(ValueError):
        cipher.decrypt(sealed[:-4] + ("AAAA" if not sealed.endswith("AAAA") else "BBBB"))
