package dev.switchboard.gateway.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code testing/mcp-servers/interop-checks.json}: the checks every official-SDK client of the interop suites
 * runs against server-everything (the TypeScript client reads the same file), the masks that make two runs
 * comparable, and the strings each check's outcome must contain whichever client produced it.
 */
public final class InteropChecklist {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final JsonNode root;
    private final Map<Pattern, String> masks;

    private InteropChecklist(JsonNode root) {
        this.root = root;
        Map<Pattern, String> ordered = new java.util.LinkedHashMap<>();
        root.path("masks")
                .forEach(m -> ordered.put(
                        Pattern.compile(m.path("pattern").asText()),
                        m.path("as").asText()));
        this.masks = ordered;
    }

    /** @return the checklist beside the installed server and TypeScript client */
    public static InteropChecklist load() {
        Path file = ServerEverything.installedPackageDir().resolve("interop-checks.json");
        try {
            return new InteropChecklist(JSON.readTree(file.toFile()));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file, e);
        }
    }

    /** @return what the client answers the server with (roots, sampling, elicitation) and how it names itself */
    public JsonNode client() {
        return root.path("client");
    }

    /** @return the checks, in the order both clients run them */
    public List<JsonNode> checks() {
        List<JsonNode> checks = new ArrayList<>();
        root.path("checks").forEach(checks::add);
        return checks;
    }

    /** @return the checks a session runs before and after a restart of the server ({@code before}, {@code after}) */
    public JsonNode restart() {
        return root.path("restart");
    }

    /** @return how long one check may wait for an answer or a notification */
    public Duration checkTimeout() {
        return Duration.ofMillis(root.path("checkTimeoutMs").asLong(20_000));
    }

    /** @return the outcome's field names a full run has: {@code connect}, then every check */
    public List<String> outcomeNames() {
        List<String> names = new ArrayList<>(List.of("connect"));
        checks().forEach(check -> names.add(check.path("name").asText()));
        return names;
    }

    /** @return the value with every string masked (ids, timestamps, session ids), as the TypeScript client does */
    public JsonNode normalize(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return JSON.nullNode();
        }
        if (value.isTextual()) {
            return TextNode.valueOf(normalize(value.asText()));
        }
        if (value.isArray()) {
            ArrayNode copy = JSON.createArrayNode();
            value.forEach(item -> copy.add(normalize(item)));
            return copy;
        }
        if (value.isObject()) {
            ObjectNode copy = JSON.createObjectNode();
            value.properties().forEach(field -> copy.set(field.getKey(), normalize(field.getValue())));
            return copy;
        }
        return value;
    }

    /** @return the text with every mask applied in order */
    public String normalize(String text) {
        String masked = text;
        for (Map.Entry<Pattern, String> mask : masks.entrySet()) {
            masked = mask.getKey().matcher(masked).replaceAll(mask.getValue());
        }
        return masked;
    }

    /**
     * @param outcome one client's run (check name to {@code {ok, value}} or {@code {ok, error}})
     * @return one line per check that failed or whose outcome lacks one of its expected strings; empty when all hold
     */
    public List<String> unmetExpectations(JsonNode outcome) {
        List<String> unmet = new ArrayList<>();
        if (!outcome.path("connect").path("ok").asBoolean()) {
            unmet.add("connect: " + outcome.path("connect"));
            return unmet;
        }
        for (JsonNode check : checks()) {
            String name = check.path("name").asText();
            JsonNode result = outcome.path(name);
            if (!result.path("ok").asBoolean()) {
                unmet.add(name + ": " + result);
                continue;
            }
            String text = result.path("value").toString();
            check.path("expect").forEach(expected -> {
                if (!text.contains(expected.asText())) {
                    unmet.add(name + " lacks " + expected.asText() + ": " + abbreviate(text));
                }
            });
        }
        return unmet;
    }

    private static String abbreviate(String text) {
        return text.length() <= 600 ? text : text.substring(0, 600) + "…";
    }
}
