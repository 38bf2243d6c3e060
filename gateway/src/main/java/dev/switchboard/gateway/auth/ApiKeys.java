package dev.switchboard.gateway.auth;

import dev.switchboard.gateway.files.WatchedFile;
import dev.switchboard.registry.ClientAuth;
import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Static client API keys, held only as SHA-256 digests: entries {@code <name>:<sha256 hex of the key>}
 * from {@code API_KEYS} (comma-separated) and {@code API_KEYS_FILE} (one per line, re-read when it
 * changes). The name becomes the caller's subject. A presented key is digested and compared with every
 * entry in constant time. An entry may end with the key's topic grants,
 * {@code <name>:<sha256>:publish=<patterns>;subscribe=<patterns>} ({@link TopicGrants#parse}): a key with a
 * publish grant is a publisher credential.
 */
public final class ApiKeys {
    private static final Logger LOGGER = Logger.getLogger(ApiKeys.class.getName());
    /** An entry: a subject name, a colon, 64 hex digits. */
    private static final Pattern ENTRY = Pattern.compile("([A-Za-z0-9._@-]{1,128}):([0-9A-Fa-f]{64})(?::(.*))?");

    private record Key(String name, byte[] digest, TopicGrants grants) {}

    private final List<Key> fixed;
    private final Optional<WatchedFile> file;
    private volatile List<Key> fromFile = List.of();

    private ApiKeys(List<Key> fixed, Optional<WatchedFile> file) {
        this.fixed = fixed;
        this.file = file;
    }

    /**
     * @param entries entries from the environment
     * @param file    a file of entries, if configured
     * @return the keys
     * @throws IllegalArgumentException naming the setting when an entry is malformed or the file unreadable
     */
    public static ApiKeys of(List<String> entries, Optional<Path> file) {
        ApiKeys keys = new ApiKeys(parse(entries, "API_KEYS"), file.map(WatchedFile::new));
        keys.file.ifPresent(f -> {
            try {
                keys.fromFile = parse(f.read(), "API_KEYS_FILE");
            } catch (IOException e) {
                throw new IllegalArgumentException("API_KEYS_FILE: cannot read " + f.path() + ": " + e.getMessage());
            }
        });
        return keys;
    }

    /**
     * @param entries entries
     * @param key     the setting they came from, for the error
     * @return the parsed keys
     * @throws IllegalArgumentException when one is malformed (the message gives its position, never its text)
     */
    static List<Key> parse(List<String> entries, String key) {
        List<Key> keys = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            Matcher m = ENTRY.matcher(entries.get(i));
            if (!m.matches()) {
                throw new IllegalArgumentException(key + ": entry " + (i + 1) + " is not <name>:<sha256 hex of the "
                        + "key>[:<grants>] (name of letters, digits and ._@-; the digest of 64 hex digits)");
            }
            TopicGrants grants;
            try {
                grants = m.group(3) == null ? TopicGrants.NONE : TopicGrants.parse(m.group(3));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(key + ": entry " + (i + 1) + ": " + e.getMessage());
            }
            keys.add(new Key(m.group(1), HexFormat.of().parseHex(m.group(2).toLowerCase()), grants));
        }
        return List.copyOf(keys);
    }

    /** @return whether any key is configured */
    public boolean isEmpty() {
        return fixed.isEmpty() && file.isEmpty();
    }

    /**
     * @param presented a key a request presented
     * @return the identity it proves, or empty when it is no configured key
     */
    public Optional<Identity> identify(String presented) {
        file.ifPresent(this::reload);
        byte[] candidate = AdminTokens.digest(presented);
        Key found = null;
        // every entry is compared, so the time taken does not tell which one matched
        for (List<Key> keys : List.of(fixed, fromFile)) {
            for (Key key : keys) {
                if (MessageDigest.isEqual(key.digest(), candidate) && found == null) {
                    found = key;
                }
            }
        }
        return Optional.ofNullable(found).map(key -> new Identity(ClientAuth.API_KEY, key.name(), "", key.grants()));
    }

    private void reload(WatchedFile f) {
        try {
            f.readIfChanged().ifPresent(entries -> fromFile = parse(entries, "API_KEYS_FILE"));
        } catch (IOException | IllegalArgumentException e) {
            // keep the keys read before: a half-written file must not lock every client out
            LOGGER.warning("API_KEYS_FILE could not be re-read; keeping the previous keys: " + e.getMessage());
        }
    }
}
