"""Data Docs that work on an intranet: no request leaves it.

GX's page template loads Bootstrap, jQuery, Vega and Font Awesome from public CDNs, its logo
from S3, and carries a newsletter banner and a "Home" link to a site index that does not exist
here. :func:`offline_page` removes every external resource (GX's own stylesheet is inline in
the page already), points the logo at GX's image shipped inside the installed
``great_expectations`` package, and links back to the app; :func:`ship_static` copies the logo
next to the pages. The pages are
rendered server-side, so they read fully without the removed scripts.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import great_expectations

#: GX's own static assets (styles, images, fonts) inside the installed package
GX_STATIC = Path(great_expectations.__file__).parent / "render" / "view" / "static"
STATIC = "static"

_EXTERNAL_TAG = re.compile(
    r"<(?:link|script)\b[^>]*(?:href|src)\s*=\s*[\"']https?://[^>]*>(?:\s*</script>)?",
    re.IGNORECASE,
)
_EXTERNAL_IMG = re.compile(r"(<img\b[^>]*\bsrc\s*=\s*)[\"']https?://[^\"']*[\"']", re.IGNORECASE)
_CSS_URL = re.compile(r"url\(\s*['\"]?https?://[^)]*\)", re.IGNORECASE)
_NEWSLETTER = re.compile(r"<p>[^<]*newsletter.*?</p>", re.IGNORECASE | re.DOTALL)
_EXTERNAL_A = re.compile(r"<a\b([^>]*)\bhref\s*=\s*[\"']https?://[^\"']*[\"']", re.IGNORECASE)
_SITE_HOME = re.compile(r"href\s*=\s*[\"'](?:\.\./)+index\.html[\"']")
_URL = re.compile(r"https?://", re.IGNORECASE)

_LOCAL_CSS = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:0;color:#24292f}
.hedui-back{background:#0d2847;color:#fff;padding:8px 16px}
.hedui-back a{color:#fff;margin-right:16px}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #d0d7de;padding:4px 8px}
.container-fluid,.container{padding:8px 16px}.d-none,.hide{display:none}
.card{border:1px solid #d0d7de;border-radius:6px;margin:8px 0;padding:8px}
.text-danger{color:#cf222e}.text-success{color:#1a7f37}
"""


def back_bar(app_link: str) -> str:
    """The link back to the app, at the top of every page."""
    return (
        f'<div class="hedui-back"><a href="{app_link}">← 返回核对系统 Back to Hedui</a>'
        '<a href="index.html">本次运行索引 Run index</a></div>'
    )


def offline_page(html: str, app_link: str) -> str:
    """A GX page with every external request removed, GX's shipped styles and logo instead,
    and links to the run index and back to the app. Raises if an external URL survives."""
    html = _EXTERNAL_TAG.sub("", html)
    html = _EXTERNAL_IMG.sub(rf'\1"{STATIC}/images/logo-long.png"', html)
    html = _CSS_URL.sub("none", html)
    html = _NEWSLETTER.sub("", html)
    html = _EXTERNAL_A.sub(r"<a\1", html)
    html = _SITE_HOME.sub('href="index.html"', html)
    # GX already inlines its own stylesheet; the app's Data Docs CSP allows inline styles only
    head = f"<style>{_LOCAL_CSS}</style>"
    html = html.replace("</head>", head + "</head>", 1)
    html = re.sub(r"(<body\b[^>]*>)", lambda m: m.group(1) + back_bar(app_link), html, count=1)
    if _URL.search(html):
        raise ValueError("an external URL is left in a Data Docs page")
    return html


#: the shipped files the pages use (GX's logo; its stylesheet is inlined), relative to GX_STATIC
SHIPPED = ("images/logo-long.png",)


def ship_static(docs_dir: Path) -> Path:
    """Copy GX's logo (from the installed package) into ``docs_dir/static``."""
    target = docs_dir / STATIC
    for name in SHIPPED:
        dest = target / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(GX_STATIC / name, dest)
    return target
