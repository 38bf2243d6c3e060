package dev.switchboard.gateway.state;

import dev.switchboard.registry.RedisConnections;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A Lua script run by its digest ({@code EVALSHA}): Redis neither receives nor hashes the script's text on each
 * call. A server that does not know it yet (first use, a restart, another Cluster node, {@code SCRIPT FLUSH})
 * answers {@code NOSCRIPT}, and the call is made once with {@code EVAL}, which caches it there.
 */
final class RedisScript {
    private final String text;
    private final String digest;

    /** @param text the script */
    RedisScript(String text) {
        this.text = text;
        try {
            this.digest = HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is part of every JDK", e);
        }
    }

    /** @return the script's text */
    String text() {
        return text;
    }

    /**
     * Runs the script: one round trip, or two the first time a server sees it.
     *
     * @throws io.lettuce.core.RedisException as Lettuce's {@code eval} does
     */
    <T> T run(RedisConnections redis, ScriptOutputType type, String[] keys, String... args) {
        try {
            return redis.sync().evalsha(digest, type, keys, args);
        } catch (RedisNoScriptException e) {
            return redis.sync().eval(text, type, keys, args);
        }
    }

    /**
     * Sends the script without waiting for it: on the one command connection it goes out after every command
     * sent before it. A server that does not know it yet gets it once more with {@code EVAL}.
     *
     * @return the script's answer, or its failure
     */
    <T> java.util.concurrent.CompletionStage<T> send(
            RedisConnections redis, ScriptOutputType type, String[] keys, String... args) {
        return redis.async().<T>evalsha(digest, type, keys, args).exceptionallyCompose(failure -> {
            Throwable cause = failure instanceof java.util.concurrent.CompletionException c ? c.getCause() : failure;
            return cause instanceof RedisNoScriptException
                    ? redis.async().<T>eval(text, type, keys, args)
                    : java.util.concurrent.CompletableFuture.failedStage(cause);
        });
    }
}
