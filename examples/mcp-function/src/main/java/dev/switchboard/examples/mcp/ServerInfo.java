package dev.switchboard.examples.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** Who this server is, which revisions it speaks and what it declares: the answers to initialize and server/discover. */
final class ServerInfo {

    static final String NAME = "switchboard-mcp-example";
    static final String VERSION = "0.1.0";

    /** The stateless revision, recognised by {@code _meta["io.modelcontextprotocol/protocolVersion"]}. */
    static final String MODERN_VERSION = "2026-07-28";
    /** The initialize-era revisions, newest first: the first one is the answer to an unknown request. */
    static final List<String> LEGACY_VERSIONS = List.of("2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05");

    /** Discovery and the lists never change in a process: a client or the gateway may cache them. */
    static final long LIST_TTL_MS = 300_000;

    private ServerInfo() {}

    static ObjectNode implementation() {
        return Json.object().put("name", NAME).put("version", VERSION);
    }

    /** Legacy {@code initialize}: the requested revision if served, else the newest legacy one; never a session id. */
    static ObjectNode initializeResult(JsonNode params, boolean pushes) {
        String requested = Json.text(params, "protocolVersion", null);
        String version =
                requested != null && LEGACY_VERSIONS.contains(requested) ? requested : LEGACY_VERSIONS.getFirst();
        ObjectNode result = Json.object().put("protocolVersion", version);
        result.set("capabilities", capabilities(true, pushes));
        result.set("serverInfo", implementation());
        return result;
    }

    /**
     * 2026-07-28 {@code server/discover}. Only the stateless revision is listed: {@code supportedVersions} is what a
     * client may put in the per-request {@code _meta}, and the legacy revisions are reached through initialize.
     */
    static ObjectNode discoverResult(boolean pushes) {
        ObjectNode result = Json.object().put("resultType", "complete");
        result.set("supportedVersions", Json.array(MODERN_VERSION));
        result.set("capabilities", capabilities(false, pushes));
        result.put(
                "instructions",
                "Conformance fixtures: tools, resources and prompts named test_*; "
                        + "interactive tools answer input_required (multi round-trip requests).");
        result.put("ttlMs", LIST_TTL_MS).put("cacheScope", "public");
        result.putObject("_meta").set("io.modelcontextprotocol/serverInfo", implementation());
        return result;
    }

    /**
     * @param legacy legacy clients may call resources/subscribe (the gateway keeps the subscription and delivers
     *               what this function pushes); in 2026-07-28 subscribing means holding a subscriptions/listen
     *               stream, which the gateway holds for a function, so it is declared there only when this function
     *               can push
     * @param pushes whether a push route is configured, so that list changes and resource updates are announced
     */
    private static ObjectNode capabilities(boolean legacy, boolean pushes) {
        ObjectNode capabilities = Json.object();
        capabilities.putObject("tools").put("listChanged", pushes);
        capabilities.putObject("resources").put("subscribe", legacy || pushes).put("listChanged", false);
        capabilities.putObject("prompts").put("listChanged", pushes);
        capabilities.putObject("logging");
        capabilities.putObject("completions");
        return capabilities;
    }
}
