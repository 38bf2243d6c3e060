package dev.switchboard.gateway.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TestGatewaysTest {
    @Test
    void aTestsOwnSettingsComeAfterTheLocalOnesAndReplaceThem() {
        assertThat(TestGateways.local("SHUTDOWN_GRACE", "0s", "REPLICA_ID", "a"))
                .containsEntry("HOST", "127.0.0.1")
                .containsEntry("PORT", "0")
                .containsEntry("ADMIN_PORT", "0")
                .containsEntry("SHUTDOWN_GRACE", "0s")
                .containsEntry("REPLICA_ID", "a")
                .doesNotContainKey("FUNCTION_ALLOWED_NETWORKS");
        assertThat(TestGateways.callingLoopback("FUNCTION_ALLOWED_NETWORKS", "10.0.0.0/8"))
                .containsEntry("FUNCTION_ALLOWED_NETWORKS", "10.0.0.0/8");
        assertThat(TestGateways.callingLoopback()).containsEntry("FUNCTION_ALLOWED_NETWORKS", "127.0.0.0/8");
    }

    @Test
    void aMissingValueOrASettingGivenTwiceIsRefused() {
        assertThatThrownBy(() -> TestGateways.local("PORT"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pairs");
        assertThatThrownBy(() -> TestGateways.local("REPLICA_ID", "a", "REPLICA_ID", "b"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("REPLICA_ID");
    }
}
