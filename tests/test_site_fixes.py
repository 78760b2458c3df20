"""The website's fixes that need no browser (_ext/site_fixes.py): the build stops when a theme
template it patched a copy of has changed, and one setting, `repository: url:`, decides every button
that leads to the repository or launches it, whether a fork sets it or not."""

from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest
import yaml
from sphinx.errors import ExtensionError

import site_fixes

ROOT = Path(__file__).resolve().parent.parent

# --- The build's own guard: a patched copy of a theme template must not go stale ------------------


def test_each_copied_template_matches_the_installed_theme():
    """Fails after a theme upgrade that changed an original, as the build then does."""
    site_fixes.check_copies(site_fixes.theme_template_dir())
    for name in site_fixes.COPIED_TEMPLATES:
        assert (ROOT / "_ext" / "templates" / name).is_file()


def test_a_changed_theme_template_stops_the_build(tmp_path, monkeypatch):
    for name in site_fixes.COPIED_TEMPLATES:
        changed = tmp_path / name
        changed.parent.mkdir(parents=True, exist_ok=True)
        original = (site_fixes.theme_template_dir() / name).read_bytes()
        changed.write_bytes(original + b"<!-- the next version of the theme -->\n")
    monkeypatch.setattr(site_fixes, "theme_template_dir", lambda: tmp_path)
    with pytest.raises(ExtensionError) as stopped:
        site_fixes.check_copied_templates(app=None, config=None)
    message = str(stopped.value)
    assert "_ext/templates/static/webpack-macros.html is a patched copy" in message
    assert str(tmp_path / "static" / "webpack-macros.html") in message
    assert "Copy the original" in message and "COPIED_TEMPLATES" in message


def test_a_missing_theme_template_stops_the_build(tmp_path):
    with pytest.raises(ExtensionError, match="no longer the file it was copied from"):
        site_fixes.check_copies(tmp_path)


# --- Repository and launch buttons: one setting --------------------------------------------------


def theme_options(url):
    return {
        "repository_url": url,
        "launch_buttons": {"binderhub_url": "https://mybinder.org", "colab_url": "x"},
    }


@pytest.mark.parametrize("url", ["", None, site_fixes.JUPYTER_BOOK_DEFAULT_URL])
def test_without_a_repository_url_no_button_leads_elsewhere(url):
    options = theme_options(url)
    site_fixes.set_repository_buttons(None, SimpleNamespace(html_theme_options=options))
    assert "repository_url" not in options
    assert not any(options[button] for button in site_fixes.REPOSITORY_BUTTONS)
    assert not any(options["launch_buttons"].values())


def test_a_repository_url_brings_the_buttons_back():
    options = theme_options("https://github.com/someone/backprop-from-scratch")
    # Jupyter Book's defaults: every repository button off.
    options.update(dict.fromkeys(site_fixes.REPOSITORY_BUTTONS, False))
    site_fixes.set_repository_buttons(None, SimpleNamespace(html_theme_options=options))
    assert all(options[button] for button in site_fixes.REPOSITORY_BUTTONS)
    assert options["launch_buttons"]["binderhub_url"] == "https://mybinder.org"


def test_a_repository_url_adds_the_repository_and_its_issues_to_the_footer():
    licence = '<p class="bfs-licence">CC BY 4.0 and MIT</p>'
    options = theme_options("https://github.com/someone/backprop-from-scratch/")
    options.update(extra_footer=licence, repository_branch="book")
    site_fixes.set_repository_buttons(None, SimpleNamespace(html_theme_options=options))
    footer = options["extra_footer"]
    assert footer.startswith(licence)
    url = "https://github.com/someone/backprop-from-scratch"
    assert f'<a href="{url}">{url}</a>' in footer
    assert f'<a href="{url}/issues">its issue tracker</a>' in footer
    assert f'<a href="{url}/blob/book/LICENSE">LICENSE</a>' in footer


@pytest.mark.parametrize("url", ["", site_fixes.JUPYTER_BOOK_DEFAULT_URL])
def test_without_a_repository_url_the_footer_has_only_the_licences(url):
    options = theme_options(url)
    options["extra_footer"] = '<p class="bfs-licence">CC BY 4.0 and MIT</p>'
    site_fixes.set_repository_buttons(None, SimpleNamespace(html_theme_options=options))
    assert options["extra_footer"] == '<p class="bfs-licence">CC BY 4.0 and MIT</p>'


def test_the_licences_are_in_the_repository_and_on_every_page():
    """LICENSE says which files are under which licence; the footer of every page says it too
    (tests/test_site.py checks the built pages)."""
    pointer = (ROOT / "LICENSE").read_text()
    assert "LICENSE-TEXT" in pointer and "LICENSE-CODE" in pointer
    assert (
        "Attribution 4.0 International Public License"
        in (ROOT / "LICENSE-TEXT").read_text()
    )
    assert "MIT License" in (ROOT / "LICENSE-CODE").read_text()
    footer = yaml.safe_load((ROOT / "_config.yml").read_text())["html"]["extra_footer"]
    assert "creativecommons.org/licenses/by/4.0" in footer and "MIT License" in footer


def test_binder_is_ready_for_when_the_url_is_set():
    """Whatever `repository: url:` says (a fork sets it, as the README tells it to), the Binder
    button has what it launches: the binder/ folder, and the extension that shows the button."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert config["launch_buttons"]["binderhub_url"]
    assert "site_fixes" in config["sphinx"]["local_extensions"]
    post_build = ROOT / "binder" / "postBuild"
    assert post_build.stat().st_mode & 0o111, "binder/postBuild must be executable"
    assert "pip install --no-deps -e ." in post_build.read_text()


def test_an_edited_static_file_reaches_the_site_without_a_clean_build(tmp_path):
    """A build that finds no page out of date copies no static file: the build-finished hook
    does, for every file of _ext/static/ that is missing or differs, and leaves the rest alone."""
    static = tmp_path / "_static"
    static.mkdir()
    (static / "book.js").write_text("// the old book.js")
    (static / "theme.css").write_text("/* the theme's own */")
    app = SimpleNamespace(builder=SimpleNamespace(format="html"), outdir=str(tmp_path))
    site_fixes.copy_changed_static_files(app, None)
    for source in site_fixes.STATIC.rglob("*"):
        if source.is_file():
            copy = static / source.relative_to(site_fixes.STATIC)
            assert copy.read_bytes() == source.read_bytes(), source.name
    assert (static / "theme.css").read_text() == "/* the theme's own */"
    (static / "book.js").write_text("// stale")
    site_fixes.copy_changed_static_files(app, RuntimeError("the build failed"))
    assert (static / "book.js").read_text() == "// stale"


# --- A cell's printed text, shown the same however the kernel cut it into pieces ---------------

PRINTED = (
    "learning rate 0.001: final loss 4.9994\nlearning rate 0.1: final loss 0.0261\n"
)


def stream(text, name="stdout"):
    return nbformat.v4.new_output("stream", name=name, text=text)


@pytest.mark.parametrize("cut", range(1, len(PRINTED)))
def test_printed_text_cut_anywhere_shows_as_printed(cut):
    """The kernel may send a print in two pieces cut anywhere (where depends on the machine's
    load); the page shows the text as printed, with no empty line where the cut was."""
    pieces = [stream(PRINTED[:cut]), stream(PRINTED[cut:])]
    shown = site_fixes.coalesce_joined_streams(pieces)
    assert [(o["name"], o["text"]) for o in shown] == [("stdout", PRINTED)]
    assert [o["text"] for o in pieces] == [PRINTED[:cut], PRINTED[cut:]]


def test_streams_are_joined_by_name_and_other_outputs_kept_in_place():
    figure = nbformat.v4.new_output("display_data", data={"text/plain": "<Figure>"})
    pieces = [
        stream("epoch 1\nepo"),
        stream("warned\n", name="stderr"),
        figure,
        stream("ch 2\n"),
    ]
    shown = site_fixes.coalesce_joined_streams(pieces)
    assert [(o["output_type"], o.get("text")) for o in shown] == [
        ("stream", "epoch 1\nepoch 2\n"),
        ("stream", "warned\n"),
        ("display_data", None),
    ]
