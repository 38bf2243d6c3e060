package dev.switchboard.gateway.auth;

import dev.switchboard.registry.ClientAuth;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Who a request comes from, as the gateway established it: the method that proved it, the subject it
 * proved, and for a JWT its issuer. Sessions and client streams belong to one identity.
 *
 * @param method  how it was proved ({@link ClientAuth#NONE}: anonymous)
 * @param subject the API key's name or the JWT's {@code sub}; empty when anonymous
 * @param issuer  the JWT's {@code iss}; empty otherwise
 * @param grants  the topics it may publish to and read (from its key's entry or its JWT's claim); what it
 *                may do, not who it is, so {@link #sameAs} ignores them
 */
public record Identity(ClientAuth method, String subject, String issuer, TopicGrants grants) {
    /** Header naming the authenticated subject on calls to functions. */
    public static final String SUBJECT_HEADER = "X-Switchboard-Subject";
    /** Header naming how the subject was authenticated ({@code api-key} or {@code jwt}). */
    public static final String AUTH_HEADER = "X-Switchboard-Auth";
    /** No credentials. */
    public static final Identity ANONYMOUS = new Identity(ClientAuth.NONE, "", "");

    /**
     * An identity with no topic grants.
     *
     * @param method  how it was proved
     * @param subject the subject
     * @param issuer  the issuer
     */
    public Identity(ClientAuth method, String subject, String issuer) {
        this(method, subject, issuer, TopicGrants.NONE);
    }

    /**
     * @param other another identity
     * @return whether both are the same caller (method, subject and issuer), whatever their grants; a token
     *         renewed with other grants still owns its sessions
     */
    public boolean sameAs(Identity other) {
        return method == other.method && subject.equals(other.subject) && issuer.equals(other.issuer);
    }

    /** @return whether no credentials were presented */
    public boolean isAnonymous() {
        return method == ClientAuth.NONE;
    }

    /**
     * A short, fixed-length name of this identity, safe in keys and ids whatever the subject holds:
     * the first 16 hex digits of a SHA-256 over method, issuer and subject.
     *
     * @return the scope, or empty for the anonymous identity
     */
    public String scope() {
        if (isAnonymous()) {
            return "";
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((method.wireName() + "\n" + issuer + "\n" + subject).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * @return the headers a function receives about the caller (none for an anonymous one); the caller's
     *         own credentials are never among them
     */
    public Map<String, String> functionHeaders() {
        if (isAnonymous()) {
            return Map.of();
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(SUBJECT_HEADER, headerSafe(subject));
        headers.put(AUTH_HEADER, method.wireName());
        return headers;
    }

    /**
     * A subject from a JWT may hold any character: bytes of its UTF-8 form outside printable ASCII, and
     * {@code %} itself, are percent-encoded, so the header is one line and decodes back to the subject.
     */
    static String headerSafe(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c >= 0x20 && c < 0x7f && c != '%') {
                out.append((char) c);
            } else {
                out.append('%').append(HexFormat.of().withUpperCase().toHexDigits((byte) c));
            }
        }
        return out.toString();
    }
}
