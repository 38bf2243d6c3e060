package dev.switchboard.operator.function;

import static dev.switchboard.operator.function.TestResources.function;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.operator.Conditions;
import dev.switchboard.operator.model.ServerlessFunction;
import dev.switchboard.operator.model.ServerlessFunctionStatus;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.RetryInfo;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** An unexpected exception ends in a Ready=False status and further retries, never in silence. */
class ErrorStatusTest {
    private final ServerlessFunctionReconciler reconciler =
            new ServerlessFunctionReconciler(RedisRegistries.create(), Clock.systemUTC());

    @Test
    void reportsTheErrorAndLeavesRetryingToJosdkWhileItRetries() {
        var control =
                reconciler.updateErrorStatus(registeredFunction(), context(false), new IllegalStateException("boom"));

        assertThat(control.isNoRetry()).isFalse();
        ServerlessFunctionStatus status = control.getResource().orElseThrow().getStatus();
        var ready = Conditions.find(status.getConditions(), Conditions.READY).orElseThrow();
        assertThat(ready.getStatus()).isEqualTo("False");
        assertThat(ready.getReason()).isEqualTo(Reasons.RECONCILE_ERROR);
        assertThat(ready.getMessage()).isEqualTo("IllegalStateException: boom");
        assertThat(status.getRegisteredRevision()).isEqualTo(7L);
    }

    @Test
    void keepsRetryingAfterJosdksLastAttempt() {
        var control =
                reconciler.updateErrorStatus(registeredFunction(), context(true), new IllegalStateException("boom"));

        assertThat(control.isNoRetry()).isTrue();
        assertThat(control.getScheduleDelay()).contains(Backoff.MAX.toMillis());
    }

    private static ServerlessFunction registeredFunction() {
        ServerlessFunction fn = function("ns", "fn", "gw", "http://f.example/");
        fn.getMetadata().setGeneration(2L);
        ServerlessFunctionStatus status = new ServerlessFunctionStatus();
        status.setRegisteredRevision(7L);
        fn.setStatus(status);
        return fn;
    }

    /** Where the Ready event goes: nowhere, which must not change the outcome. */
    private static final KubernetesClient UNREACHABLE_API_SERVER = new KubernetesClientBuilder()
            .withConfig(new ConfigBuilder()
                    .withMasterUrl("http://127.0.0.1:1")
                    .withRequestRetryBackoffLimit(0)
                    .build())
            .build();

    /** A context that knows its retry state and a client of an unreachable API server. */
    @SuppressWarnings("unchecked")
    private static Context<ServerlessFunction> context(boolean lastAttempt) {
        RetryInfo retry = new RetryInfo() {
            @Override
            public int getAttemptCount() {
                return lastAttempt ? 5 : 1;
            }

            @Override
            public boolean isLastAttempt() {
                return lastAttempt;
            }
        };
        return (Context<ServerlessFunction>) Proxy.newProxyInstance(
                Context.class.getClassLoader(), new Class<?>[] {Context.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getRetryInfo")) {
                        return Optional.of(retry);
                    }
                    if (method.getName().equals("getClient")) {
                        return UNREACHABLE_API_SERVER;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }
}
