package dev.switchboard.gateway.support;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A real, small authorization server for tests: an RSA signing key whose public half it publishes as a
 * JWKS over HTTP on loopback, and access tokens it signs with it.
 */
public final class TestIssuer implements AutoCloseable {
    /** The issuer identifier tokens carry. */
    public static final String ISSUER = "https://issuer.test";

    private final HttpServer server;
    private final RSAKey key;
    private final AtomicInteger jwksFetches = new AtomicInteger();

    private TestIssuer(HttpServer server, RSAKey key) {
        this.server = server;
        this.key = key;
    }

    /** @return a started issuer */
    public static TestIssuer start() {
        try {
            RSAKey key = newKey("key-1");
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            TestIssuer issuer = new TestIssuer(server, key);
            server.createContext("/jwks", ex -> {
                issuer.jwksFetches.incrementAndGet();
                byte[] body = new JWKSet(key.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().set("Content-Type", "application/json");
                ex.sendResponseHeaders(200, body.length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(body);
                }
            });
            server.start();
            return issuer;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * @param keyId the key's id
     * @return a fresh 2048-bit RSA key
     */
    public static RSAKey newKey(String keyId) {
        try {
            return new RSAKeyGenerator(2048).keyID(keyId).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return the JWKS URL */
    public String jwksUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/jwks";
    }

    /** @return how often the JWKS was fetched */
    public int jwksFetches() {
        return jwksFetches.get();
    }

    /**
     * @param subject  the {@code sub}
     * @param audience the {@code aud}
     * @return a valid token for five minutes
     */
    public String token(String subject, String audience) {
        return token(subject, audience, claims -> {});
    }

    /**
     * @param subject  the {@code sub}
     * @param audience the {@code aud}
     * @param change   changes to the claims before signing
     * @return a token signed with this issuer's key
     */
    public String token(String subject, String audience, Consumer<JWTClaimsSet.Builder> change) {
        return sign(key, subject, audience, change);
    }

    /**
     * @param signingKey the key to sign with
     * @param subject    the {@code sub}
     * @param audience   the {@code aud}
     * @param change     changes to the claims before signing
     * @return a signed token
     */
    public static String sign(
            RSAKey signingKey, String subject, String audience, Consumer<JWTClaimsSet.Builder> change) {
        Instant now = Instant.now();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .subject(subject)
                .audience(audience)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(Duration.ofMinutes(5))))
                .claim("scope", "mcp:tools");
        change.accept(claims);
        try {
            SignedJWT jwt = new SignedJWT(
                    new JWSHeader.Builder(JWSAlgorithm.RS256)
                            .keyID(signingKey.getKeyID())
                            .type(JOSEObjectType.JWT)
                            .build(),
                    claims.build());
            jwt.sign(new RSASSASigner(signingKey));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
