package dev.switchboard.gateway.invoke;

import dev.switchboard.registry.EgressRules;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * The SSRF guard where connections are made: {@link EgressRules} from {@code FUNCTION_ALLOWED_NETWORKS},
 * applied by the function-call engine on every connection through {@link #resolve}, which refuses a name if any of its
 * addresses is refused and connects to the address it checked, so a DNS answer that changes between a
 * check and the connection (rebinding) gains nothing.
 */
public final class EgressPolicy {
    private final EgressRules rules;

    private EgressPolicy(EgressRules rules) {
        this.rules = rules;
    }

    /**
     * @param networks CIDR blocks allowed besides public addresses
     * @return the policy
     * @throws IllegalArgumentException naming {@code FUNCTION_ALLOWED_NETWORKS} when a block is malformed
     */
    public static EgressPolicy allowing(List<String> networks) {
        return new EgressPolicy(EgressRules.allowing(networks, "FUNCTION_ALLOWED_NETWORKS"));
    }

    /**
     * @param address an address a function call would connect to
     * @return whether it may
     */
    public boolean permits(InetAddress address) {
        return rules.permits(address);
    }

    /**
     * Resolves a function's host and checks every address.
     *
     * @param host a host name or literal address
     * @return the first address, all of them permitted
     * @throws UnknownHostException when the name does not resolve
     * @throws EgressRules.EgressRefusedException when an address is refused
     */
    public InetAddress resolve(String host) throws UnknownHostException {
        return rules.resolve(host);
    }
}
