package dev.switchboard.gateway.auth;

/**
 * Where a generic client's events live. Anonymous clients share one namespace of client ids, as in the
 * original project; an authenticated identity has its own, {@code <scope>/<client id>}, so no one can
 * read or write another identity's streams by naming its client id. Client ids hold no {@code /}, so the
 * two never meet.
 */
public final class ClientIds {
    private ClientIds() {}

    /**
     * @param identity who asks
     * @param clientId the client id they name
     * @return the key of that client's streams and event log
     */
    public static String streamKey(Identity identity, String clientId) {
        return identity.isAnonymous() ? clientId : identity.scope() + "/" + clientId;
    }
}
