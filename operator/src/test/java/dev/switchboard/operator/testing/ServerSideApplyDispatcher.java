package dev.switchboard.operator.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * fabric8's CRUD mock API server answers server-side apply ({@code PATCH} with
 * {@code application/apply-patch+yaml}, JOSDK's default for status, finalizers and dependents) with 415. This adds
 * the smallest faithful apply for one field manager, on top of the mock's own create, read and update:
 * <ul>
 *   <li>the object missing: created from the applied configuration (a status apply gets 404, as from a real
 *       API server);</li>
 *   <li>the object present: the applied fields are merged in (objects field by field, lists of scalars as sets,
 *       other lists replaced whole), and fields this manager applied before but no longer applies are removed;
 *       a status apply changes only {@code status}, a main-resource apply everything but;</li>
 *   <li>nothing changed: no write at all, so no new resourceVersion and no watch event (a real API server's
 *       no-op apply).</li>
 * </ul>
 * Not modelled: conflicts between managers (every test uses one manager per field, and JOSDK applies with
 * {@code force=true}), {@code managedFields}, keyed-list merges.
 */
public class ServerSideApplyDispatcher extends KubernetesCrudDispatcher {
    private static final String APPLY = "application/apply-patch+yaml";
    private static final ObjectMapper YAML = new YAMLMapper();
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What each manager last applied to each object (and to its status), to release the fields it dropped. */
    private final Map<String, JsonNode> lastApplied = new ConcurrentHashMap<>();

    @Override
    public MockResponse handlePatch(RecordedRequest request) {
        String type = request.getHeader("Content-Type");
        if (type == null || !type.startsWith(APPLY)) {
            return super.handlePatch(request);
        }
        try {
            return apply(request);
        } catch (JsonProcessingException e) {
            return new MockResponse().setResponseCode(400).setBody(e.getOriginalMessage());
        }
    }

    private synchronized MockResponse apply(RecordedRequest request) throws JsonProcessingException {
        String fullPath = request.getPath();
        int query = fullPath.indexOf('?');
        String path = query < 0 ? fullPath : fullPath.substring(0, query);
        String manager = query < 0 ? "" : fullPath.substring(query);
        boolean status = path.endsWith("/status");
        String objectPath = status ? path.substring(0, path.length() - "/status".length()) : path;
        ObjectNode applied = (ObjectNode) YAML.readTree(request.getUtf8Body());
        String key = objectPath + (status ? "#status" : "") + manager.replaceAll("&?force=[a-z]+", "");

        MockResponse current = handleGet(objectPath);
        if (current.code() == 404) {
            if (status) {
                return current;
            }
            lastApplied.put(key, applied.deepCopy());
            ((ObjectNode) applied.path("metadata")).remove("resourceVersion");
            String collection = objectPath.substring(0, objectPath.lastIndexOf('/'));
            return handleCreate(request(HttpMethod.POST, collection, applied));
        }
        ObjectNode existing = (ObjectNode) JSON.readTree(current.getBody().readUtf8());
        ObjectNode merged = existing.deepCopy();
        JsonNode previous = lastApplied.get(key);
        if (status) {
            JsonNode appliedStatus = applied.path("status");
            JsonNode previousStatus = previous == null ? null : previous.get("status");
            if (!merged.has("status") || !merged.get("status").isObject()) {
                merged.putObject("status");
            }
            if (appliedStatus.isObject()) {
                merge((ObjectNode) merged.get("status"), previousStatus, (ObjectNode) appliedStatus);
            }
        } else {
            applied.remove("status");
            ((ObjectNode) applied.path("metadata")).remove("resourceVersion");
            merge(merged, previous, applied);
        }
        lastApplied.put(key, applied.deepCopy());
        if (merged.equals(existing)) {
            return new MockResponse().setResponseCode(200).setBody(JSON.writeValueAsString(existing));
        }
        return handleUpdate(request(HttpMethod.PUT, path, merged));
    }

    /** Merges what is applied into the target, dropping what the same manager applied before and applies no more. */
    private static void merge(ObjectNode target, JsonNode previous, ObjectNode applied) {
        if (previous != null && previous.isObject()) {
            for (Iterator<String> it = previous.fieldNames(); it.hasNext(); ) {
                String field = it.next();
                if (!applied.has(field)) {
                    target.remove(field);
                }
            }
        }
        for (Map.Entry<String, JsonNode> field : applied.properties()) {
            String name = field.getKey();
            JsonNode value = field.getValue();
            JsonNode current = target.get(name);
            JsonNode before = previous == null ? null : previous.get(name);
            if (value.isObject() && current != null && current.isObject()) {
                merge((ObjectNode) current, before, (ObjectNode) value);
            } else if (value.isArray() && current != null && current.isArray() && scalars(value) && scalars(current)) {
                target.set(name, union((ArrayNode) current, before, (ArrayNode) value));
            } else {
                target.set(name, value.deepCopy());
            }
        }
    }

    /** A set-like list (finalizers): others' entries stay, this manager's are what it applies now. */
    private static ArrayNode union(ArrayNode current, JsonNode before, ArrayNode applied) {
        ArrayNode result = JSON.createArrayNode();
        for (JsonNode entry : current) {
            boolean dropped = before != null && contains(before, entry) && !contains(applied, entry);
            if (!dropped && !contains(result, entry)) {
                result.add(entry);
            }
        }
        for (JsonNode entry : applied) {
            if (!contains(result, entry)) {
                result.add(entry);
            }
        }
        return result;
    }

    private static boolean contains(JsonNode array, JsonNode entry) {
        for (JsonNode e : array) {
            if (e.equals(entry)) {
                return true;
            }
        }
        return false;
    }

    private static boolean scalars(JsonNode array) {
        for (JsonNode e : array) {
            if (e.isContainerNode()) {
                return false;
            }
        }
        return true;
    }

    private static RecordedRequest request(HttpMethod method, String path, JsonNode body)
            throws JsonProcessingException {
        Headers headers =
                Headers.builder().add("Content-Type", "application/json").build();
        return new RecordedRequest(
                method.name() + " " + path + " HTTP/1.1",
                method,
                path,
                headers,
                new Buffer().writeUtf8(JSON.writeValueAsString(body)));
    }
}
