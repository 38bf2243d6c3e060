package dev.switchboard.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BufferRecyclerSlotsTest {
    @Test
    void aReleasedRecyclerIsTakenAgainAndItsBuffersWithIt() {
        BufferRecyclerSlots slots = new BufferRecyclerSlots(8);
        BufferRecycler first = slots.acquireAndLinkPooled();
        byte[] buffer = first.allocByteBuffer(BufferRecycler.BYTE_READ_IO_BUFFER);
        first.releaseByteBuffer(BufferRecycler.BYTE_READ_IO_BUFFER, buffer);
        first.releaseToPool();
        assertThat(slots.pooledCount()).isEqualTo(1);

        BufferRecycler again = slots.acquireAndLinkPooled();
        assertThat(again).isSameAs(first);
        assertThat(again.allocByteBuffer(BufferRecycler.BYTE_READ_IO_BUFFER)).isSameAs(buffer);
        assertThat(slots.pooledCount()).isZero();
    }

    @Test
    void noMoreThanTheSlotsAreKeptAndAnEmptyPoolMakesNewOnes() {
        BufferRecyclerSlots slots = new BufferRecyclerSlots(8);
        List<BufferRecycler> taken = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            taken.add(slots.acquireAndLinkPooled());
        }
        Set<BufferRecycler> distinct = Collections.newSetFromMap(new IdentityHashMap<>());
        distinct.addAll(taken);
        assertThat(distinct)
                .as("twenty takes from an empty pool: twenty recyclers")
                .hasSize(20);
        taken.forEach(BufferRecycler::releaseToPool);
        assertThat(slots.pooledCount()).isEqualTo(8);
        assertThat(slots.clear()).isTrue();
        assertThat(slots.pooledCount()).isZero();
    }

    @Test
    void threadsTakingAndGivingAtOnceNeverShareARecycler() throws Exception {
        BufferRecyclerSlots slots = new BufferRecyclerSlots(8);
        Set<BufferRecycler> inUse = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));
        int threads = 16;
        CountDownLatch start = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                results.add(pool.submit(() -> {
                    start.await();
                    int shared = 0;
                    for (int i = 0; i < 20_000; i++) {
                        BufferRecycler recycler = slots.acquireAndLinkPooled();
                        if (!inUse.add(recycler)) {
                            shared++;
                        }
                        inUse.remove(recycler);
                        recycler.releaseToPool();
                    }
                    return shared;
                }));
            }
            start.countDown();
            for (Future<Integer> result : results) {
                assertThat(result.get(60, TimeUnit.SECONDS))
                        .as("a recycler held by two threads")
                        .isZero();
            }
        }
        assertThat(slots.pooledCount()).isBetween(1, 8);
    }

    @ParameterizedTest
    @CsvSource({"1, 8", "2, 8", "3, 16", "4, 16", "8, 32", "16, 64", "64, 64"})
    void fourSlotsPerProcessorRoundedToAPowerOfTwoWithin8And64(int processors, int slots) {
        assertThat(BufferRecyclerSlots.slotsFor(processors)).isEqualTo(slots);
    }

    @Test
    void aSlotCountMustBeAPowerOfTwo() {
        assertThatThrownBy(() -> new BufferRecyclerSlots(12)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BufferRecyclerSlots(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theProcessMappersParseAndWriteThroughTheSharedSlots() throws Exception {
        BufferRecyclerSlots.SHARED.clear();
        JsonNode tree = JsonMapper.forRequestBodies(16).readTree("{\"a\":[1,2,{\"b\":\"c\"}]}");
        assertThat(JsonMapper.MAPPER.writeValueAsString(tree)).isEqualTo("{\"a\":[1,2,{\"b\":\"c\"}]}");
        assertThat(BufferRecyclerSlots.SHARED.pooledCount())
                .as("the parser's and the generator's recyclers came back to the slots")
                .isPositive();
        assertThat(JsonMapper.MAPPER.getFactory()._getRecyclerPool()).isSameAs(BufferRecyclerSlots.SHARED);
    }
}
