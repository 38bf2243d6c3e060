package dev.switchboard.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.gateway.auth.AuthSettings;
import dev.switchboard.gateway.http.ApiException;
import dev.switchboard.gateway.http.ErrorHandling;
import dev.switchboard.gateway.http.Json;
import dev.switchboard.gateway.invoke.EgressPolicy;
import dev.switchboard.gateway.invoke.FunctionCatalog;
import dev.switchboard.gateway.invoke.FunctionHealth;
import dev.switchboard.registry.EgressRules;
import dev.switchboard.registry.FunctionRegistration;
import dev.switchboard.registry.FunctionStore;
import dev.switchboard.registry.InvalidRegistrationException;
import dev.switchboard.registry.Namespaces;
import dev.switchboard.registry.RegistrationCodec;
import dev.switchboard.registry.RegistrationValidator;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Clock;
import java.util.Map;

/**
 * {@code /admin/functions}: register, list, read, replace and delete the functions of this gateway's namespace
 * (its {@code GATEWAY_NAMESPACE}; the default namespace without one). Header values are masked.
 */
public final class AdminFunctionsService implements HttpService {
    private final FunctionStore store;
    private final EgressPolicy egress;
    private final FunctionCatalog catalog;
    private final FunctionHealth health;
    private final long maxBodySize;
    private final Clock clock;
    private final AuthSettings auth;

    /**
     * @param store       where registrations are written: the store of this gateway's namespace
     * @param catalog     this replica's cache, updated at once
     * @param health      health status to show
     * @param maxBodySize largest request body
     * @param clock       time source
     * @param egress      where functions may be called: a registration it refuses is refused here already
     * @param auth        the client credentials this gateway can check
     */
    public AdminFunctionsService(
            FunctionStore store,
            FunctionCatalog catalog,
            FunctionHealth health,
            long maxBodySize,
            Clock clock,
            EgressPolicy egress,
            AuthSettings auth) {
        this.auth = auth;
        this.egress = egress;
        this.store = store;
        this.catalog = catalog;
        this.health = health;
        this.maxBodySize = maxBodySize;
        this.clock = clock;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/", this::create)
                .get("/", this::list)
                .any("/", ErrorHandling.methodNotAllowed("GET, POST"))
                .get("/{name}", this::get)
                .put("/{name}", this::replace)
                .delete("/{name}", this::delete)
                .any("/{name}", ErrorHandling.methodNotAllowed("GET, PUT, DELETE"));
    }

    private void create(ServerRequest req, ServerResponse res) {
        ObjectNode body = Json.readObject(req, maxBodySize);
        unmask(body, Map::of); // nothing is stored yet: a masked value is no value
        FunctionRegistration registration = validate(body);
        FunctionRegistration stored = store.create(registration)
                .orElseThrow(() -> new ApiException(
                        Status.CONFLICT_409,
                        "FUNCTION_EXISTS",
                        "function '" + registration.name() + "' already exists"));
        catalog.put(stored);
        Json.send(res, Status.CREATED_201, answer(stored));
    }

    private void list(ServerRequest req, ServerResponse res) {
        ObjectNode body = Json.object();
        body.put("success", true);
        ArrayNode functions = body.putArray("functions");
        store.list().forEach(fn -> functions.add(describe(fn)));
        body.put("count", functions.size());
        Json.send(res, Status.OK_200, body);
    }

    private void get(ServerRequest req, ServerResponse res) {
        String name = req.path().pathParameters().get("name");
        FunctionRegistration fn = store.get(name).orElseThrow(() -> notFound(name));
        Json.send(res, Status.OK_200, answer(fn));
    }

    private void replace(ServerRequest req, ServerResponse res) {
        String name = req.path().pathParameters().get("name");
        ObjectNode body = Json.readObject(req, maxBodySize);
        if (!body.hasNonNull("name")) {
            body.put("name", name);
        } else if (!name.equals(body.get("name").asText())) {
            throw new ApiException(
                    Status.BAD_REQUEST_400,
                    "INVALID_FUNCTION",
                    "name: must match the name in the path",
                    Map.of("field", "name"));
        }
        unmask(body, () -> store.get(name).map(FunctionRegistration::headers).orElse(Map.of()));
        FunctionRegistration stored = store.replace(validate(body)).orElseThrow(() -> notFound(name));
        catalog.put(stored);
        Json.send(res, Status.OK_200, answer(stored));
    }

    private void delete(ServerRequest req, ServerResponse res) {
        String name = req.path().pathParameters().get("name");
        if (!store.delete(name)) {
            throw notFound(name);
        }
        catalog.remove(name);
        ObjectNode body = Json.object();
        body.put("success", true);
        body.put("deleted", name);
        Json.send(res, Status.OK_200, body);
    }

    /**
     * A client that GETs a registration, edits it and PUTs it back sends the masked header values: those mean
     * "keep the stored value", never the literal mask.
     */
    private void unmask(ObjectNode body, java.util.function.Supplier<Map<String, String>> storedHeaders) {
        JsonNode headers = body.get("headers");
        if (headers == null || !headers.isObject()) {
            return;
        }
        Map<String, String> stored = null;
        for (Map.Entry<String, JsonNode> h : headers.properties()) {
            if (!RegistrationCodec.MASK.equals(h.getValue().asText())) {
                continue;
            }
            if (stored == null) {
                stored = storedHeaders.get();
            }
            String value = stored.get(h.getKey());
            if (value == null) {
                throw new ApiException(
                        Status.BAD_REQUEST_400,
                        "INVALID_FUNCTION",
                        "headers." + h.getKey() + ": masked value given for a header that is not stored",
                        Map.of("field", "headers." + h.getKey()));
            }
            ((ObjectNode) headers).put(h.getKey(), value);
        }
    }

    private FunctionRegistration validate(ObjectNode body) {
        FunctionRegistration registration;
        try {
            registration = RegistrationValidator.validate(body, clock.instant());
        } catch (InvalidRegistrationException e) {
            throw new ApiException(
                    Status.BAD_REQUEST_400, "INVALID_FUNCTION", e.getMessage(), Map.of("field", e.field()));
        }
        try {
            egress.resolve(registration.endpoint().getHost());
        } catch (EgressRules.EgressRefusedException e) {
            throw new ApiException(
                    Status.BAD_REQUEST_400,
                    "INVALID_FUNCTION",
                    "endpoint: " + e.getMessage(),
                    Map.of("field", "endpoint"));
        } catch (java.net.UnknownHostException e) {
            // not resolvable yet (a Service about to exist): every call checks again
        }
        if (!auth.canCheck(registration.auth())) {
            // every call would be refused: say so now
            throw new ApiException(
                    Status.BAD_REQUEST_400,
                    "INVALID_FUNCTION",
                    "auth: this gateway is not configured " + "to check "
                            + registration.auth().wireName() + " credentials",
                    Map.of("field", "auth"));
        }
        return registration;
    }

    private ObjectNode answer(FunctionRegistration fn) {
        ObjectNode body = Json.object();
        body.put("success", true);
        body.set("function", describe(fn));
        return body;
    }

    private ObjectNode describe(FunctionRegistration fn) {
        ObjectNode json = RegistrationCodec.toJson(fn, true);
        if (!Namespaces.isDefault(store.namespace())) {
            json.put("namespace", store.namespace());
        }
        json.put("is_active", health.isActive(fn.name()));
        json.put("health_status", health.status(fn.name()).name().toLowerCase());
        health.lastCheck(fn.name())
                .ifPresentOrElse(
                        t -> json.put("last_health_check", t.toString()), () -> json.putNull("last_health_check"));
        return json;
    }

    private static ApiException notFound(String name) {
        return new ApiException(
                Status.NOT_FOUND_404, "FUNCTION_NOT_FOUND", "function '" + name + "' is not registered");
    }
}
