package dev.switchboard.operator.testing;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.File;
import java.nio.file.Path;
import java.util.HashMap;

/**
 * fabric8's CRUD mock API server with server-side apply ({@link ServerSideApplyDispatcher}) and the checked-in
 * CRDs installed, so that status is a subresource, as in a cluster.
 */
public final class TestApiServer implements AutoCloseable {
    private final KubernetesMockServer server;
    private final KubernetesClient client;

    private TestApiServer(KubernetesMockServer server) {
        this.server = server;
        this.client = server.createClient();
    }

    /** @return a started server with Switchboard's CRDs */
    public static TestApiServer start() {
        KubernetesMockServer server = new KubernetesMockServer(
                new Context(), new MockWebServer(), new HashMap<>(), new ServerSideApplyDispatcher(), true);
        server.init();
        TestApiServer api = new TestApiServer(server);
        for (File crd : Path.of("..", "crds").toFile().listFiles((dir, name) -> name.endsWith(".yml"))) {
            // createOr: on a loaded machine the client may retry a slow create, which then meets its own first try
            api.client
                    .resource(api.client
                            .apiextensions()
                            .v1()
                            .customResourceDefinitions()
                            .load(crd)
                            .item())
                    .createOr(io.fabric8.kubernetes.client.dsl.NonDeletingOperation::update);
        }
        return api;
    }

    /** @return a client of this server */
    public KubernetesClient client() {
        return client;
    }

    @Override
    public void close() {
        client.close();
        server.destroy();
    }
}
