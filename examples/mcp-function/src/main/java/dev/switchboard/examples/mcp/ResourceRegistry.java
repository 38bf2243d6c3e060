package dev.switchboard.examples.mcp;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The conformance resources: three direct ones and the template {@code test://template/{id}/data}. */
final class ResourceRegistry {

    static final String TEMPLATE = "test://template/{id}/data";
    /** A resource that changes: {@code bump_counter} increments it and pushes {@code resources/updated}. */
    static final String COUNTER = "test://counter";

    private static final Pattern TEMPLATE_URI = Pattern.compile("test://template/([^/]+)/data");
    private static final long STATIC_TTL_MS = 300_000;

    /**
     * @param ttlMs    how long a 2026-07-28 client may cache a read (0 for the one that claims to change)
     * @param contents one {@code ResourceContents} entry for a URI
     */
    record Resource(
            String uri,
            String name,
            String title,
            String description,
            String mimeType,
            long ttlMs,
            Function<String, ObjectNode> contents) {}

    /** A read result and its cache lifetime. */
    record Read(ObjectNode result, long ttlMs) {}

    private final Map<String, Resource> resources = new LinkedHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong counter = new java.util.concurrent.atomic.AtomicLong();
    private final Resource template = new Resource(
            TEMPLATE,
            "template",
            "Resource Template",
            "A resource template with parameter substitution",
            "application/json",
            STATIC_TTL_MS,
            uri -> {
                String id = templateId(uri);
                ObjectNode data =
                        Json.object().put("id", id).put("templateTest", true).put("data", "Data for ID: " + id);
                return text(uri, "application/json", Json.write(data));
            });

    ResourceRegistry() {
        add(new Resource(
                "test://static-text",
                "static-text",
                "Static Text Resource",
                "A static text resource for testing",
                "text/plain",
                STATIC_TTL_MS,
                uri -> text(uri, "text/plain", "This is the content of the static text resource.")));
        add(new Resource(
                "test://static-binary",
                "static-binary",
                "Static Binary Resource",
                "A static binary resource (image) for testing",
                "image/png",
                STATIC_TTL_MS,
                uri -> Json.object()
                        .put("uri", uri)
                        .put("mimeType", "image/png")
                        .put("blob", Fixtures.PNG_1X1)));
        // Subscribable, but this one never changes.
        add(new Resource(
                "test://watched-resource",
                "watched-resource",
                "Watched Resource",
                "A resource for subscribe/unsubscribe tests",
                "text/plain",
                0,
                uri -> text(uri, "text/plain", "Watched resource content")));
        add(new Resource(
                COUNTER,
                "counter",
                "Counter",
                "A number that bump_counter increments; subscribers are told " + "through the gateway's push route",
                "text/plain",
                0,
                uri -> text(uri, "text/plain", Long.toString(counter.get()))));
    }

    /** @return the counter's new value */
    long bump() {
        return counter.incrementAndGet();
    }

    private void add(Resource resource) {
        resources.put(resource.uri(), resource);
    }

    ObjectNode list() {
        ObjectNode result = Json.object();
        ArrayNode list = result.putArray("resources");
        resources.values().forEach(r -> list.add(describe(r).put("uri", r.uri())));
        return result;
    }

    ObjectNode templates() {
        ObjectNode result = Json.object();
        result.putArray("resourceTemplates").add(describe(template).put("uriTemplate", TEMPLATE));
        return result;
    }

    /** @throws McpException -32602 with {@code data.uri} for an unknown URI (SEP-2164; never empty contents) */
    Read read(String uri) {
        Resource resource = find(uri);
        ObjectNode result = Json.object();
        result.putArray("contents").add(resource.contents().apply(uri));
        return new Read(result, resource.ttlMs());
    }

    Resource find(String uri) {
        Resource resource = resources.get(uri);
        if (resource == null && TEMPLATE_URI.matcher(uri).matches()) {
            resource = template;
        }
        if (resource == null) {
            throw McpException.invalidParams(
                    "Resource not found: " + uri, Json.object().put("uri", uri));
        }
        return resource;
    }

    List<String> uris() {
        return List.copyOf(resources.keySet());
    }

    private static ObjectNode describe(Resource r) {
        return Json.object()
                .put("name", r.name())
                .put("title", r.title())
                .put("description", r.description())
                .put("mimeType", r.mimeType());
    }

    private static ObjectNode text(String uri, String mimeType, String text) {
        return Json.object().put("uri", uri).put("mimeType", mimeType).put("text", text);
    }

    private static String templateId(String uri) {
        Matcher matcher = TEMPLATE_URI.matcher(uri);
        if (!matcher.matches()) {
            throw new IllegalArgumentException(uri);
        }
        return matcher.group(1);
    }
}
