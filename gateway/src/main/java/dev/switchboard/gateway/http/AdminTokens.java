package dev.switchboard.gateway.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The bearer tokens that open {@code /admin/*}: any number from {@code ADMIN_TOKEN} (comma-separated) and
 * from {@code ADMIN_TOKEN_FILE} (one per line, {@code #} comments), so a new token can be added before the
 * old one is removed. The file is re-read when it changes (a Kubernetes Secret mount is updated in
 * place), at most once a second. Only SHA-256 digests are kept, and a presented token is compared with
 * every one of them in constant time.
 */
public final class AdminTokens {
    private static final Logger LOGGER = Logger.getLogger(AdminTokens.class.getName());
    /** Shortest token accepted: a guessable token is no guard. */
    public static final int MIN_LENGTH = 16;
    private static final long RECHECK_NANOS = 1_000_000_000L;

    private final List<byte[]> fixed;
    private final Optional<Path> file;
    private volatile List<byte[]> fromFile = List.of();
    private volatile FileTime fileTime;
    private volatile long checkedAt;

    private AdminTokens(List<byte[]> fixed, Optional<Path> file) {
        this.fixed = fixed;
        this.file = file;
    }

    /**
     * @param tokens tokens from the environment
     * @param file   a file of tokens, if configured
     * @return the tokens
     * @throws IllegalArgumentException when a token is too short or the file cannot be read
     */
    public static AdminTokens of(List<String> tokens, Optional<Path> file) {
        List<byte[]> digests = new ArrayList<>();
        for (String token : tokens) {
            digests.add(digest(check(token, "ADMIN_TOKEN")));
        }
        AdminTokens admin = new AdminTokens(List.copyOf(digests), file);
        file.ifPresent(f -> admin.load(true));
        return admin;
    }

    /** @return whether no token is configured (the admin API is then open) */
    public boolean isEmpty() {
        return fixed.isEmpty() && file.isEmpty();
    }

    /**
     * @param presented the token a request presented
     * @return whether it is one of the configured tokens
     */
    public boolean accepts(String presented) {
        if (file.isPresent() && System.nanoTime() - checkedAt > RECHECK_NANOS) {
            load(false);
        }
        byte[] candidate = digest(presented);
        boolean match = false;
        for (byte[] token : fixed) {
            match |= MessageDigest.isEqual(token, candidate);
        }
        for (byte[] token : fromFile) {
            match |= MessageDigest.isEqual(token, candidate);
        }
        return match;
    }

    private synchronized void load(boolean atStart) {
        Path path = file.orElseThrow();
        checkedAt = System.nanoTime();
        try {
            FileTime modified = Files.getLastModifiedTime(path);
            if (!atStart && modified.equals(fileTime)) {
                return;
            }
            List<byte[]> digests = new ArrayList<>();
            for (String line : Files.readAllLines(path, StandardCharsets.UTF_8)) {
                String token = line.strip();
                if (!token.isEmpty() && !token.startsWith("#")) {
                    digests.add(digest(check(token, "ADMIN_TOKEN_FILE")));
                }
            }
            if (digests.isEmpty()) {
                throw new IllegalArgumentException("ADMIN_TOKEN_FILE: " + path + " holds no token");
            }
            fromFile = List.copyOf(digests);
            fileTime = modified;
        } catch (IOException | IllegalArgumentException e) {
            if (atStart) {
                throw e instanceof IllegalArgumentException iae ? iae
                        : new IllegalArgumentException("ADMIN_TOKEN_FILE: cannot read " + path + ": " + e.getMessage());
            }
            // keep the tokens read before: a half-written file must not lock operators out
            LOGGER.warning("ADMIN_TOKEN_FILE could not be re-read; keeping the previous tokens: " + e.getMessage());
        }
    }

    /**
     * @param token a token
     * @param key   the setting it came from, for the error
     * @return the token
     * @throws IllegalArgumentException when it is too short or holds spaces (the message never quotes it)
     */
    public static String check(String token, String key) {
        if (token.length() < MIN_LENGTH || token.chars().anyMatch(Character::isWhitespace)) {
            // never quote the token itself
            throw new IllegalArgumentException(key + ": every token needs at least " + MIN_LENGTH
                                                       + " characters and no spaces");
        }
        return token;
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
