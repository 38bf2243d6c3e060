package dev.switchboard.gateway.support;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The form {@code API_KEYS} stores a key in: its SHA-256, hex. */
public final class ApiKeyHash {
    private ApiKeyHash() {}

    /**
     * @param key a client's API key
     * @return its {@code API_KEYS} entry value
     */
    public static String of(String key) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
