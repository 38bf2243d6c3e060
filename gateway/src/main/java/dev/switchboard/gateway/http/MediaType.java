package dev.switchboard.gateway.http;

import java.util.Locale;

/** The media type of a {@code Content-Type} value or of one {@code Accept} range. */
public final class MediaType {
    private MediaType() {}

    /**
     * @param value a {@code Content-Type} value, or one range of an {@code Accept} list
     * @return its type and subtype, lower case, without its parameters ({@code charset}, {@code q}): matched whole,
     *     so that {@code application/json-seq} is not {@code application/json}
     */
    public static String of(String value) {
        int semicolon = value.indexOf(';');
        return (semicolon < 0 ? value : value.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
    }
}
