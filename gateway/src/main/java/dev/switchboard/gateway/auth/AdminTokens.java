package dev.switchboard.gateway.auth;

import dev.switchboard.gateway.files.WatchedFile;
import dev.switchboard.registry.settings.AdminTokenRule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
    public static final int MIN_LENGTH = AdminTokenRule.MIN_LENGTH;

    private final List<byte[]> fixed;
    private final Optional<WatchedFile> file;
    private volatile List<byte[]> fromFile = List.of();

    private AdminTokens(List<byte[]> fixed, Optional<WatchedFile> file) {
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
        AdminTokens admin = new AdminTokens(List.copyOf(digests), file.map(WatchedFile::new));
        admin.file.ifPresent(f -> {
            try {
                admin.fromFile = parse(f.read(), f.path());
            } catch (IOException e) {
                throw new IllegalArgumentException("ADMIN_TOKEN_FILE: cannot read " + f.path() + ": " + e.getMessage());
            }
        });
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
        file.ifPresent(this::reload);
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

    private void reload(WatchedFile f) {
        try {
            f.readIfChanged().ifPresent(entries -> fromFile = parse(entries, f.path()));
        } catch (IOException | IllegalArgumentException e) {
            // keep the tokens read before: a half-written file must not lock operators out
            LOGGER.warning("ADMIN_TOKEN_FILE could not be re-read; keeping the previous tokens: " + e.getMessage());
        }
    }

    private static List<byte[]> parse(List<String> entries, Path path) {
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("ADMIN_TOKEN_FILE: " + path + " holds no token");
        }
        return entries.stream()
                .map(token -> digest(check(token, "ADMIN_TOKEN_FILE")))
                .toList();
    }

    /**
     * @param token a token
     * @param key   the setting it came from, for the error
     * @return the token
     * @throws IllegalArgumentException when it is too short or holds spaces (the message never quotes it)
     */
    public static String check(String token, String key) {
        return AdminTokenRule.check(token, key); // the rule ADMIN_TOKEN is checked by in the catalogue
    }

    /**
     * @param token a token or key
     * @return its SHA-256 digest
     */
    public static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
