package dev.switchboard.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Any JSON at all given as a registration is either a valid registration, which encodes and decodes to
 * itself, or refused with {@link InvalidRegistrationException} naming a field: no other exception escapes
 * (which the admin API would turn into a 500).
 */
class RegistrationValidatorProperties {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    @Provide
    Arbitrary<JsonNode> values() {
        return Arbitraries.lazyOf(
                () -> Arbitraries.of(
                        NODES.nullNode(),
                        NODES.booleanNode(true),
                        NODES.numberNode(0),
                        NODES.numberNode(-5),
                        NODES.numberNode(1e300),
                        NODES.numberNode(3.5),
                        NODES.textNode(""),
                        NODES.textNode("echo"),
                        NODES.textNode("http://h:1/x"),
                        NODES.textNode("https://example.com/fn"),
                        NODES.textNode("ftp://x"),
                        NODES.textNode("http://user:pw@h/"),
                        NODES.textNode("5s"),
                        NODES.textNode("-1s"),
                        NODES.textNode("mcp"),
                        NODES.textNode("http"),
                        NODES.textNode("POST"),
                        NODES.textNode("GET"),
                        NODES.textNode("/healthz"),
                        NODES.textNode("\u0000\n"),
                        NODES.textNode("x".repeat(300))),
                () -> Arbitraries.strings().ofMaxLength(20).map(NODES::textNode),
                () -> objects(1));
    }

    private Arbitrary<JsonNode> objects(int depth) {
        Arbitrary<String> keys = Arbitraries.of(
                "name",
                "kind",
                "endpoint",
                "method",
                "timeout",
                "headers",
                "description",
                "health_check",
                "path",
                "interval",
                "retry",
                "attempts",
                "backoff",
                "max_concurrency",
                "Authorization",
                "x");
        Arbitrary<JsonNode> leaf = Arbitraries.of(
                NODES.textNode("a"), NODES.numberNode(2), NODES.nullNode(), NODES.textNode("2s"), NODES.arrayNode());
        Arbitrary<JsonNode> inner = depth > 2 ? leaf : Arbitraries.oneOf(leaf, objects(depth + 1));
        return Arbitraries.maps(keys, inner).ofMaxSize(5).map(m -> {
            ObjectNode o = NODES.objectNode();
            m.forEach(o::set);
            return o;
        });
    }

    @Provide
    Arbitrary<ObjectNode> registrations() {
        Arbitrary<String> keys = Arbitraries.of(
                "name",
                "kind",
                "endpoint",
                "method",
                "timeout",
                "headers",
                "description",
                "health_check",
                "retry",
                "max_concurrency",
                "extra");
        return Arbitraries.maps(keys, values()).ofMaxSize(8).map(m -> {
            ObjectNode o = NODES.objectNode();
            m.forEach(o::set);
            return o;
        });
    }

    @Property(tries = 1000)
    void validOrRefusedWithAField(@ForAll("registrations") ObjectNode json) {
        try {
            FunctionRegistration registration = RegistrationValidator.validate(json, Instant.EPOCH);
            FunctionRegistration roundTrip = RegistrationCodec.decode(RegistrationCodec.encode(registration));
            assertThat(roundTrip.name()).isEqualTo(registration.name());
            assertThat(roundTrip.endpoint()).isEqualTo(registration.endpoint());
        } catch (InvalidRegistrationException e) {
            assertThat(e.field()).isNotBlank();
            assertThat(e.getMessage()).isNotBlank();
        }
    }
}
