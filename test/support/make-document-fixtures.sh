#!/bin/sh
# Regenerates test/fixtures: PDFs with Debian's qpdf, JPEGs with libjpeg-turbo's cjpeg
# (apt-get install qpdf libjpeg-turbo-progs).
# The files are committed so CI needs no qpdf; the tests derive hand-edited variants from them
# (test/support/document-fixtures.ts).
set -eu
out="$(dirname "$0")/../fixtures/pdf"
images="$(dirname "$0")/../fixtures/images"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
printf '%%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>\nendobj\n4 0 obj\n<< /Length 44 >>\nstream\nBT /F1 12 Tf 20 100 Td (DIDHub test) Tj ET\nendstream\nendobj\ntrailer\n<< /Root 1 0 R /Size 5 >>\n%%%%EOF\n' > "$tmp/raw.pdf"
# qpdf rebuilds the cross-reference table of the hand-written source (and says so on stderr).
qpdf "$tmp/raw.pdf" "$out/plain-1.4.pdf" 2>/dev/null || [ $? -eq 3 ]
qpdf --object-streams=generate --min-version=1.7 "$out/plain-1.4.pdf" "$out/xref-stream-1.7.pdf"
qpdf --encrypt user owner 256 -- "$out/plain-1.4.pdf" "$out/aes256.pdf"
qpdf --encrypt '' owner 256 -- "$out/plain-1.4.pdf" "$out/aes256-no-user-password.pdf"
qpdf --encrypt user owner 256 -- --object-streams=generate "$out/plain-1.4.pdf" "$out/aes256-xref-stream.pdf"
qpdf --encrypt user owner 128 --use-aes=y -- "$out/plain-1.4.pdf" "$out/aes128.pdf"
# A 48x32 picture with noise (so the scans hold 0xFF stuffing), then a baseline JPEG with a restart
# marker every block and a progressive one (several scans with Huffman tables between them).
python3 -c "
import random, sys
random.seed(7)
px = bytes(v for y in range(32) for x in range(48) for v in ((x * 5) % 256, (y * 8) % 256, random.randrange(256)))
sys.stdout.buffer.write(b'P6\\n48 32\\n255\\n' + px)" > "$tmp/picture.ppm"
cjpeg -quality 85 -restart 1B "$tmp/picture.ppm" > "$images/baseline-restart.jpg"
cjpeg -quality 85 -progressive "$tmp/picture.ppm" > "$images/progressive.jpg"
