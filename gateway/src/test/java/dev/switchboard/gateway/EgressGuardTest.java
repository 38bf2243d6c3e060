package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.config.GatewayConfig;
import dev.switchboard.gateway.support.FunctionServer;
import dev.switchboard.gateway.support.Http;
import dev.switchboard.gateway.support.TestGateways;
import dev.switchboard.registry.JsonMapper;
import dev.switchboard.registry.RegistrationValidator;
import dev.switchboard.testing.TestDns;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The SSRF guard over real sockets, with function hosts answered by {@link TestDns}: a name whose AAAA
 * answer embeds a loopback IPv4 address is refused at registration and on every connection.
 */
class EgressGuardTest {
    private static final AtomicInteger NAMES = new AtomicInteger();
    private FunctionServer functions;
    private Gateway gateway;

    @BeforeEach
    void start() {
        functions = FunctionServer.start();
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        functions.close();
    }

    private Gateway startGateway(String allowedNetworks) {
        return Gateway.start(GatewayConfig.from(TestGateways.local("FUNCTION_ALLOWED_NETWORKS", allowedNetworks)));
    }

    /** @return the function server's URL under a fresh name that answers {@code address} */
    private String endpointAt(String address) {
        String name = TestDns.name("fn-" + NAMES.incrementAndGet(), address);
        return functions.url("/json").replace("127.0.0.1", name);
    }

    private Http.Answer register(String name, String endpoint) {
        return Http.postJson(
                "http://127.0.0.1:" + gateway.adminPort() + "/admin/functions",
                "{\"name\":\"" + name + "\",\"endpoint\":\"" + endpoint + "\"}");
    }

    private Http.Answer invoke(String name) {
        return Http.postJson("http://127.0.0.1:" + gateway.port() + "/invoke/" + name, "{\"payload\":1}");
    }

    @Test
    void aNameAnsweringTheMappedLoopbackReachesTheFunctionOnlyWhenLoopbackIsAllowed() {
        gateway = startGateway("127.0.0.0/8");
        assertThat(register("mapped", endpointAt("::ffff:127.0.0.1")).status()).isEqualTo(201);
        Http.Answer call = invoke("mapped");
        assertThat(call.status())
                .as("the test resolver's answer is connected to: " + call.body())
                .isEqualTo(200);
        assertThat(functions.lastHeaders("/json")).isNotNull();
    }

    @Test
    void everyEmbeddedLoopbackFormIsRefusedAtRegistrationByDefault() {
        gateway = startGateway("");
        for (String address : List.of(
                "::ffff:127.0.0.1",
                "::127.0.0.1",
                "::ffff:0:127.0.0.1",
                "64:ff9b::127.0.0.1",
                "2002:7f00:1::",
                "2001:0:808:808:0:0:80ff:fffe",
                "::1",
                "::")) {
            Http.Answer refused = register("inside", endpointAt(address));
            assertThat(refused.status()).as(address + ": " + refused.body()).isEqualTo(400);
            assertThat(refused.json().get("code").asText()).isEqualTo("INVALID_FUNCTION");
            assertThat(refused.json().get("field").asText()).isEqualTo("endpoint");
            assertThat(refused.json().get("error").asText()).contains(TestDns.DOMAIN, "FUNCTION_ALLOWED_NETWORKS");
        }
        assertThat(Http.get("http://127.0.0.1:" + gateway.adminPort() + "/admin/functions")
                        .json()
                        .get("count")
                        .asInt())
                .isZero();
    }

    @Test
    void aMappedLoopbackRegistrationWrittenToTheStoreIsRefusedOnConnection() throws Exception {
        gateway = startGateway("");
        gateway.state()
                .functions()
                .upsert(RegistrationValidator.validate(
                        JsonMapper.MAPPER
                                .createObjectNode()
                                .put("name", "sneaky")
                                .put("endpoint", endpointAt("::ffff:127.0.0.1")),
                        Instant.now()));
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Http.Answer call = invoke("sneaky");
            assertThat(call.status()).as(call.body()).isEqualTo(502);
            assertThat(call.json().get("code").asText()).isEqualTo("EXECUTION_ERROR");
            assertThat(call.json().get("error").asText())
                    .startsWith("function call refused:")
                    .contains("ffff:7f00:1");
        });
        assertThat(functions.lastHeaders("/json"))
                .as("nothing reached the function")
                .isNull();
    }
}
