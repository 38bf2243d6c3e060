package dev.switchboard.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When three runs of memory per idle connection conclude against the 1.0× target, and when they do not. */
class HeldRunsTest {
    private static HeldRuns.Summary runs(String server, double... pss) {
        return new HeldRuns.Summary(
                server,
                Arrays.stream(pss)
                        .mapToObj(p ->
                                new HeldConnections.Result(server, 1000, p, Double.NaN, 1, 1, 0.5, 0, 0, 0, 1, 1, 1, 0))
                        .toList());
    }

    @Test
    void runsFarBelowThePeerConcludeEvenWhenTheyVaryAmongThemselves() {
        // bench/notes.md: 2.5, 3.5, 2.1 KB against nchan's 10.2 KB (a 57% spread of the gateway's own figure)
        assertThat(HeldRuns.inconclusive(runs("gw", 2500, 3500, 2100), runs("nchan", 10200, 10200, 10200)))
                .isEmpty();
    }

    @Test
    void runsWhoseSpreadReachesTheTargetDoNotConclude() {
        // issue 17: 0.30x in one run and 1.12x in another
        List<String> reasons = HeldRuns.inconclusive(runs("gw", 3100, 11400, 9000), runs("nchan", 10200, 10200, 10200));
        assertThat(reasons)
                .singleElement()
                .asString()
                .contains("too wide to conclude")
                .contains("1.12×");
    }

    @Test
    void withoutAPeerTheSpreadOfTheFigureItselfDecides() {
        assertThat(HeldRuns.inconclusive(runs("gw", 3000, 3200, 3100), null)).isEmpty();
        assertThat(HeldRuns.inconclusive(runs("gw", 3000, 6000, 3100), null))
                .singleElement()
                .asString()
                .contains("too wide to conclude");
    }
}
