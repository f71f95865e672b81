"""The printable guide: one HTML page, used on screen and, through WeasyPrint, as a PDF with answer space."""

from django.template.loader import render_to_string

from dialogs.selectors.guide import GuideTree


def guide_version_print_html(*, tree: GuideTree, for_pdf: bool = False) -> str:
    """The printable page of a version (a page of its own, without the site's header, so no request is
    needed). ``for_pdf`` leaves out the on-screen toolbar."""
    return render_to_string(
        "dialogs/guide/print.html",
        {"tree": tree, "version": tree.version, "guide": tree.version.guide, "for_pdf": for_pdf},
    )


def guide_version_pdf(*, tree: GuideTree) -> bytes:
    """The printable page as a tagged PDF (A4). The page carries its styles inline and WeasyPrint may fetch
    nothing but data: URLs, so content from an imported guide can never make the server open a connection."""
    # Imported here so that every other command and request does not pay for loading WeasyPrint.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    html = guide_version_print_html(tree=tree, for_pdf=True)
    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=["data"])).write_pdf(pdf_tags=True)
