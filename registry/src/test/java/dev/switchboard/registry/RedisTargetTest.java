package dev.switchboard.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RedisTargetTest {
    @Test
    void aRedisUrlIsOneStandaloneServer() {
        RedisTarget target = RedisTarget.parse("redis://:pw@10.0.0.5:6380/2");

        assertThat(target.cluster()).isFalse();
        assertThat(target.seeds()).singleElement().satisfies(uri -> {
            assertThat(uri.getHost()).isEqualTo("10.0.0.5");
            assertThat(uri.getPort()).isEqualTo(6380);
            assertThat(uri.getDatabase()).isEqualTo(2);
        });
    }

    @Test
    void aSentinelUrlKeepsItsSentinelsAndMasterName() {
        RedisTarget target = RedisTarget.parse("redis-sentinel://10.0.0.1:26379,10.0.0.2:26379/0#mymaster");

        assertThat(target.cluster()).isFalse();
        assertThat(target.seeds().getFirst().getSentinels()).hasSize(2);
        assertThat(target.seeds().getFirst().getSentinelMasterId()).isEqualTo("mymaster");
    }

    @Test
    void aClusterUrlListsEverySeedWithTheSharedCredentials() {
        RedisTarget target = RedisTarget.parse("redis-cluster://:s3cret@10.0.0.1:7000, 10.0.0.2:7001,host-c:7002");

        assertThat(target.cluster()).isTrue();
        assertThat(target.seeds())
                .extracting(uri -> uri.getHost() + ":" + uri.getPort())
                .containsExactly("10.0.0.1:7000", "10.0.0.2:7001", "host-c:7002");
        assertThat(target.seeds())
                .allSatisfy(uri -> assertThat(uri.getCredentialsProvider()
                                .resolveCredentials()
                                .block()
                                .getPassword())
                        .containsExactly("s3cret".toCharArray()));
        assertThat(target.display())
                .isEqualTo("cluster[10.0.0.1:7000,10.0.0.2:7001,host-c:7002]")
                .doesNotContain("s3cret");
    }

    @Test
    void aTlsClusterUrlUsesTlsForEverySeed() {
        RedisTarget target = RedisTarget.parse("rediss-cluster://a:7000,b:7000?timeout=5s");

        assertThat(target.seeds())
                .hasSize(2)
                .allSatisfy(uri -> assertThat(uri.isSsl()).isTrue());
    }

    @Test
    void refusesWhatIsNotARedisUrlWithoutQuotingIt() {
        assertThatThrownBy(() -> RedisTarget.parse("http://:hunter2@example:80"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("redis-cluster://")
                .message()
                .doesNotContain("hunter2");
        assertThatThrownBy(() -> RedisTarget.parse("redis-cluster://a:1,,b:2"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty seed");
        assertThatThrownBy(() -> RedisTarget.parse(" ")).isInstanceOf(IllegalArgumentException.class);
        // no host: Lettuce's builder throws IllegalStateException, which must not escape as a stack trace
        assertThatThrownBy(() -> RedisTarget.parse("redis://:hunter2@?db=1"))
                .isInstanceOf(IllegalArgumentException.class)
                .message()
                .doesNotContain("hunter2");
    }
}
