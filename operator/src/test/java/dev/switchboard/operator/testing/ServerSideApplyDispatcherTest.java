package dev.switchboard.operator.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The test harness's server-side apply behaves as a real API server's does for one field manager. */
class ServerSideApplyDispatcherTest {
    private static TestApiServer api;
    private static KubernetesClient client;

    @BeforeAll
    static void start() {
        api = TestApiServer.start();
        client = api.client();
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    @Test
    void createsMergesReleasesDroppedFieldsAndWritesNothingWhenNothingChanged() {
        ConfigMap created = apply(Map.of("a", "1", "b", "2"), List.of("switchboard.dev/one"));
        assertThat(created.getData()).isEqualTo(Map.of("a", "1", "b", "2"));

        // unchanged: no write, so no new resourceVersion (and no watch event)
        ConfigMap again = apply(Map.of("a", "1", "b", "2"), List.of("switchboard.dev/one"));
        assertThat(again.getMetadata().getResourceVersion())
                .isEqualTo(created.getMetadata().getResourceVersion());

        // someone else's key and finalizer stay; the key this manager stops applying goes
        client.configMaps().inNamespace("ssa").withName("cm").edit(cm -> {
            cm.getData().put("theirs", "x");
            cm.getMetadata().getFinalizers().add("example.com/theirs");
            return cm;
        });
        ConfigMap changed = apply(Map.of("a", "10"), List.of("switchboard.dev/one"));
        assertThat(changed.getData()).isEqualTo(Map.of("a", "10", "theirs", "x"));
        assertThat(changed.getMetadata().getFinalizers())
                .containsExactlyInAnyOrder("switchboard.dev/one", "example.com/theirs");
        assertThat(changed.getMetadata().getResourceVersion())
                .isNotEqualTo(created.getMetadata().getResourceVersion());
    }

    private static ConfigMap apply(Map<String, String> data, List<String> finalizers) {
        ConfigMap desired = new ConfigMapBuilder()
                .withNewMetadata()
                .withNamespace("ssa")
                .withName("cm")
                .withFinalizers(finalizers)
                .endMetadata()
                .withData(data)
                .build();
        client.resource(desired).fieldManager("test").forceConflicts().serverSideApply();
        return client.configMaps().inNamespace("ssa").withName("cm").get();
    }
}
