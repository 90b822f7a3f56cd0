"""A registered font as the default font, and an image drawn from a buffer in Python
(an ``array.array`` of pixels turned into a PNG, no image library). Blocking API.

Run it, then open the URL it prints. ``--font PATH`` picks the font file.
"""

import array
import glob
import logging
import struct
import sys
import zlib

from pgwidgets_sync import Application, Session
from _ports import ports  # --ws-port/--http-port, or PGWIDGETS_WS_PORT/HTTP_PORT


def gradient_png(width: int, height: int, shift: int) -> bytes:
    """An RGB gradient as PNG bytes, built in an array.array (any buffer will do)."""
    rows = array.array("B")
    for y in range(height):
        rows.append(0)                                 # PNG filter byte
        for x in range(width):
            rows.extend(((x * 255 // width + shift) % 256, y * 255 // height, 160))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2,
                                                             0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows.tobytes())) + chunk(b"IEND", b""))


def font_file() -> str | None:
    if "--font" in sys.argv:
        return sys.argv[sys.argv.index("--font") + 1]
    found = sorted(glob.glob("/usr/share/fonts/truetype/**/*.ttf", recursive=True))
    return found[0] if found else None


def main() -> None:
    app = Application(max_sessions=None, **ports())
    font = font_file()
    if font is not None:
        app.register_font("Example Face", font)
        app.set_default_font("Example Face", size=15)

    @app.on_connect
    def setup(session: Session) -> None:
        W = session.get_widgets()
        top = W.TopLevel(title="Fonts and buffers", resizable=True)
        box = W.VBox(spacing=6, padding=8)
        text = W.HtmlView(html=f"<p>This text uses <b>{'Example Face' if font else 'the default font'}</b>.</p>")
        image = W.Image()
        shift = [0]
        image.set_binary_image(gradient_png(160, 90, 0), "png")
        redraw = W.Button("Shift colours")

        def shifted() -> None:
            shift[0] += 64
            image.set_binary_image(gradient_png(160, 90, shift[0]), "png")
        redraw.on("activated", shifted)
        for w in (text, image, redraw):
            box.add_widget(w)
        top.set_widget(box)
        top.resize(320, 260)
        top.show()

    app.start()
    print(f"Open {app.url} in a browser (Ctrl-C to stop)", flush=True)
    app.run()


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    main()
