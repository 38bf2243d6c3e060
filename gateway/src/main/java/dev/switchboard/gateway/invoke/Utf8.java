package dev.switchboard.gateway.invoke;

/** Sizes of text in UTF-8, counted without encoding it. */
public final class Utf8 {
    private Utf8() {}

    /**
     * @param text text
     * @return how many bytes its UTF-8 encoding has (a lone surrogate counts as the one byte {@code '?'} that {@link String#getBytes} puts in its place)
     */
    public static long length(CharSequence text) {
        long bytes = 0;
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                bytes++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
