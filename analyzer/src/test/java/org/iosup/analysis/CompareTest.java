package org.iosup.analysis;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.iosup.cli.CompareCommand;
import org.iosup.testing.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CompareTest {
    @TempDir
    Path dir;

    /** A hand-made replay output: flush_calls and pool_pages by minute per policy, the rest 0. */
    private Path run(String name, String profile, String[] policies, long[][] flushCalls, long[][] poolPages) throws IOException {
        Path d = dir.resolve(name);
        Files.createDirectories(d);
        List<String> cols = Compare.REPLAY_MINUTES.fieldNames();
        StringBuilder sb = new StringBuilder(String.join(",", cols)).append('\n');
        for (int p = 0; p < policies.length; p++) {
            for (int m = 0; m < flushCalls[p].length; m++) {
                List<String> row = new ArrayList<>();
                for (String c : cols) {
                    row.add(switch (c) {
                        case "minute" -> Integer.toString(m);
                        case "policy" -> policies[p];
                        case "flush_calls" -> Long.toString(flushCalls[p][m]);
                        case "pool_pages" -> Long.toString(poolPages[p][m]);
                        default -> "0";
                    });
                }
                sb.append(String.join(",", row)).append('\n');
            }
        }
        Files.writeString(d.resolve("minutes.csv"), sb);
        Files.writeString(d.resolve("manifest.json"), "{\"parameters\":{\"profile\":{\"name\":\"" + profile + "\"}}}");
        return d;
    }

    @Test
    void theArithmetic() throws IOException {
        Path a = run("a", "xen-4.2.1", new String[] {"off", "on"},
                new long[][] {{10, 10, 100, 200}, {10, 10, 50, 0}}, new long[][] {{0, 0, 0, 0}, {0, 8, 5, 9}});
        Path b = run("b", "xen-4.14", new String[] {"off", "on"},
                new long[][] {{0, 0, 0, 0}, {0, 0, 0, 0}}, new long[][] {{0, 0, 0, 0}, {0, 0, 0, 0}});
        Path out = dir.resolve("cmp");
        CliRun r = CliRun.run(new CompareCommand(), a.toString(), b.toString(), "--warmup", "2m",
                "--metric", "flush_calls", "--metric", "pool_pages", "-o", out.toString());
        assertThat(r.exitCode).as(r.toString()).isZero();
        List<CSVRecord> rows;
        try (Reader in = Files.newBufferedReader(out.resolve("compare.csv"))) {
            rows = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(in).getRecords();
            assertThat(rows.get(0).getParser().getHeaderNames()).isEqualTo(org.iosup.report.CompareReport.COMPARE.fieldNames());
        }
        assertThat(rows).hasSize(8);
        CSVRecord offCalls = rows.get(0);
        assertThat(offCalls.get("run")).isEqualTo(a.toString());
        assertThat(offCalls.get("profile")).isEqualTo("xen-4.2.1");
        assertThat(offCalls.get("total")).isEqualTo("320");
        assertThat(offCalls.get("minutes_after_warmup")).isEqualTo("2");
        assertThat(offCalls.get("mean_per_minute")).isEqualTo("150.0000");
        assertThat(offCalls.get("change_pct")).isEqualTo("0.0000");
        CSVRecord onCalls = rows.get(2);
        assertThat(onCalls.get("policy")).isEqualTo("on");
        assertThat(onCalls.get("total")).isEqualTo("70");
        assertThat(onCalls.get("mean_per_minute")).isEqualTo("25.0000");
        assertThat(onCalls.get("baseline_mean_per_minute")).isEqualTo("150.0000");
        assertThat(onCalls.get("change_per_minute")).isEqualTo("-125.0000");
        assertThat(onCalls.get("change_pct")).isEqualTo("-83.3333");
        assertThat(onCalls.get("ratio")).isEqualTo("0.1667");
        CSVRecord onPool = rows.get(3);
        assertThat(onPool.get("metric")).isEqualTo("pool_pages");
        assertThat(onPool.get("total")).isEqualTo("9"); // a gauge: its peak
        assertThat(onPool.get("mean_per_minute")).isEqualTo("7.0000");
        assertThat(onPool.get("change_pct")).isEmpty(); // baseline 0
        assertThat(rows.get(6).get("ratio")).isEmpty();
        assertThat(r.out).contains("-83.3%").contains("0.167");
        assertThat(offCalls.get("seeds")).isEqualTo("1");
        assertThat(offCalls.get("mean_per_minute_ci95")).isEmpty();
    }

    @Test
    void severalSeedsOfARunGiveMeansWithTheirIntervals() throws IOException {
        // Seed 1: off 150/min after the warm-up, on 25; seed 2: off 250, on 75.
        Path s1 = run("s1", "xen-4.2.1", new String[] {"off", "on"},
                new long[][] {{10, 10, 100, 200}, {10, 10, 50, 0}}, new long[][] {{0, 0, 0, 0}, {0, 8, 5, 9}});
        Path s2 = run("s2", "xen-4.2.1", new String[] {"off", "on"},
                new long[][] {{10, 10, 200, 300}, {10, 10, 100, 50}}, new long[][] {{0, 0, 0, 0}, {0, 4, 5, 13}});
        Path out = dir.resolve("cmp-seeds");
        CliRun r = CliRun.run(new CompareCommand(), s1 + "," + s2, "--warmup", "2m", "--metric", "flush_calls",
                "--metric", "pool_pages", "-o", out.toString());
        assertThat(r.exitCode).as(r.toString()).isZero();
        List<CSVRecord> rows;
        try (Reader in = Files.newBufferedReader(out.resolve("compare.csv"))) {
            rows = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(in).getRecords();
        }
        assertThat(rows).hasSize(4);
        CSVRecord off = rows.get(0);
        assertThat(off.get("seeds")).isEqualTo("2");
        assertThat(off.get("run")).isEqualTo(s1.toString());
        assertThat(off.get("total")).isEqualTo("420.0000"); // (320 + 520) / 2
        assertThat(off.get("mean_per_minute")).isEqualTo("200.0000");
        // s = 70.7107, t(0.975, 1) = 12.7062: 12.7062 * 70.7107 / sqrt(2) = 635.3102
        assertThat(off.get("mean_per_minute_ci95")).isEqualTo("635.3102");
        CSVRecord on = rows.get(2);
        // Per seed: -83.3333% and -70%, paired with its own baseline, then averaged.
        assertThat(on.get("change_pct")).isEqualTo("-76.6667");
        assertThat(on.get("change_pct_ci95")).isEqualTo(String.format(java.util.Locale.ROOT, "%.4f",
                12.706204736174698 * Math.abs(-83.33333333333333 + 70) / Math.sqrt(2) / Math.sqrt(2)));
        assertThat(rows.get(3).get("total")).isEqualTo("11.0000"); // the peaks 9 and 13
        assertThat(r.out).contains("200.0 ± 635.3").contains("95%");

        Path other = run("s3", "xen-4.2.1", new String[] {"off", "else"},
                new long[][] {{1, 1, 1, 1}, {1, 1, 1, 1}}, new long[][] {{0, 0, 0, 0}, {0, 0, 0, 0}});
        CliRun bad = CliRun.run(new CompareCommand(), s1 + "," + other, "-o", dir.resolve("bad").toString());
        assertThat(bad.exitCode).isNotZero();
        assertThat(bad.err).contains(other.toString()).contains("same policies");
        assertThat(dir.resolve("bad")).doesNotExist();
    }

    @Test
    void theTQuantilesAreStudents() {
        assertThat(Replicates.tQuantile975(1)).isCloseTo(12.7062, org.assertj.core.data.Offset.offset(1e-4));
        assertThat(Replicates.tQuantile975(4)).isCloseTo(2.7764, org.assertj.core.data.Offset.offset(1e-4));
        assertThat(Replicates.tQuantile975(1000)).isCloseTo(1.9623, org.assertj.core.data.Offset.offset(1e-4));
        assertThat(Replicates.of(5.0).ci95()).isNull();
        assertThat(Replicates.of(1.0, null, 3.0).n()).isEqualTo(2);
        assertThat(Replicates.of(2.0, 2.0, 2.0).ci95()).isZero();
    }

    @Test
    void mistakesAreOneLineErrors() throws IOException {
        Path a = run("a", "xen-4.2.1", new String[] {"off"}, new long[][] {{1}}, new long[][] {{0}});
        CliRun base = CliRun.run(new CompareCommand(), a.toString(), "--baseline", "nope", "-o", dir.resolve("x").toString());
        assertThat(base.exitCode).isEqualTo(2);
        assertThat(base.err).isEqualTo("compare: error: --baseline nope: no such policy in " + a + " (it has off)\n");
        CliRun metric = CliRun.run(new CompareCommand(), a.toString(), "--metric", "speed", "-o", dir.resolve("x").toString());
        assertThat(metric.err).contains("--metric speed: not a column of replay's minutes.csv");
        CliRun notRun = CliRun.run(new CompareCommand(), dir.toString(), "-o", dir.resolve("x").toString());
        assertThat(notRun.err).isEqualTo("compare: error: " + dir + ": not a replay output folder (no minutes.csv)\n");
        assertThat(Files.exists(dir.resolve("x/compare.csv"))).isFalse();
    }
}
