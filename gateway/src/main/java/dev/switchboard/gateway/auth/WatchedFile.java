package dev.switchboard.gateway.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Optional;

/**
 * A file of secrets that may change while the gateway runs (a Kubernetes Secret mount is updated in
 * place): its entries are re-read when its modification time moves, looked at most once a second.
 * Entries are its lines, stripped, without blanks and {@code #} comments.
 */
public final class WatchedFile {
    private static final long RECHECK_NANOS = 1_000_000_000L;
    private final Path path;
    private volatile FileTime readAt;
    private volatile long checkedAt = System.nanoTime();

    /** @param path the file */
    public WatchedFile(Path path) {
        this.path = path;
    }

    /** @return the file */
    public Path path() {
        return path;
    }

    /**
     * Reads the file now.
     *
     * @return its entries
     * @throws IOException when it cannot be read
     */
    public synchronized List<String> read() throws IOException {
        checkedAt = System.nanoTime();
        FileTime modified = Files.getLastModifiedTime(path);
        List<String> entries = Files.readAllLines(path, StandardCharsets.UTF_8).stream()
                .map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                .toList();
        readAt = modified;
        return entries;
    }

    /**
     * @return the entries when the file changed since it was last read (and a second has passed since the
     *         last look), else empty
     * @throws IOException when it changed but cannot be read
     */
    public Optional<List<String>> readIfChanged() throws IOException {
        if (System.nanoTime() - checkedAt < RECHECK_NANOS) {
            return Optional.empty();
        }
        synchronized (this) {
            checkedAt = System.nanoTime();
            if (Files.getLastModifiedTime(path).equals(readAt)) {
                return Optional.empty();
            }
            return Optional.of(read());
        }
    }
}
