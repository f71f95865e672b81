"""data: URIs of the logo and the chart drawings, the only things the pages and the PDF embed."""

import base64

from feedback.renderers.data_uri import image_data_uri, svg_data_uri


def test_a_logo_is_named_by_its_own_bytes():
    png, jpeg = b"\x89PNG\r\n\x1a\n....", b"\xff\xd8\xff\xe0...."
    assert image_data_uri(png) == "data:image/png;base64," + base64.b64encode(png).decode()
    assert image_data_uri(jpeg).startswith("data:image/jpeg;base64,")
    assert image_data_uri(b"<svg onload=alert(1)>").startswith("data:application/octet-stream;base64,")
    assert image_data_uri(None) == image_data_uri(b"") == ""


def test_an_svg_is_encoded_as_utf8():
    uri = svg_data_uri('<svg xmlns="http://www.w3.org/2000/svg"><title>Åsen</title></svg>')
    assert uri.startswith("data:image/svg+xml;base64,")
    assert "Åsen" in base64.b64decode(uri.split(",", 1)[1]).decode("utf-8")
    assert svg_data_uri("") == ""
