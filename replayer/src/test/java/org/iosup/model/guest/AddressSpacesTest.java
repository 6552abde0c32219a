package org.iosup.model.guest;

import org.iosup.io.UserException;
import org.iosup.model.Anomalies;
import org.iosup.trace.EventBatch;
import org.iosup.trace.EventKind;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AddressSpacesTest {
    private final Anomalies anomalies = new Anomalies("t", false);
    private final AddressSpaces guest = new AddressSpaces(Paging.PAE, anomalies);
    private final EventBatch b = new EventBatch();
    private long ts;

    private void proc(EventKind k, int pid) {
        b.setPid(b.add(ts++, k), pid);
    }

    private void alloc(int pid, long frame, int level) {
        int i = b.add(ts++, EventKind.PT_ALLOC);
        b.setPid(i, pid).setFrame(i, frame).setLevel(i, level);
    }

    private void free(long frame, int level) {
        int i = b.add(ts++, EventKind.PT_FREE);
        b.setFrame(i, frame);
        if (level > 0) {
            b.setLevel(i, level);
        }
    }

    private void dma() {
        int i = b.add(ts++, EventKind.DMA);
        b.setDevice(i, 256).setAddr(i, 4096).setBytes(i, 64);
    }

    /** The operations, as "OP frame" strings (DMA and counts left out). */
    private List<String> ops() {
        GuestOps out = new GuestOps();
        guest.translate(b, out);
        b.clear();
        List<String> s = new ArrayList<>();
        for (int i = 0; i < out.size(); i++) {
            switch (out.op()[i]) {
                case GuestOps.ALLOC -> s.add("ALLOC " + out.frame()[i] + " L" + out.level()[i]);
                case GuestOps.PIN -> s.add("PIN " + out.frame()[i]);
                case GuestOps.UNPIN -> s.add("UNPIN " + out.frame()[i]);
                case GuestOps.FREE -> s.add("FREE " + out.frame()[i] + " L" + out.level()[i]);
                default -> { }
            }
        }
        return s;
    }

    @Test
    void forkBuildsUnpinnedThenPinsTheWholeMmWhenTheBuildEnds() {
        proc(EventKind.PROC_CREATE, 7);
        alloc(7, 100, 3);
        alloc(7, 101, 2);
        alloc(7, 102, 1);
        dma(); // the first event that is not the build's
        assertThat(ops()).containsExactly("ALLOC 100 L3", "ALLOC 101 L2", "ALLOC 102 L1", "PIN 100", "PIN 101", "PIN 102");
    }

    @Test
    void aPageAllocatedIntoAPinnedMmIsPinnedAtOnceAndExitUnpinsEverything() {
        proc(EventKind.PROC_CREATE, 7);
        alloc(7, 100, 3);
        dma();
        alloc(7, 105, 1);
        proc(EventKind.PROC_EXIT, 7);
        free(100, 3);
        free(105, 0);
        assertThat(ops()).containsExactly("ALLOC 100 L3", "PIN 100", "ALLOC 105 L1", "PIN 105",
                "UNPIN 100", "UNPIN 105", "FREE 100 L3", "FREE 105 L1");
        assertThat(anomalies.total()).isZero();
        assertThat(guest.livePages()).isZero();
    }

    @Test
    void execUnpinsTheOldMmAndBuildsANewOne() {
        proc(EventKind.PROC_CREATE, 7);
        alloc(7, 100, 3);
        dma();
        proc(EventKind.PROC_EXEC, 7);
        free(100, 3);
        alloc(7, 200, 3);
        dma();
        assertThat(ops()).containsExactly("ALLOC 100 L3", "PIN 100", "UNPIN 100", "FREE 100 L3", "ALLOC 200 L3", "PIN 200");
    }

    /** Linux's order (fs/exec.c): the new mm is built and activated (pinned) before mmput drops the old one. */
    @Test
    void execBuildsAndPinsTheNewMmBeforeTheOldOneIsUnpinnedAndFreed() {
        proc(EventKind.PROC_CREATE, 7);
        alloc(7, 100, 3);
        alloc(7, 101, 1);
        dma();
        proc(EventKind.PROC_EXEC, 7);
        alloc(7, 200, 3);
        alloc(7, 201, 1);
        for (long f : new long[] {101, 100}) {
            int i = b.add(ts++, EventKind.PT_FREE);
            b.setPid(i, 7).setFrame(i, f);
        }
        dma();
        assertThat(ops()).containsExactly("ALLOC 100 L3", "ALLOC 101 L1", "PIN 100", "PIN 101",
                "ALLOC 200 L3", "ALLOC 201 L1", "PIN 200", "PIN 201",
                "UNPIN 100", "UNPIN 101", "FREE 101 L1", "FREE 100 L3");
        assertThat(anomalies.total()).isZero();
        assertThat(guest.livePages()).isEqualTo(2);
    }

    @Test
    void pagesWithoutAPidAreTheKernelsAndPinnedAtOnce() {
        int i = b.add(ts++, EventKind.PT_ALLOC);
        b.setFrame(i, 9).setLevel(i, 1);
        assertThat(ops()).containsExactly("ALLOC 9 L1", "PIN 9");
    }

    @Test
    void explicitPinsReplaceDerivedOnes() {
        proc(EventKind.PROC_CREATE, 7);
        alloc(7, 100, 3);
        alloc(7, 101, 1);
        int i = b.add(ts++, EventKind.PT_PIN);
        b.setFrame(i, 100).setLevel(i, 3).setPid(i, 7);
        proc(EventKind.PROC_EXIT, 7); // no derived unpin once pins are explicit
        i = b.add(ts++, EventKind.PT_UNPIN);
        b.setFrame(i, 100);
        assertThat(ops()).containsExactly("ALLOC 100 L3", "ALLOC 101 L1", "PIN 100", "PIN 101", "UNPIN 100", "UNPIN 101");
    }

    @Test
    void eventsTheModelCannotAcceptAreCountedWithTheirRowsAndSkipped() {
        proc(EventKind.PROC_CREATE, 7);      // row 1
        alloc(7, 100, 3);                    // row 2
        alloc(7, 100, 3);                    // row 3: second alloc of a live frame
        free(555, 1);                        // row 4: never allocated
        proc(EventKind.PROC_EXIT, 8);        // row 5: unknown pid
        alloc(7, 101, 4);                    // row 6: level 4 under PAE
        free(100, 2);                        // row 7: level mismatch (freed anyway)
        proc(EventKind.PROC_CREATE, 7);      // row 8: pid still live
        List<String> ops = ops();
        assertThat(ops).containsExactly("ALLOC 100 L3", "PIN 100", "FREE 100 L3");
        assertThat(anomalies.count(Anomalies.Kind.SECOND_ALLOC_OF_LIVE_FRAME)).isEqualTo(1);
        assertThat(anomalies.count(Anomalies.Kind.FREE_OF_UNKNOWN_FRAME)).isEqualTo(1);
        assertThat(anomalies.count(Anomalies.Kind.EXIT_OF_UNKNOWN_PID)).isEqualTo(1);
        assertThat(anomalies.count(Anomalies.Kind.LEVEL_OUT_OF_PAGING)).isEqualTo(1);
        assertThat(anomalies.count(Anomalies.Kind.LEVEL_MISMATCH)).isEqualTo(1);
        assertThat(anomalies.count(Anomalies.Kind.CREATE_OF_LIVE_PID)).isEqualTo(1);
        assertThat(anomalies.examples()).extracting(Anomalies.Example::row).containsExactly(3L, 4L, 5L, 6L, 7L);
    }

    @Test
    void strictMakesTheFirstAnomalyFatal() {
        AddressSpaces strict = new AddressSpaces(Paging.X86_64, new Anomalies("trace.parquet", true));
        free(555, 1);
        assertThatThrownBy(() -> strict.translate(b, new GuestOps())).isInstanceOf(UserException.class)
                .hasMessage("trace.parquet row 1: PT_FREE of frame 555, which is not a live page-table page "
                        + "(free_of_unknown_frame; --strict)");
    }
}
