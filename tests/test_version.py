"""The extractor version changes when the code or data that produce records change."""
from extractors import version


def test_version_names_the_package_and_a_digest_of_the_extractors(tmp_path, monkeypatch):
    first = version.extractor_version()
    package, digest = first.split("+")
    assert package and len(digest) == 12
    _clear()
    assert version.extractor_version() == first  # stable for the same code
    fake_root = tmp_path / "repo"
    (fake_root / "extractors" / "data").mkdir(parents=True)
    (fake_root / "schemas").mkdir()
    (fake_root / "extractors" / "data" / "agency_aliases.csv").write_text("kind,alias,canonical\n")
    monkeypatch.setattr(version, "__file__", str(fake_root / "extractors" / "version.py"))
    _clear()
    changed = version.extractor_version()
    (fake_root / "extractors" / "data" / "agency_aliases.csv").write_text("kind,alias,canonical\nname,UBND,Ủy ban\n")
    _clear()
    assert changed != version.extractor_version() != first
    _clear()


def _clear():
    version.extractor_version.cache_clear()
    version.code_digest.cache_clear()
