package dev.switchboard.operator.function;

/** The {@code reason} values of a ServerlessFunction's conditions: stable, CamelCase, documented for users. */
final class Reasons {
    /** The current spec is stored in the gateway's Redis. */
    static final String REGISTERED = "Registered";
    /** {@code spec.gatewayRef} names no SseGateway in the function's namespace. */
    static final String GATEWAY_NOT_FOUND = "GatewayNotFound";
    /** The gateway's {@code spec.redis.secretRef} names a Secret or key that does not exist. */
    static final String REDIS_SECRET_MISSING = "RedisSecretMissing";
    /** The gateway's Redis URL cannot be parsed (never echoed: it may carry a password). */
    static final String INVALID_REDIS_URL = "InvalidRedisUrl";
    /** A header's {@code valueFrom.secretKeyRef} names a Secret or key that does not exist. */
    static final String SECRET_NOT_FOUND = "SecretNotFound";
    /** The spec passes the CRD schema but not the registry's validation. */
    static final String INVALID_SPEC = "InvalidSpec";
    /** The endpoint resolves to an address the gateway's {@code spec.allowedFunctionNetworks} refuses. */
    static final String ENDPOINT_REFUSED = "EndpointRefused";
    /** The gateway's Redis did not answer; retried with back-off. */
    static final String REDIS_UNAVAILABLE = "RedisUnavailable";
    /** Anything unexpected; retried by the operator. */
    static final String RECONCILE_ERROR = "ReconcileError";

    private Reasons() {}
}
