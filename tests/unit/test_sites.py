"""The rules of an app's web app: its code, what an edit changes, and the passports its visitors carry."""

import string
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.security.passports import JwtPassportSigner
from domain.apps.entities import App, AppMode, IconType
from domain.apps.errors import PassportInvalid
from domain.apps.site import CODE_LENGTH, LANGUAGES, Site, SiteChanges, new_site_code
from domain.shared.errors import InvalidParam

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


def an_app(**fields) -> App:
    return App(
        id=uuid4(), tenant_id=uuid4(), name="Helper", mode=AppMode.CHAT, created_by=uuid4(), created_at=NOW,
        updated_at=NOW, description="Answers questions", icon="🦉", icon_background="#000000", **fields,
    )


def test_codes_are_sixteen_letters_and_digits_and_never_repeat():
    codes = {new_site_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(len(c) == CODE_LENGTH and set(c) <= set(string.ascii_letters + string.digits) for c in codes)


def test_a_new_site_is_titled_and_drawn_as_its_app():
    app = an_app(icon_type=IconType.EMOJI, use_icon_as_answer_icon=True)
    site = Site.for_app(app, "c" * 16, language="de-DE")
    assert (site.title, site.icon, site.icon_background, site.description) == (
        "Helper", "🦉", "#000000", "Answers questions"
    )
    assert site.default_language == "de-DE" and site.use_icon_as_answer_icon is True and site.app_id == app.id
    assert Site.for_app(app, "d" * 16, language="xx-YY").default_language == "en-US"


_STORABLE = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
_OPTIONAL_TEXT = st.none() | st.text(_STORABLE, min_size=1, max_size=20).filter(str.strip)
_CHANGES = st.builds(
    SiteChanges,
    title=_OPTIONAL_TEXT,
    description=st.none() | st.text(_STORABLE, max_size=20),
    default_language=st.none() | st.sampled_from(LANGUAGES),
    copyright=st.none() | st.text(_STORABLE, max_size=20),
    show_workflow_steps=st.none() | st.booleans(),
    prompt_public=st.none() | st.booleans(),
    customize_token_strategy=st.none() | st.sampled_from(["must", "allow", "not_allow"]),
)


@given(_CHANGES)
def test_an_edit_changes_what_was_sent_and_keeps_the_rest(changes):
    site = Site.for_app(an_app(), "e" * 16)
    before = dict(vars(site))
    editor = uuid4()
    site.edit(changes, NOW + timedelta(minutes=1), editor)
    sent = changes.given()
    for name, value in before.items():
        if name in sent:
            assert getattr(site, name) == sent[name]
        elif name not in ("updated_at", "updated_by"):
            assert getattr(site, name) == value, name
    assert site.updated_by == editor and site.code == "e" * 16


@pytest.mark.parametrize(
    "bad",
    [{"default_language": "klingon"}, {"customize_token_strategy": "sometimes"}, {"icon_type": "svg"}, {"title": " "}],
)
def test_settings_outside_dify_s_choices_are_refused(bad):
    with pytest.raises(InvalidParam):
        SiteChanges(**bad)


def test_a_passport_carries_its_claims_and_only_its_signer_reads_it():
    signer = JwtPassportSigner("the-key-of-this-weir-install-32-bytes")
    claims = {"app_id": str(uuid4()), "app_code": "a" * 16, "end_user_id": str(uuid4())}
    token = signer.issue(claims)
    assert {k: signer.verify(token)[k] for k in claims} == claims
    with pytest.raises(PassportInvalid):
        JwtPassportSigner("another-key-of-another-install-32b").verify(token)
    with pytest.raises(PassportInvalid):
        signer.verify(token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
    with pytest.raises(PassportInvalid):
        signer.verify("not.a.token")


@pytest.mark.parametrize(
    "bad", [{"title": "t" * 256}, {"copyright": "a\x00b"}, {"privacy_policy": "p" * 300}, {"description": "\ud800"}]
)
def test_settings_that_cannot_be_stored_are_refused(bad):
    with pytest.raises(InvalidParam):
        SiteChanges(**bad)


def test_a_long_description_is_kept():
    assert SiteChanges(description="d" * 5000).description == "d" * 5000
