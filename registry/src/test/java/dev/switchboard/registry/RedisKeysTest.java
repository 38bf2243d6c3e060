package dev.switchboard.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.cluster.SlotHash;
import org.junit.jupiter.api.Test;

class RedisKeysTest {
    @Test
    void anMcpSessionsRecordAndStreamLogsShareOneClusterSlot() {
        int slot = SlotHash.getSlot(RedisKeys.mcpSession("s3ss10n"));

        assertThat(SlotHash.getSlot(RedisKeys.clientEvents("mcp:s3ss10n:g"))).isEqualTo(slot);
        assertThat(SlotHash.getSlot(RedisKeys.clientEvents("mcp:s3ss10n:l"))).isEqualTo(slot);
        assertThat(SlotHash.getSlot(RedisKeys.clientEvents("mcp:s3ss10n:answer:sb-7")))
                .isEqualTo(slot);
        assertThat(RedisKeys.clientEvents("mcp:s3ss10n:g")).isEqualTo("switchboard:{mcp:s3ss10n}:events:g");
        // the set of replicas its signals go to is read and written by the session's own scripts
        assertThat(SlotHash.getSlot(RedisKeys.mcpSessionReplicas("s3ss10n"))).isEqualTo(slot);
        assertThat(SlotHash.getSlot(RedisKeys.mcpSubscriptions("s3ss10n"))).isEqualTo(slot);
    }

    @Test
    void aGenericClientsLogIsTaggedByItsId() {
        assertThat(RedisKeys.clientEvents("user-1")).isEqualTo("switchboard:{client:user-1}:events");
        assertThat(SlotHash.getSlot(RedisKeys.clientEvents("user-1"))).isEqualTo(SlotHash.getSlot("{client:user-1}"));
    }

    @Test
    void aTopicsLogAndEveryLogsPublishIdsShareTheLogsSlot() {
        assertThat(RedisKeys.clientEvents("topic:room:1")).isEqualTo("switchboard:{topic:room:1}:events");
        assertThat(SlotHash.getSlot(RedisKeys.publishedId("topic:room:1", "msg-1")))
                .isEqualTo(SlotHash.getSlot(RedisKeys.clientEvents("topic:room:1")));
        assertThat(SlotHash.getSlot(RedisKeys.publishedId("user-1", "p-1")))
                .isEqualTo(SlotHash.getSlot(RedisKeys.clientEvents("user-1")));
        assertThat(SlotHash.getSlot(RedisKeys.publishedId("mcp:s3ss10n:g", "p-1")))
                .isEqualTo(SlotHash.getSlot(RedisKeys.mcpSession("s3ss10n")));
    }

    @Test
    void theFunctionRegistryAndItsRevisionShareOneSlot() {
        assertThat(SlotHash.getSlot(RedisKeys.FUNCTIONS)).isEqualTo(SlotHash.getSlot(RedisKeys.FUNCTIONS_REVISION));
    }
}
