"""data: URIs for what the pages and the PDF embed: the region's logo and the chart drawings. The PDF's renderer
may load nothing else (feedback.renderers.pdf), so nothing a person typed can make it fetch an address."""

import base64


def image_type(data: bytes) -> str:
    """The media type of a logo (the theme form takes PNG and JPEG only)."""
    if data.startswith(b"\x89PNG"):
        return "image/png"
    if data.startswith(b"\xff\xd8"):
        return "image/jpeg"
    return "application/octet-stream"


def data_uri(data: bytes, media_type: str) -> str:
    return f"data:{media_type};base64,{base64.b64encode(data).decode('ascii')}"


def image_data_uri(data: bytes | None) -> str:
    """A PNG or JPEG image as a data: URI; "" for none."""
    return data_uri(data, image_type(data)) if data else ""


def svg_data_uri(svg: str) -> str:
    """An SVG document as a data: URI; "" for none."""
    return data_uri(svg.encode("utf-8"), "image/svg+xml") if svg else ""
