package dev.switchboard.registry;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import java.util.function.Consumer;

/** Walks the keys matching a pattern with {@code SCAN} (never {@code KEYS}, which blocks Redis), a batch at a time. */
public final class RedisScan {
    private RedisScan() {}

    /**
     * @param redis   where to walk
     * @param pattern the keys' glob pattern
     * @param batch   the {@code COUNT} hint of each step
     * @param visit   given each key found (a key may come twice, as {@code SCAN} guarantees no more)
     * @return null, so that a walk can be a {@link RedisConnections#call} body
     */
    public static Void keys(RedisConnections redis, String pattern, int batch, Consumer<String> visit) {
        ScanArgs args = ScanArgs.Builder.matches(pattern).limit(batch);
        KeyScanCursor<String> cursor = redis.sync().scan(ScanCursor.INITIAL, args);
        while (true) {
            cursor.getKeys().forEach(visit);
            if (cursor.isFinished()) {
                return null;
            }
            cursor = redis.sync().scan(cursor, args);
        }
    }
}
