"""Make the Data Docs render offline, as designed, from ``file://``.

Great Expectations' pages load Bootstrap, Font Awesome, jQuery, bootstrap-table and its logo from
CDNs: with no network (where Parley often runs) they render unstyled, the Status column has no icons,
"Failed Only" does nothing and the index lists no validation. After each build the site gets the
same assets from installed registry packages (``bootstrap4``, ``xstatic-jquery``,
``xstatic-font-awesome``, ``xstatic-bootstrap-datepicker``; bootstrap-table, which no registry
package ships, from Parley's own ``parley-table.js``), and every page built is pointed at them.
"""

from __future__ import annotations

import filecmp
import logging
import re
import shutil
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

logger = logging.getLogger(__name__)

VENDOR = "static/vendor"


@dataclass(frozen=True)
class Asset:
    """One file the pages need: where it comes from (package, path inside it) and its name in ``VENDOR``."""

    package: str
    source: str
    target: str


ASSETS = (
    Asset("bootstrap4", "statics/css/bootstrap.min.css", "bootstrap.min.css"),
    # The bundle carries Popper, which GX loads separately from another CDN.
    Asset("bootstrap4", "statics/js/bootstrap.bundle.min.js", "bootstrap.bundle.min.js"),
    Asset("xstatic.pkg.jquery", "data/jquery.min.js", "jquery.min.js"),
    Asset("xstatic.pkg.font_awesome", "data/css/all.min.css", "fontawesome/css/all.min.css"),
    Asset("xstatic.pkg.font_awesome", "data/webfonts", "fontawesome/webfonts"),
    Asset("xstatic.pkg.bootstrap_datepicker", "data/bootstrap-datepicker.js", "bootstrap-datepicker.js"),
    Asset(
        "xstatic.pkg.bootstrap_datepicker",
        "data/bootstrap-datepicker3.standalone.css",
        "bootstrap-datepicker.css",
    ),
    Asset("expectations", "static/parley-table.js", "parley-table.js"),
    Asset("expectations", "static/parley-table.css", "parley-table.css"),
)

FILTER_CONTROL = "https://unpkg.com/bootstrap-table@{}/dist/extensions/filter-control/bootstrap-table-filter-control"
# Each CDN address GX writes, and the vendored file that replaces it ("" drops the tag: Popper comes
# with the bootstrap bundle, the filter-control extension with parley-table.js, the dark theme is
# cosmetic, and Vega draws only profiling charts, which Parley's suites never render).
CDN = {
    "https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css": "bootstrap.min.css",
    "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js": "bootstrap.bundle.min.js",
    "https://code.jquery.com/jquery-3.7.1.min.js": "jquery.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css": "fontawesome/css/all.min.css",
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/js/bootstrap-datepicker.min.js": (
        "bootstrap-datepicker.js"
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/css/bootstrap-datepicker.min.css": (
        "bootstrap-datepicker.css"
    ),
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.js": "parley-table.js",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.css": "parley-table.css",
    f"{FILTER_CONTROL.format('1.19.1')}.min.js": "",
    f"{FILTER_CONTROL.format('1.19.0')}.css": "",
    f"{FILTER_CONTROL.format('1.19.0')}.min.css": "",
    "https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js": "",
    "https://cdn.jsdelivr.net/npm/@forevolve/bootstrap-dark@1.1.0/dist/css/bootstrap-prefers-dark.css": "",
    "https://cdn.jsdelivr.net/npm/vega@5": "",
    "https://cdn.jsdelivr.net/npm/vega-lite@5": "",
    "https://cdn.jsdelivr.net/npm/vega-embed@6": "",
}
LOGO_HOST = "https://great-expectations-web-assets.s3.us-east-2.amazonaws.com/"
TAG = re.compile(r"<(script|link)\b[^>]*?(?:src|href)=\"(https?://[^\"]+)\"[^>]*>(?:\s*</script>)?", re.I)
SRI = re.compile(r"\s+(?:integrity|crossorigin)=\"[^\"]*\"")


def make_offline(site: Path, *, built_since: float | None = None) -> list[Path]:
    """Vendor the assets into ``site`` and point its pages at them; return the pages changed.

    With ``built_since`` (a time stamp) only the pages written since are read, as a run renders only its
    own pages and the index; a site that has no vendored assets yet is rewritten whole.
    """
    if not (site / "index.html").exists():
        return []
    first_time = not (site / VENDOR).is_dir()
    vendor_assets(site / VENDOR)
    pages = sorted(site.rglob("*.html"))
    if built_since is not None and not first_time:
        pages = [page for page in pages if page.stat().st_mtime >= built_since]
    changed = [page for page in pages if localise_page(site, page)]
    still = sorted({url for page in pages for url in remote_assets(page)})
    if still:  # a GX upgrade that loads something new: the page works online only until this is mapped
        logger.warning("Data Docs pages still load from the network: %s (add them to expectations.docs.CDN)", still)
    logger.info("Data Docs made readable offline: %d page(s) rewritten", len(changed))
    return changed


def vendor_assets(vendor: Path) -> None:
    """Copy every asset from its installed package, once (a later GX or package upgrade refreshes it)."""
    for asset in ASSETS:
        source = Path(str(resources.files(asset.package).joinpath(asset.source)))
        target = vendor / asset.target
        if source.is_dir():
            for item in source.iterdir():
                _copy_if_changed(item, target / item.name)
        else:
            _copy_if_changed(source, target)


def _copy_if_changed(source: Path, target: Path) -> None:
    if target.exists() and filecmp.cmp(source, target, shallow=False):
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)


def localise_page(site: Path, page: Path) -> bool:
    """Rewrite one page's CDN tags to the vendored files (relative, so ``file://`` works); True if changed."""
    text = page.read_text(encoding="utf-8")
    up = "../" * (len(page.relative_to(site).parts) - 1)

    def replace(match: re.Match[str]) -> str:
        url = match.group(2)
        if url not in CDN:
            return match.group(0)
        if not CDN[url]:
            return ""
        return SRI.sub("", match.group(0).replace(url, f"{up}{VENDOR}/{CDN[url]}"))

    new = TAG.sub(replace, text)
    new = re.sub(re.escape(LOGO_HOST) + r"([\w.-]+\.png)(\?[^\"]*)?", lambda m: f"{up}static/images/{m.group(1)}", new)
    if new == text:
        return False
    page.write_text(new, encoding="utf-8")
    return True


def remote_assets(page: Path) -> list[str]:
    """Return the addresses a page still loads from the network (scripts, stylesheets, images)."""
    text = page.read_text(encoding="utf-8")
    return re.findall(r"<(?:script|link|img)\b[^>]*?(?:src|href)=\"(https?://[^\"]+)\"", text, re.I)
