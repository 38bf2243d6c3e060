package dev.switchboard.operator.function;

import dev.switchboard.operator.model.FunctionHeader;
import dev.switchboard.operator.model.GatewayRef;
import dev.switchboard.operator.model.HeaderValueSource;
import dev.switchboard.operator.model.RedisSpec;
import dev.switchboard.operator.model.SecretKeyRef;
import dev.switchboard.operator.model.ServerlessFunction;
import dev.switchboard.operator.model.ServerlessFunctionSpec;
import dev.switchboard.operator.model.SseGateway;
import dev.switchboard.operator.model.SseGatewaySpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builders for the resources the tests create. */
final class TestResources {
    private TestResources() {}

    static SseGateway gateway(String namespace, String name, String redisUrl) {
        RedisSpec redis = new RedisSpec();
        redis.setUrl(redisUrl);
        return gateway(namespace, name, redis);
    }

    static SseGateway gatewayWithRedisSecret(String namespace, String name, String secret, String key) {
        RedisSpec redis = new RedisSpec();
        redis.setSecretRef(new SecretKeyRef(secret, key));
        return gateway(namespace, name, redis);
    }

    private static SseGateway gateway(String namespace, String name, RedisSpec redis) {
        SseGatewaySpec spec = new SseGatewaySpec();
        spec.setRedis(redis);
        SseGateway gateway = new SseGateway();
        gateway.setMetadata(
                new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
        gateway.setSpec(spec);
        return gateway;
    }

    static ServerlessFunction function(
            String namespace, String name, String gateway, String endpoint, FunctionHeader... headers) {
        ServerlessFunctionSpec spec = new ServerlessFunctionSpec();
        spec.setGatewayRef(new GatewayRef(gateway));
        spec.setEndpoint(endpoint);
        spec.setHeaders(List.of(headers));
        ServerlessFunction function = new ServerlessFunction();
        function.setMetadata(
                new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
        function.setSpec(spec);
        return function;
    }

    static FunctionHeader literal(String name, String value) {
        FunctionHeader header = new FunctionHeader();
        header.setName(name);
        header.setValue(value);
        return header;
    }

    static FunctionHeader fromSecret(String name, String secret, String key) {
        FunctionHeader header = new FunctionHeader();
        header.setName(name);
        header.setValueFrom(new HeaderValueSource(new SecretKeyRef(secret, key)));
        return header;
    }

    /** A Secret as the API server returns it: values base64-encoded in {@code data}. */
    static Secret secret(String namespace, String name, Map<String, String> values) {
        return new SecretBuilder()
                .withMetadata(new ObjectMetaBuilder()
                        .withNamespace(namespace)
                        .withName(name)
                        .build())
                .withData(encode(values))
                .build();
    }

    static Map<String, String> encode(Map<String, String> values) {
        Map<String, String> data = new LinkedHashMap<>();
        values.forEach((k, v) -> data.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
        return data;
    }
}
