package dev.switchboard.gateway.trace;

import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Locale;

/**
 * A client span for each Redis command the gateway sends while a traced request is current ({@code HGET},
 * {@code EVAL}, ...: the command's name, never its keys or values). Every store reaches Redis through the one
 * synchronous command interface of {@link dev.switchboard.registry.RedisConnections}, so wrapping it here traces
 * them all. Lettuce's own hook ({@code ClientResources.tracing}) was not used: it opens its spans on the Netty
 * event loop, where the caller's context is gone for synchronous commands (it finds parents only in the
 * reactive API's subscriber context), so its spans would start traces of their own instead of joining the
 * request's. Commands outside any traced request (heartbeats, directory refreshes, the monitoring snapshot) get
 * no span: they would only flood the collector with one-span traces.
 */
public final class TracedRedisCommands implements InvocationHandler {
    private final RedisClusterCommands<String, String> target;
    private final GatewayTracing tracing;

    private TracedRedisCommands(RedisClusterCommands<String, String> target, GatewayTracing tracing) {
        this.target = target;
        this.tracing = tracing;
    }

    /**
     * @param commands the commands to trace
     * @param tracing  the gateway's tracing
     * @return the commands themselves when tracing is off, else a tracing wrapper
     */
    @SuppressWarnings("unchecked")
    public static RedisClusterCommands<String, String> wrap(
            RedisClusterCommands<String, String> commands, GatewayTracing tracing) {
        if (!tracing.enabled()) {
            return commands;
        }
        // the wrapper offers every interface the connection's commands offer (standalone or Cluster)
        java.util.Set<Class<?>> interfaces = new java.util.LinkedHashSet<>();
        interfaces.add(RedisClusterCommands.class);
        interfaces.addAll(java.util.List.of(commands.getClass().getInterfaces()));
        return (RedisClusterCommands<String, String>) Proxy.newProxyInstance(
                TracedRedisCommands.class.getClassLoader(),
                interfaces.toArray(Class<?>[]::new),
                new TracedRedisCommands(commands, tracing));
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        if (method.getDeclaringClass() == Object.class) {
            return switch (method.getName()) {
                case "equals" -> proxy == args[0];
                case "hashCode" -> System.identityHashCode(proxy);
                default -> "traced " + target;
            };
        }
        Span span = tracing.child("redis " + method.getName().toUpperCase(Locale.ROOT), SpanKind.CLIENT);
        if (!span.getSpanContext().isValid()) {
            return call(method, args);
        }
        span.setAttribute("db.system.name", "redis");
        span.setAttribute("db.operation.name", method.getName().toUpperCase(Locale.ROOT));
        try (Scope ignored = span.makeCurrent()) {
            return call(method, args);
        } catch (RuntimeException | Error e) {
            span.setStatus(StatusCode.ERROR, e.getClass().getSimpleName());
            throw e;
        } finally {
            span.end();
        }
    }

    private Object call(Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
