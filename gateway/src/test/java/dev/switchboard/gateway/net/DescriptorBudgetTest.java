package dev.switchboard.gateway.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The listeners' caps stay below the descriptor limit, less what is open and the reserve. */
class DescriptorBudgetTest {
    @Test
    void theCapsShareWhatTheLimitLeaves() {
        // ulimit -n 1024, 160 open or jars, default reserve 32 + min(1024, 1024 / 4)
        DescriptorBudget budget = DescriptorBudget.compute(1024, 160, OptionalLong.empty(), 1024, true);
        assertThat(budget.reserve()).isEqualTo(32 + 256);
        assertThat((long) budget.admin() + budget.publicPort() + budget.streamPort() + 160 + budget.reserve())
                .isLessThanOrEqualTo(1024);
        assertThat(budget.admin()).isBetween(8, 64);
        assertThat(budget.streamPort()).isEqualTo(1024 - 160 - budget.reserve() - budget.admin() - budget.publicPort());
        assertThat(budget.publicPort()).isEqualTo((1024 - 160 - budget.reserve() - budget.admin()) / 2);
        assertThat(DescriptorBudget.pendingShare(budget.publicPort()))
                .isEqualTo(budget.publicPort() - budget.publicPort() / 4);
    }

    @Test
    void withoutAStreamListenerThePublicOneTakesTheRest() {
        DescriptorBudget budget = DescriptorBudget.compute(1_048_576, 200, OptionalLong.of(1000), 1024, false);
        assertThat(budget.admin()).isEqualTo(64);
        assertThat(budget.publicPort()).isEqualTo(1_048_576 - 200 - 1000 - 64);
        assertThat(budget.streamPort()).isZero();
    }

    @Test
    void aLimitThatLeavesTooLittleIsAConfigurationError() {
        assertThatThrownBy(() -> DescriptorBudget.compute(256, 200, OptionalLong.empty(), 1024, true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("FD_RESERVE:")
                .hasMessageContaining("ulimit -n");
    }
}
