from jinqi.core.i18n_check import stale_compiled, untranslated


def test_every_simplified_chinese_message_is_translated():
    """Every message of the zh_Hans catalogue has a translation and none is marked fuzzy."""
    assert untranslated("zh_Hans") == []


def test_compiled_catalogues_match_the_po_files():
    """The committed .mo files hold exactly the translations of their .po files."""
    assert stale_compiled() == []
