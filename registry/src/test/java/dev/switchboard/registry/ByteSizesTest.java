package dev.switchboard.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ByteSizesTest {

    @Test
    void plainBytes() {
        assertThat(ByteSizes.parse("0")).isZero();
        assertThat(ByteSizes.parse("1048576")).isEqualTo(1_048_576L);
        assertThat(ByteSizes.parse("12b")).isEqualTo(12L);
        assertThat(ByteSizes.parse("12B")).isEqualTo(12L);
    }

    @Test
    void binaryMultiplesInEverySpelling() {
        for (String unit : new String[] {"k", "kb", "kib", "K", "KB", "KiB"}) {
            assertThat(ByteSizes.parse("512" + unit)).as(unit).isEqualTo(512L * 1024);
        }
        for (String unit : new String[] {"m", "mb", "mib", "M", "MB", "MiB"}) {
            assertThat(ByteSizes.parse("10" + unit)).as(unit).isEqualTo(10L * 1024 * 1024);
        }
        for (String unit : new String[] {"g", "gb", "gib", "G", "GB", "GiB"}) {
            assertThat(ByteSizes.parse("3" + unit)).as(unit).isEqualTo(3L * 1024 * 1024 * 1024);
        }
    }

    @Test
    void whitespaceAllowedAroundAndBeforeUnit() {
        assertThat(ByteSizes.parse(" 1MiB ")).isEqualTo(1_048_576L);
        assertThat(ByteSizes.parse("1 MiB")).isEqualTo(1_048_576L);
        assertThat(ByteSizes.parse("\t2\tkb\n")).isEqualTo(2048L);
    }

    @Test
    void rejectsNonSizes() {
        for (String bad : new String[] {
            "",
            " ",
            "lots",
            "MiB",
            "1.5MiB",
            "-1",
            "1 M i B",
            "1TiB",
            "1mi",
            "1bytes",
            "0x10",
            "1e6",
            "1MiB extra",
            "1,000"
        }) {
            assertThatThrownBy(() -> ByteSizes.parse(bad)).as("'%s'", bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> ByteSizes.parse("lots")).hasMessageContaining("not a size: 'lots'");
    }

    @Test
    void numberTooBigForALongIsRejected() {
        assertThatThrownBy(() -> ByteSizes.parse("99999999999999999999")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void overflowingMultipleIsRejected() {
        assertThatThrownBy(() -> ByteSizes.parse("17179869185g")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ByteSizes.parse("9007199254740993k")).isInstanceOf(IllegalArgumentException.class);
    }
}
