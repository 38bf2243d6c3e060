package dev.switchboard.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.switchboard.registry.ClientAuth;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiKeysTest {
    @TempDir
    Path dir;

    private static String digest(String key) throws Exception {
        return HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aKeyProvesItsName() throws Exception {
        ApiKeys keys = ApiKeys.of(
                List.of(
                        "alice:" + digest("key-of-alice"),
                        "bob:" + digest("key-of-bob").toUpperCase()),
                Optional.empty());
        assertThat(keys.identify("key-of-alice")).contains(new Identity(ClientAuth.API_KEY, "alice", ""));
        assertThat(keys.identify("key-of-bob")).map(Identity::subject).contains("bob");
        assertThat(keys.identify("key-of-carol")).isEmpty();
        assertThat(keys.identify(digest("key-of-alice")))
                .as("the digest is not the key")
                .isEmpty();
    }

    @Test
    void anEntryMayEndWithTheKeysTopicGrants() throws Exception {
        ApiKeys keys = ApiKeys.of(
                List.of("feed:" + digest("feed-key") + ":publish=news|room:*;subscribe=news"), Optional.empty());
        Identity feed = keys.identify("feed-key").orElseThrow();
        assertThat(feed.grants().mayPublish("room:1")).isTrue();
        assertThat(feed.grants().maySubscribe("room:1")).isFalse();
        assertThat(feed.sameAs(new Identity(ClientAuth.API_KEY, "feed", ""))).isTrue();
        assertThatThrownBy(() ->
                        ApiKeys.of(List.of("feed:" + digest("feed-key") + ":write=secret-topic"), Optional.empty()))
                .hasMessageStartingWith("API_KEYS: entry 1")
                .hasMessageNotContaining("secret-topic");
    }

    @Test
    void malformedEntriesAreRefusedWithoutQuotingThem() {
        assertThatThrownBy(() -> ApiKeys.of(List.of("alice:plain-secret-value"), Optional.empty()))
                .hasMessageStartingWith("API_KEYS: entry 1")
                .hasMessageNotContaining("plain-secret-value");
        assertThatThrownBy(() -> ApiKeys.of(List.of("al ice:" + "a".repeat(64)), Optional.empty()))
                .hasMessageStartingWith("API_KEYS:");
        assertThatThrownBy(() -> ApiKeys.of(List.of(), Optional.of(Path.of("/nonexistent/keys"))))
                .hasMessageStartingWith("API_KEYS_FILE: cannot read");
    }

    @Test
    void theFileIsReadAgainWhenItChangesAndABrokenRewriteKeepsTheOldKeys() throws Exception {
        Path file = dir.resolve("keys");
        Files.writeString(file, "# rotated monthly\nalice:" + digest("first-key") + "\n");
        ApiKeys keys = ApiKeys.of(List.of(), Optional.of(file));
        assertThat(keys.identify("first-key")).isPresent();

        Files.writeString(file, "alice:" + digest("second-key") + "\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
        await().atMost(java.time.Duration.ofSeconds(5))
                .until(() -> keys.identify("second-key").isPresent());
        assertThat(keys.identify("first-key")).isEmpty();

        Files.writeString(file, "alice:half-writ");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(10)));
        Thread.sleep(1100);
        assertThat(keys.identify("second-key")).as("kept").isPresent();
    }
}
