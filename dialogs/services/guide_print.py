"""The printable guide: one HTML page, used on screen and, through WeasyPrint, as a PDF with answer space."""

from django.template.loader import render_to_string

from common.pdf import html_to_pdf
from dialogs.selectors.guide import GuideTree


def guide_version_print_html(*, tree: GuideTree, for_pdf: bool = False, csp_nonce=None) -> str:
    """The printable page of a version (a page of its own, without the site's header, so no request is
    needed). ``for_pdf`` leaves out the on-screen toolbar; on screen, ``csp_nonce`` (the response's
    Content-Security-Policy nonce) lets the page's own style sheet apply."""
    return render_to_string(
        "dialogs/guide/print.html",
        {"tree": tree, "version": tree.version, "guide": tree.version.guide, "for_pdf": for_pdf, "csp_nonce": csp_nonce},
    )


def guide_version_pdf(*, tree: GuideTree) -> bytes:
    """The printable page as a tagged PDF/UA-1 document (A4, ``common.pdf``). The page carries its styles inline
    and WeasyPrint may fetch nothing but data: URLs, so content from an imported guide can never make the server
    open a connection."""
    return html_to_pdf(guide_version_print_html(tree=tree, for_pdf=True))
