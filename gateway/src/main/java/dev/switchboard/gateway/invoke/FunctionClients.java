package dev.switchboard.gateway.invoke;

import java.time.Duration;
import java.util.List;

import io.helidon.webclient.api.Proxy;
import io.helidon.webclient.api.WebClient;
import io.helidon.webclient.api.WebClientConfig;

/** How every client that calls functions is built: calls, the MCP relay and health probes alike. */
public final class FunctionClients {
    private FunctionClients() {
    }

    /**
     * @param egress         where functions may be called: names resolve through it, and the client connects
     *                       to the address it checked
     * @param connectTimeout connect timeout
     * @return a builder to add to and build
     */
    public static WebClientConfig.Builder builder(EgressPolicy egress, Duration connectTimeout) {
        return WebClient.builder()
                .dnsResolver(egress.resolver())
                .connectTimeout(connectTimeout)
                .followRedirects(false)
                // per call, a system proxy lookup, protocol discovery and service discovery cost CPU and
                // buy nothing here: functions speak HTTP/1.1, directly
                .proxy(Proxy.noProxy())
                .protocolPreference(List.of("http/1.1"))
                .servicesDiscoverServices(false);
    }
}
