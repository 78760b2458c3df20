"""Every committed file a tool derives (tools/derived_files.toml) is what its generator writes now:
`make check` fails here, naming `make sync`, while one is stale. Then `make sync` itself
(tools/sync.py), on a planted repository: a whole file and a part between markers written, a stale
one found, a missing marker named."""

import textwrap

import pytest

import sync

ENTRIES = sync.registry()


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda entry: entry.file)
def test_the_committed_file_is_what_make_sync_writes(entry):
    committed = (sync.ROOT / entry.file).read_text("utf-8")
    assert committed == sync.fresh(entry), (
        f"{entry.file} is stale ({entry.what}): run `make sync`"
    )


# --- make sync on a planted repository --------------------------------------------------------


def numbers():
    """A planted generator: test_derived_files is importable while the tests run."""
    return "| one | 1 |\n| two | 2 |\n"


def greeting():
    return "hello\n"


@pytest.fixture
def planted(tmp_path):
    (tmp_path / "tools").mkdir()
    (tmp_path / sync.REGISTRY).write_text(
        textwrap.dedent(
            """\
            [[derived]]
            file = "whole.txt"
            generator = "test_derived_files:greeting"
            what = "a whole file"

            [[derived]]
            file = "page.md"
            between = ["<!-- start -->", "<!-- end -->"]
            generator = "test_derived_files:numbers"
            what = "a table in a page"
            """
        )
    )
    (tmp_path / "page.md").write_text(
        "# Page\n\n<!-- start -->\n\n| one | 0 |\n\n<!-- end -->\n\nText after.\n"
    )
    return tmp_path


def test_sync_writes_what_is_stale_and_only_that(planted):
    assert [entry.file for entry in sync.stale(planted)] == ["whole.txt", "page.md"]
    assert [entry.file for entry in sync.sync(planted)] == ["whole.txt", "page.md"]
    assert (planted / "whole.txt").read_text() == "hello\n"
    assert (planted / "page.md").read_text() == (
        "# Page\n\n<!-- start -->\n\n| one | 1 |\n| two | 2 |\n\n<!-- end -->\n\nText after.\n"
    )
    assert sync.stale(planted) == [] and sync.sync(planted) == []


def test_a_hand_edit_is_stale_and_named(planted, capsys):
    sync.sync(planted)
    (planted / "whole.txt").write_text("hello, edited by hand\n")
    assert sync.main(["--check"], root=planted) == 1
    assert capsys.readouterr().out == (
        "whole.txt is stale (a whole file): run `make sync`\n"
    )
    assert (planted / "whole.txt").read_text() == "hello, edited by hand\n"


def test_a_missing_marker_is_named(planted):
    (planted / "page.md").write_text("# Page\n\n<!-- start -->\n\nNo end marker.\n")
    with pytest.raises(ValueError, match="page.md needs the line <!-- start --> and"):
        sync.sync(planted)
