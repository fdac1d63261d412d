"""The fonts a report names. Debian's fonts-noto-cjk (scripts/install-system-deps.sh) provides both families, which
cover Chinese, Latin and the typographic symbols the reports use, so no glyph falls back to another font or a box.
Emoji in user notes fall back to fontconfig's colour emoji font; it is deliberately not listed here, because Pango
would then take digits from it too."""

from __future__ import annotations

FONT_STACK = "'Noto Sans CJK SC', 'Noto Sans CJK', 'Source Han Sans SC', sans-serif"
MONO_STACK = "'Noto Sans Mono CJK SC', 'Noto Sans Mono CJK', monospace"
