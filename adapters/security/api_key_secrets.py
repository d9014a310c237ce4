import secrets
import string

_ALPHABET = string.ascii_letters + string.digits


class RandomSecretTokenGenerator:
    """24 characters from a 62-letter alphabet: about 143 bits, from the OS's CSPRNG."""

    def new_secret(self) -> str:
        return "".join(secrets.choice(_ALPHABET) for _ in range(24))
