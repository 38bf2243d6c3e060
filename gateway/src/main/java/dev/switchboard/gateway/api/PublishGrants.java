package dev.switchboard.gateway.api;

import dev.switchboard.gateway.auth.AuthSettings;
import dev.switchboard.gateway.auth.Identity;
import dev.switchboard.gateway.http.ApiException;
import io.helidon.http.Status;
import java.util.function.BiConsumer;

/**
 * Who may publish: a topic ({@code POST /publish/{topic}}, an async {@code /invoke} aimed at a topic) or an MCP
 * server's notifications ({@code POST /publish/mcp/{server}}, as the grant {@code mcp:<server>}), on any listener
 * but the admin one. A 401 carries the same challenge as the listener's own ({@link AuthSettings#bearerChallenge}),
 * so a publisher is pointed at the authorization server as any client is.
 */
public final class PublishGrants {
    private final String challenge;
    /** What a 401 says: with no way to check a credential here, a presented one cannot make a publisher. */
    private final String unauthorized;

    /** @param auth how clients authenticate: the challenge of a 401, and whether any credential can be checked */
    public PublishGrants(AuthSettings auth) {
        this.challenge = auth.bearerChallenge();
        boolean checks = auth.canCheck(dev.switchboard.registry.ClientAuth.API_KEY)
                || auth.canCheck(dev.switchboard.registry.ClientAuth.JWT);
        this.unauthorized = checks
                ? "publishing needs a publisher credential: an API key with a publish grant, or a JWT whose "
                        + "switchboard.publish claim covers the topic"
                : "publishing here needs a publisher credential, and this gateway checks none (no API_KEYS, "
                        + "API_KEYS_FILE or OAUTH_ISSUER is set), so a credential sent is not read: configure one, "
                        + "or publish through the admin listener's /publish";
    }

    /**
     * Demands a publish grant covering a topic.
     *
     * @param identity who asks
     * @param topic    the topic (or grant name) to publish to
     * @param header   sets a header of the answer (the challenge of a 401)
     * @throws ApiException 401 {@code PUBLISH_UNAUTHORIZED} without a credential, 403 {@code PUBLISH_FORBIDDEN}
     *                      without a covering grant
     */
    public void authorize(Identity identity, String topic, BiConsumer<String, String> header) {
        if (identity.isAnonymous()) {
            header.accept("WWW-Authenticate", challenge);
            throw new ApiException(Status.UNAUTHORIZED_401, "PUBLISH_UNAUTHORIZED", unauthorized);
        }
        if (!identity.grants().mayPublish(topic)) {
            throw new ApiException(
                    Status.FORBIDDEN_403,
                    "PUBLISH_FORBIDDEN",
                    "this identity may not publish to topic '" + topic + "' (no publish grant covers it)");
        }
    }
}
