package dev.switchboard.operator.function;

import dev.switchboard.operator.gateway.GatewayEnvironment;
import dev.switchboard.operator.model.SseGateway;
import dev.switchboard.registry.EgressRules;
import dev.switchboard.registry.FunctionRegistration;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;

/**
 * The gateway's SSRF guard, applied before a registration is written: an endpoint that resolves to an
 * address the gateway's {@code spec.allowedFunctionNetworks} refuses would be registered and then fail
 * every call with 502, so the function is reported not ready instead. A name the operator cannot
 * resolve is left to the gateway, which checks every connection.
 */
final class EndpointCheck {
    private EndpointCheck() {}

    /**
     * @param registration the registration about to be written
     * @param gateway      the gateway that will call it
     * @throws NotReadyException {@link Reasons#ENDPOINT_REFUSED} when the gateway would refuse the address
     */
    static void check(FunctionRegistration registration, SseGateway gateway) throws NotReadyException {
        List<String> networks = gateway.getSpec().getAllowedFunctionNetworks();
        if (networks == null) {
            networks = Arrays.asList(GatewayEnvironment.DEFAULT_FUNCTION_NETWORKS.split(","));
        }
        EgressRules rules = EgressRules.allowing(
                networks,
                "spec.allowedFunctionNetworks of SseGateway "
                        + gateway.getMetadata().getName());
        try {
            rules.resolve(registration.endpoint().getHost());
        } catch (EgressRules.EgressRefusedException e) {
            throw new NotReadyException(Reasons.ENDPOINT_REFUSED, "spec.endpoint: " + e.getMessage());
        } catch (UnknownHostException e) {
            // not resolvable from here (yet): the gateway checks each connection
        }
    }
}
