package dev.switchboard.operator.function;

import java.lang.reflect.Proxy;
import java.time.Clock;
import java.util.Optional;

import dev.switchboard.operator.Conditions;
import dev.switchboard.operator.model.ServerlessFunction;
import dev.switchboard.operator.model.ServerlessFunctionStatus;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.RetryInfo;

import org.junit.jupiter.api.Test;

import static dev.switchboard.operator.function.TestResources.function;
import static org.assertj.core.api.Assertions.assertThat;

/** An unexpected exception ends in a Ready=False status and further retries, never in silence. */
class ErrorStatusTest {
    private final ServerlessFunctionReconciler reconciler =
            new ServerlessFunctionReconciler(RedisRegistries.create(), Clock.systemUTC());

    @Test
    void reportsTheErrorAndLeavesRetryingToJosdkWhileItRetries() {
        var control = reconciler.updateErrorStatus(registeredFunction(), context(false), new IllegalStateException("boom"));

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
        var control = reconciler.updateErrorStatus(registeredFunction(), context(true), new IllegalStateException("boom"));

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

    /** A context that only knows its retry state, which is all {@code updateErrorStatus} asks. */
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
                    throw new UnsupportedOperationException(method.getName());
                });
    }
}
