import json
import os
import stat

import pytest
from cryptography.fernet import Fernet
from pydantic import SecretStr

from core.settings import Settings
from rpa.vault import Vault, VaultError

STATE = {"cookies": [{"name": "web_session", "value": "s3cr3t-cookie-value", "domain": "127.0.0.1",
                      "path": "/"}], "origins": []}


def test_session_is_encrypted_at_rest_and_round_trips(tmp_path):
    vault = Vault(Settings(data_dir=tmp_path))
    vault.save("acc1", STATE)
    raw = (tmp_path / "sessions" / "acc1.session").read_bytes()
    assert b"s3cr3t-cookie-value" not in raw and b"web_session" not in raw
    assert vault.load("acc1") == STATE


def test_generated_key_file_is_private(tmp_path):
    Vault(Settings(data_dir=tmp_path)).save("acc1", STATE)
    key = tmp_path / "vault.key"
    assert stat.S_IMODE(os.stat(key).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(tmp_path / "sessions" / "acc1.session").st_mode) == 0o600


def test_old_key_still_decrypts_after_rotation_and_rotate_rewrites(tmp_path):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    Vault(Settings(data_dir=tmp_path, vault_keys=SecretStr(old))).save("acc1", STATE)
    rotated = Vault(Settings(data_dir=tmp_path, vault_keys=SecretStr(f"{new},{old}")))
    assert rotated.load("acc1") == STATE
    assert rotated.rotate() == 1
    assert Vault(Settings(data_dir=tmp_path, vault_keys=SecretStr(new))).load("acc1") == STATE


def test_wrong_key_is_a_clear_error_not_garbage(tmp_path):
    Vault(Settings(data_dir=tmp_path)).save("acc1", STATE)
    other = Vault(Settings(data_dir=tmp_path, vault_keys=SecretStr(Fernet.generate_key().decode())))
    with pytest.raises(VaultError):
        other.load("acc1")


def test_account_ids_cannot_escape_the_sessions_dir(tmp_path):
    with pytest.raises(VaultError):
        Vault(Settings(data_dir=tmp_path)).save("../x", STATE)


def test_repr_shows_no_secret(tmp_path):
    vault = Vault(Settings(data_dir=tmp_path))
    vault.save("acc1", STATE)
    assert "s3cr3t" not in repr(vault) and json.dumps(STATE) not in repr(vault)
