package dev.switchboard.registry;

import java.util.Locale;
import java.util.Optional;

/** Which client credentials a function requires, overriding the gateway's {@code CLIENT_AUTH} for it. */
public enum ClientAuth {
    /** What the gateway's {@code CLIENT_AUTH} says (the default). */
    DEFAULT("default"),
    /** No credentials needed: a public function even on a gateway that requires them elsewhere. */
    NONE("none"),
    /** A static API key. */
    API_KEY("api-key"),
    /** An OAuth 2.1 bearer JWT. */
    JWT("jwt");

    private final String wireName;

    ClientAuth(String wireName) {
        this.wireName = wireName;
    }

    /** @return the name used in JSON and custom resources */
    public String wireName() {
        return wireName;
    }

    /**
     * @param name a wire name, any case
     * @return the rule, or empty when unknown
     */
    public static Optional<ClientAuth> fromWireName(String name) {
        for (ClientAuth auth : values()) {
            if (auth.wireName.equals(name.toLowerCase(Locale.ROOT))) {
                return Optional.of(auth);
            }
        }
        return Optional.empty();
    }
}
