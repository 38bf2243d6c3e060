package dev.switchboard.examples.mcp;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals MRTR {@code requestState}: {@code base64url(payload JSON) "." base64url(HMAC-SHA256(key, first part))}.
 * The state travels through the client, which the spec tells servers to treat as an attacker; the HMAC is what lets
 * a function that keeps nothing trust it on the retry. The payload is readable, not secret: put nothing in it that
 * the client must not see.
 */
final class RequestStateSigner {

    private static final String ALGORITHM = "HmacSHA256";
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private final SecretKeySpec key;

    RequestStateSigner(byte[] key) {
        if (key.length == 0) {
            throw new IllegalArgumentException("empty HMAC key");
        }
        this.key = new SecretKeySpec(key.clone(), ALGORITHM);
    }

    /** A fresh 256-bit key: state it signs does not verify in another process. */
    static RequestStateSigner withRandomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return new RequestStateSigner(key);
    }

    String sign(ObjectNode payload) {
        String body = ENCODER.encodeToString(Json.bytes(payload));
        return body + "." + ENCODER.encodeToString(mac(body));
    }

    /**
     * @return the payload, if the token is well formed and its HMAC matches
     * @throws McpException -32602 otherwise (tampered, truncated, or signed with another key)
     */
    ObjectNode verify(String token) {
        int dot = token.indexOf('.');
        if (dot <= 0 || dot != token.lastIndexOf('.')) {
            throw tampered();
        }
        String body = token.substring(0, dot);
        byte[] signature;
        try {
            signature = DECODER.decode(token.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            throw tampered();
        }
        // constant time, so that the answer time does not reveal how much of a forged signature was right
        if (!MessageDigest.isEqual(mac(body), signature)) {
            throw tampered();
        }
        try {
            return Json.parseObject(new String(DECODER.decode(body), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw tampered(); // signed by us, so unreachable short of a bug; still never trust it
        }
    }

    private byte[] mac(String body) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac.doFinal(body.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    private static McpException tampered() {
        return McpException.invalidParams("requestState failed its integrity check");
    }
}
