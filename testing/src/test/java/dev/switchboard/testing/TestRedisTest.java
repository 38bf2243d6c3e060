package dev.switchboard.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TestRedisTest {

    @Test
    void sharedAnswersPingAndIsASingleton() {
        TestRedis redis = TestRedis.shared();

        assertThat(redis.command("PING")).isEqualTo("+PONG");
        assertThat(redis.isUp()).isTrue();
        assertThat(TestRedis.shared()).isSameAs(redis);
        assertThat(redis.url()).startsWith("redis://").contains(redis.address());
    }

    @Test
    void setThenGetAndFlush() {
        TestRedis redis = TestRedis.shared();
        redis.flush();

        assertThat(redis.command("SET", "k", "v")).isEqualTo("+OK");
        assertThat(redis.command("GET", "k")).isEqualTo("v");
        assertThat(redis.command("DBSIZE")).isEqualTo(":1");

        redis.flush();

        assertThat(redis.command("DBSIZE")).isEqualTo(":0");
        assertThat(redis.command("GET", "k")).isNull();
    }

    @Test
    void privateServerStopsAndRestartsOnTheSamePort() {
        try (TestRedis redis = TestRedis.startPrivate()) {
            int port = redis.port();
            assertThat(redis.isUp()).isTrue();
            assertThat(redis.port()).isNotEqualTo(TestRedis.shared().port());
            redis.command("SET", "k", "v");

            redis.stop();
            assertThat(redis.isUp()).isFalse();
            assertThatThrownBy(() -> redis.command("PING"))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(redis.address());

            redis.start();
            assertThat(redis.isUp()).isTrue();
            assertThat(redis.port()).isEqualTo(port);
            // nothing is kept on disk: the restarted server is empty
            assertThat(redis.command("DBSIZE")).isEqualTo(":0");
        }
    }

    @Test
    void freePortIsBindable() throws Exception {
        int port = TestRedis.freePort();
        assertThat(port).isBetween(1, 65535);
        try (java.net.ServerSocket socket =
                new java.net.ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
            assertThat(socket.getLocalPort()).isEqualTo(port);
        }
    }
}
