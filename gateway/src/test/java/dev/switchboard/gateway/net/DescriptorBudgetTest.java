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
        DescriptorBudget budget = DescriptorBudget.compute(1024, 160, OptionalLong.empty(), 1024);
        assertThat(budget.reserve()).isEqualTo(32 + 256);
        assertThat(budget.admin()).isBetween(8, 64);
        assertThat(budget.publicListener()).isEqualTo(1024 - 160 - budget.reserve() - budget.admin());
        assertThat(DescriptorBudget.pendingShare(budget.admin())).isEqualTo(budget.admin() - budget.admin() / 4);
    }

    @Test
    void theAdminListenerTakesAtMost64AndThePublicOneTheRest() {
        DescriptorBudget budget = DescriptorBudget.compute(1_048_576, 200, OptionalLong.of(1000), 1024);
        assertThat(budget.admin()).isEqualTo(64);
        assertThat(budget.publicListener()).isEqualTo(1_048_576 - 200 - 1000 - 64);
    }

    @Test
    void aLimitThatLeavesTooLittleIsAConfigurationError() {
        assertThatThrownBy(() -> DescriptorBudget.compute(256, 200, OptionalLong.empty(), 1024))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("FD_RESERVE:")
                .hasMessageContaining("ulimit -n");
    }
}
