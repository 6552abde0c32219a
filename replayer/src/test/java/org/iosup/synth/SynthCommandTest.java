package org.iosup.synth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import it.unimi.dsi.fastutil.ints.Int2IntOpenHashMap;
import it.unimi.dsi.fastutil.longs.LongOpenHashSet;
import org.iosup.analysis.KindMinutes;
import org.iosup.cli.InspectCommand;
import org.iosup.model.CostProfile;
import org.iosup.model.guest.Paging;
import org.iosup.model.pool.PolicySpec;
import org.iosup.model.vtd.IommuConfig;
import org.iosup.model.xen.HypervisorProfile;
import org.iosup.replay.Replay;
import org.iosup.replay.ReplayConfig;
import org.iosup.replay.ReplayResult;
import org.iosup.replayer.cli.SynthCommand;
import org.iosup.testing.CliRun;
import org.iosup.trace.Column;
import org.iosup.trace.EventBatch;
import org.iosup.trace.EventKind;
import org.iosup.trace.parquet.ParquetTraceReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SynthCommandTest {
    @TempDir
    Path dir;

    private Path synth(String name, String... args) {
        Path out = dir.resolve(name);
        String[] all = new String[args.length + 3];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "-o";
        all[args.length + 1] = out.toString();
        all[args.length + 2] = "-q";
        CliRun r = CliRun.run(new SynthCommand(), all);
        assertThat(r.exitCode).as(r.toString()).isZero();
        return out;
    }

    private static String sha256(Path p) throws IOException, NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
    }

    @Test
    void busyMatchesThePapersRatesWithinTwoPercent() throws IOException {
        Path t = synth("busy.parquet", "--preset", "busy", "--minutes", "30", "--nic-gbps", "0", "--disk-mbps", "0");
        JsonNode json = new ObjectMapper().readTree(CliRun.run(new InspectCommand(), t.toString(), "--json").out);
        double minutes = 30;
        double creations = json.at("/kinds/PROC_CREATE").asLong() / minutes;
        double exits = json.at("/kinds/PROC_EXIT").asLong() / minutes;
        assertThat(creations).isCloseTo(542.14, org.assertj.core.data.Percentage.withPercentage(2));
        assertThat(exits).isCloseTo(542.07, org.assertj.core.data.Percentage.withPercentage(2));
        assertThat(json.at("/metadata/iosup.paging").asText()).isEqualTo("pae");
        assertThat(json.at("/metadata/iosup.synth.preset").asText()).isEqualTo("busy");
    }

    @Test
    void theSameSeedGivesTheSameBytesAndAnotherSeedAnotherTrace() throws Exception {
        Path a = synth("a.parquet", "--preset", "busy", "--minutes", "2", "--nic-gbps", "0.01");
        Path b = synth("b.parquet", "--preset", "busy", "--minutes", "2", "--nic-gbps", "0.01");
        Path c = synth("c.parquet", "--preset", "busy", "--minutes", "2", "--nic-gbps", "0.01", "--seed", "2");
        assertThat(sha256(a)).isEqualTo(sha256(b));
        assertThat(sha256(c)).isNotEqualTo(sha256(a));
        Path csv1 = synth("a.csv", "--preset", "idle", "--minutes", "1", "--csv", "--nic-gbps", "0.001");
        Path csv2 = synth("b.csv", "--preset", "idle", "--minutes", "1", "--csv", "--nic-gbps", "0.001");
        assertThat(Files.readString(csv1)).isEqualTo(Files.readString(csv2)).startsWith("# iosup.paging=pae\n");
    }

    /** Page-table pages allocated by each process's first build, by level. */
    private static int[] firstBuild(Path trace, int pid) {
        int[] levels = new int[5];
        boolean started = false;
        try (ParquetTraceReader in = ParquetTraceReader.open(trace)) {
            EventBatch b = new EventBatch();
            while (in.next(b)) {
                for (int i = 0; i < b.size(); i++) {
                    EventKind k = EventKind.ofCode(b.kind()[i]);
                    if (k == EventKind.PROC_CREATE && b.pid()[i] == pid) {
                        started = true;
                    } else if (started && k == EventKind.PT_ALLOC && b.pid()[i] == pid) {
                        levels[b.level()[i]]++;
                    } else if (started) {
                        return levels;
                    }
                }
            }
        }
        return levels;
    }

    @Test
    void pageTableFootprintsFollowThePagingMode() {
        Path pae = synth("pae.parquet", "--preset", "busy", "--minutes", "1", "--nic-gbps", "0");
        int[] p = firstBuild(pae, 3); // pid 3: the first process after init and the session
        assertThat(p[4]).isZero();
        assertThat(p[3]).isEqualTo(1);
        assertThat(p[2]).isEqualTo(4);
        assertThat(p[1]).isBetween(3, 6);
        Path x64 = synth("x64.parquet", "--preset", "busy", "--minutes", "1", "--nic-gbps", "0", "--paging", "x86-64");
        int[] x = firstBuild(x64, 3);
        assertThat(x[4]).isEqualTo(2);
        assertThat(x[3]).isEqualTo(2);
        assertThat(x[2]).isBetween(2, 4);
        assertThat(x[1]).isBetween(4, 8);
    }

    /**
     * An exec in Linux's order: PROC_EXEC, the new mm's pages as they exist at activation (PAE: the
     * PGD, four PMDs and the stack's PTE page), its mmu_update, then the old mm's frees; later, before
     * its exit, the other PTE pages one fault at a time (a PTE page, then its mmu_update).
     */
    @Test
    void anExecBuildsTheNewMmBeforeFreeingTheOldOne() {
        Path t = synth("exec.parquet", "--preset", "busy", "--minutes", "1", "--nic-gbps", "0", "--disk-mbps", "0");
        try (ParquetTraceReader in = ParquetTraceReader.open(t)) {
            EventBatch b = new EventBatch();
            int checked = 0;
            int exitsSeen = 0;
            while (in.next(b) && checked < 20) {
                for (int i = 0; i < b.size() && checked < 20; i++) {
                    if (b.kind()[i] != EventKind.PROC_EXEC.code()) {
                        continue;
                    }
                    int pid = b.pid()[i];
                    StringBuilder order = new StringBuilder();
                    for (int j = i + 1; j < b.size() && b.pid()[j] == pid && b.kind()[j] != EventKind.PROC_EXIT.code()
                            && b.kind()[j] != EventKind.PROC_EXEC.code() && order.length() < 200; j++) {
                        EventKind k = EventKind.ofCode(b.kind()[j]);
                        order.append(k == EventKind.PT_ALLOC ? 'A' : k == EventKind.MMU_UPDATE ? 'M' : k == EventKind.PT_FREE ? 'F' : '?');
                    }
                    assertThat(order.toString()).as("pid " + pid).matches("A{6}MF{8,}.*");
                    StringBuilder later = new StringBuilder();
                    boolean exited = false;
                    for (int j = i + 1; j < b.size() && !exited; j++) {
                        if (b.pid()[j] != pid) {
                            continue;
                        }
                        EventKind k = EventKind.ofCode(b.kind()[j]);
                        exited = k == EventKind.PROC_EXIT;
                        later.append(k == EventKind.PT_ALLOC ? (b.level()[j] == 1 ? "a" : "A") : k == EventKind.MMU_UPDATE
                                ? "M" : k == EventKind.PT_FREE ? "F" : "");
                    }
                    if (exited) {
                        // After the build and the old frees: 2 to 5 faults (3 to 6 PTE pages in all), each "aM".
                        String faults = later.toString().replaceFirst("^A{5}aMF+", "");
                        assertThat(faults).as("pid " + pid + ": " + later).contains("aM");
                        long n = faults.chars().filter(ch -> ch == 'a').count();
                        assertThat(n).as("pid " + pid + ": " + later).isBetween(2L, 9L);
                        exitsSeen++;
                    }
                    checked++;
                }
            }
            assertThat(checked).isPositive();
            assertThat(exitsSeen).isPositive();
        }
    }

    /** --ramp-min: the creation rate rises linearly over the first minutes, then holds. */
    @Test
    void aColdStartRampRaisesTheCreationRateOverItsMinutes() {
        Path t = synth("ramp.parquet", "--preset", "busy", "--minutes", "7", "--ramp-min", "4", "--nic-gbps", "0",
                "--disk-mbps", "0");
        long[] perMinute = new long[7];
        try (ParquetTraceReader in = ParquetTraceReader.open(t)) {
            EventBatch b = new EventBatch();
            while (in.next(b)) {
                for (int i = 0; i < b.size(); i++) {
                    if (b.kind()[i] == EventKind.PROC_CREATE.code()) {
                        perMinute[(int) (b.tsNs()[i] / 60_000_000_000L)]++;
                    }
                }
            }
        }
        // Minute m of a 4-minute ramp runs at about (m + 0.5) / 4 of the full rate.
        assertThat(perMinute[0]).isBetween(30L, 110L);
        assertThat(perMinute[1]).isBetween(150L, 260L);
        assertThat(perMinute[4]).isCloseTo(542L, org.assertj.core.data.Percentage.withPercentage(5));
        assertThat(perMinute[6]).isCloseTo(542L, org.assertj.core.data.Percentage.withPercentage(5));
        CliRun bad = CliRun.run(new SynthCommand(), "--preset", "idle", "--ramp-min", "3", "-o",
                dir.resolve("no.parquet").toString());
        assertThat(bad.exitCode).isNotZero();
        assertThat(bad.err).contains("--ramp-min");
    }

    /** lmbench's lat_proc fork: N forks of a child that exits at once, each with its documented footprint. */
    @Test
    void forkExitIsLatProcFork() {
        Path t = synth("fork-exit.parquet", "--preset", "fork-exit", "--minutes", "0.5", "--creations-per-min", "600");
        int[] p = firstBuild(t, 3);
        assertThat(p[3]).isEqualTo(1);
        assertThat(p[2]).isEqualTo(4);
        assertThat(p[1]).isEqualTo(SyntheticTrace.FORK_CHILD_L1_PAGES);
        ReplayResult r = Replay.run(new ReplayConfig(t, List.of(PolicySpec.parse("disabled"),
                PolicySpec.parse("pre-enabled")), HypervisorProfile.XEN_4_2_1, null, IommuConfig.DEFAULT,
                CostProfile.standard(), 1, true), null);
        assertThat(r.anomalies().total()).isZero();
        var s = r.policies().get(0).series();
        // 600 a minute for half a minute: 299 children (the first at 100 ms) and their exits, plus init and lat_proc.
        assertThat(s.total(org.iosup.model.Metric.PROC_CREATES)).isEqualTo(299 + 2);
        assertThat(s.total(org.iosup.model.Metric.PROC_EXITS)).isEqualTo(299);
        assertThat(s.total(org.iosup.model.Metric.PROC_EXECS)).isZero();
        // Each fork write-protects the parent's private pages in one batch; init's and lat_proc's own builds
        // write 128 entries for each of their 3 to 6 PTE pages.
        long builds = s.total(org.iosup.model.Metric.MMU_UPDATE_ENTRIES) - 299L * SyntheticTrace.FORK_COW_ENTRIES;
        assertThat(builds % 128).isZero();
        assertThat(builds / 128).isBetween(6L, 12L);
        // With the pools, every fork after the first takes its pages from them and pins nothing.
        var pooled = r.policies().get(1).series();
        assertThat(pooled.total(org.iosup.model.Metric.POOL_HITS)).isEqualTo(298L * (1 + 4 + SyntheticTrace.FORK_CHILD_L1_PAGES));
        assertThat(CliRun.run(new SynthCommand(), "--preset", "fork-exit", "--describe").out)
                .contains("child-l1-pages").contains("cow-entries").contains("copy_page_range");
    }

    @Test
    void framesAreReusedAndEveryTraceReplaysWithoutAnomalies() {
        for (String preset : List.of("busy", "idle", "boot-busy", "fork-exit")) {
            List<String> args = new java.util.ArrayList<>(List.of("--preset", preset, "--minutes", "12", "--nic-gbps", "0.002"));
            if (preset.equals("fork-exit")) {
                args.set(3, "1");
            }
            if (preset.equals("boot-busy")) {
                args.addAll(List.of("--busy-after", "6m"));
            }
            Path t = synth(preset + ".parquet", args.toArray(String[]::new));
            long allocs = 0;
            LongOpenHashSet frames = new LongOpenHashSet();
            try (ParquetTraceReader in = ParquetTraceReader.open(t, EnumSet.of(Column.FRAME))) {
                EventBatch b = new EventBatch();
                while (in.next(b)) {
                    for (int i = 0; i < b.size(); i++) {
                        if (b.kind()[i] == EventKind.PT_ALLOC.code()) {
                            allocs++;
                            frames.add(b.frame()[i]);
                        }
                    }
                }
            }
            assertThat(frames.size()).as(preset + " distinct frames").isLessThan((int) (allocs / 5));
            ReplayResult r = Replay.run(new ReplayConfig(t, List.of(PolicySpec.parse("disabled"),
                    PolicySpec.parse("pre-enabled"), PolicySpec.parse("dynamic@3m")), HypervisorProfile.XEN_4_2_4,
                    null, IommuConfig.DEFAULT, CostProfile.standard(), 1, true), null);
            assertThat(r.anomalies().total()).as(preset).isZero();
            assertThat(r.paging()).isEqualTo(Paging.PAE);
        }
    }

    @Test
    void idleChurnFallsToNothingWithinTenMinutes() {
        Path t = synth("idle.parquet", "--preset", "idle", "--minutes", "20", "--nic-gbps", "0");
        KindMinutes m = new KindMinutes();
        try (ParquetTraceReader in = ParquetTraceReader.open(t, EnumSet.of(Column.TS_NS, Column.KIND))) {
            EventBatch b = new EventBatch();
            while (in.next(b)) {
                m.add(b);
            }
        }
        long first = m.count(0, EventKind.PROC_CREATE);
        assertThat(first).isGreaterThan(40);
        long late = 0;
        for (int minute = 10; minute < m.minutes(); minute++) {
            late += m.count(minute, EventKind.PROC_CREATE);
        }
        assertThat(late).isLessThanOrEqualTo(1);
    }

    @Test
    void dmaRateMatchesTheNic() {
        Path t = synth("nic.parquet", "--preset", "idle", "--minutes", "0.5", "--nic-gbps", "0.2", "--disk-mbps", "0");
        long bytes = 0;
        Int2IntOpenHashMap devices = new Int2IntOpenHashMap();
        try (ParquetTraceReader in = ParquetTraceReader.open(t, EnumSet.of(Column.DEVICE, Column.BYTES))) {
            EventBatch b = new EventBatch();
            while (in.next(b)) {
                for (int i = 0; i < b.size(); i++) {
                    if (b.kind()[i] == EventKind.DMA.code()) {
                        bytes += b.bytes()[i];
                        devices.addTo(b.device()[i], 1);
                    }
                }
            }
        }
        double gbps = bytes * 8 / 30.0 / 1e9;
        assertThat(gbps).isCloseTo(0.2, org.assertj.core.data.Percentage.withPercentage(3));
        assertThat(devices.keySet()).containsExactly(SyntheticTrace.NIC);
    }

    @Test
    void badParametersAreOneLineErrorsWithExitCode2() {
        CliRun preset = CliRun.run(new SynthCommand(), "--preset", "party", "-o", dir.resolve("x.parquet").toString());
        assertThat(preset.exitCode).isEqualTo(2);
        assertThat(preset.err).isEqualTo("synth: error: unknown preset 'party' (valid: idle, busy, boot-busy, fork-exit, netperf)\n");
        CliRun rate = CliRun.run(new SynthCommand(), "--preset", "busy", "--creations-per-min", "-5",
                "-o", dir.resolve("x.parquet").toString());
        assertThat(rate.exitCode).isEqualTo(2);
        assertThat(rate.err).isEqualTo("synth: error: --creations-per-min must be positive, got -5.0\n");
        CliRun paging = CliRun.run(new SynthCommand(), "--preset", "busy", "--paging", "la57", "-o", dir.resolve("x.parquet").toString());
        assertThat(paging.err).contains("unknown paging mode 'la57' (valid: pae, x86-64)");
        CliRun noOut = CliRun.run(new SynthCommand(), "--preset", "busy");
        assertThat(noOut.exitCode).isEqualTo(2);
        assertThat(Files.exists(dir.resolve("x.parquet"))).isFalse();
    }

    @Test
    void describeNamesEveryParameterWithItsSource() {
        CliRun r = CliRun.run(new SynthCommand(), "--preset", "busy", "--describe", "--nic-gbps", "0.5");
        assertThat(r.exitCode).isZero();
        assertThat(r.out).contains("creations-per-min  542.14     busy: 542.14 creations a minute (docs/paper.md")
                .contains("nic-gbps           0.5").contains("Harchol-Balter").contains("lifetime-exponent");
        for (SynthParams.Described d : SynthParams.defaults("busy").describe()) {
            assertThat(r.out).contains(d.name());
        }
    }
}
