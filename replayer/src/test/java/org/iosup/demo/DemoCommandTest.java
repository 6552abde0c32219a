package org.iosup.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.commons.csv.CSVRecord;
import org.iosup.replayer.cli.DemoCommand;
import org.iosup.report.replay.ReplayReport;
import org.iosup.testing.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

import static org.assertj.core.api.Assertions.assertThat;
import static org.iosup.testing.Csv.header;
import static org.iosup.testing.Csv.read;

class DemoCommandTest {
    @TempDir
    Path dir;

    private static void assertChart(Path png) throws IOException {
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img).as(png.toString()).isNotNull();
        assertThat(img.getWidth()).isEqualTo(1600);
        assertThat(img.getHeight()).isEqualTo(900);
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < 900; y += 4) {
            for (int x = 0; x < 1600; x += 4) {
                colours.add(img.getRGB(x, y) & 0xffffff);
            }
        }
        assertThat(colours.size()).as(png + " colours").isGreaterThan(20);
    }

    /**
     * Minutes of the short demo: after the switch at minute 5 enough minutes that the first one,
     * while the pools fill, does not alone put every policy over tune's 100 calls a minute.
     */
    private static final int MINUTES = 12;

    @Test
    void theDemoEndToEndInAShortConfiguration() throws IOException {
        Path out = dir.resolve("out");
        CliRun r = CliRun.run(new DemoCommand(), "-o", out.toString(), "--minutes", "" + MINUTES, "--nic-gbps", "0.002",
                "--seeds", "2");
        assertThat(r.exitCode).as(r.toString()).isZero();
        assertThat(r.out).contains("cache-disabled").contains("cache-pre-enabled").contains("cache-dynamic-enabled");

        List<CSVRecord> summary = read(out.resolve("summary.csv"));
        assertThat(header(out.resolve("summary.csv"))).isEqualTo(Demo.SUMMARY.fieldNames());
        assertThat(summary).extracting(x -> x.get("setting") + " " + x.get("profile") + " " + x.get("group")).containsExactly(
                "busy xen-4.2.1 cache-disabled", "busy xen-4.2.1 cache-pre-enabled", "busy xen-4.2.1 cache-dynamic-enabled",
                "busy xen-4.2.4 cache-disabled", "busy xen-4.2.4 cache-pre-enabled", "busy xen-4.2.4 cache-dynamic-enabled",
                "idle xen-4.2.1 cache-disabled", "idle xen-4.2.1 cache-pre-enabled", "idle xen-4.2.1 cache-dynamic-enabled");
        CSVRecord disabled421 = summary.get(0);
        CSVRecord dynamic421 = summary.get(2);
        CSVRecord disabled424 = summary.get(3);
        double calls = Double.parseDouble(disabled421.get("flush_calls_per_min_after"));
        assertThat(calls).isGreaterThan(10_000);
        // Xen 4.2.1: called, never issued; 4.2.4: the unmaps (half of the calls) are issued.
        assertThat(Double.parseDouble(disabled421.get("flush_issued_per_min_after"))).isZero();
        assertThat(Double.parseDouble(disabled424.get("flush_issued_per_min_after"))).isBetween(0.4 * calls, 0.6 * calls);
        // The dynamic group follows the disabled one before its switch, then drops.
        assertThat(dynamic421.get("flush_calls_per_min_before")).isEqualTo(disabled421.get("flush_calls_per_min_before"));
        assertThat(Double.parseDouble(dynamic421.get("flush_calls_per_min_after"))).isLessThan(calls / 20);
        assertThat(Double.parseDouble(summary.get(1).get("pool_pages_peak"))).isPositive();
        // Two seeds: every figure a mean with its interval, the second seed's replays kept apart.
        assertThat(summary).allMatch(x -> x.get("seeds").equals("2"));
        assertThat(disabled421.get("flush_calls_per_min_after_ci95")).isNotEmpty();
        assertThat(Double.parseDouble(disabled421.get("flush_calls_per_min_after_ci95"))).isPositive();
        assertThat(read(out.resolve("busy/seeds/xen-4.2.1/seed-2/minutes.csv"))).hasSize(3 * MINUTES);
        assertThat(read(out.resolve("busy/compare.csv"))).allMatch(x -> x.get("seeds").equals("2"));
        assertChart(out.resolve("busy/xen-4.2.1-seeds.png"));
        assertThat(out.resolve(".seeds")).doesNotExist();
        assertThat(r.out).contains("means over 2 seeds");

        for (String run : new String[] {"busy/xen-4.2.1", "busy/xen-4.2.4", "idle/xen-4.2.1"}) {
            Path d = out.resolve(run);
            assertThat(header(d.resolve("minutes.csv"))).isEqualTo(ReplayReport.MINUTES.fieldNames());
            assertThat(read(d.resolve("minutes.csv"))).hasSize(3 * MINUTES);
            for (String png : new String[] {"flushes.png", "cpu.png", "pool-pages.png", "pool-pages-by-level.png", "iotlb-misses.png", "dma-time.png"}) {
                assertChart(d.resolve(png));
            }
        }
        assertChart(out.resolve("busy/analysis/recorded.png"));
        assertThat(read(out.resolve("busy/analysis/validation.csv"))).allMatch(x -> x.get("check").startsWith("pages_live")
                || x.get("check").startsWith("processes_live") || x.get("count").equals("0"));
        assertThat(read(out.resolve("busy/compare.csv"))).isNotEmpty();
        assertPaperTable(out, r.out);
        JsonNode manifest = new ObjectMapper().readTree(out.resolve("manifest.json").toFile());
        assertThat(manifest.at("/command").asText()).isEqualTo("demo");
        assertThat(manifest.at("/inputs/busy/sha256").asText()).hasSize(64);
        assertTunedDynamicGroup(out, manifest, r.out);

        // Running again replaces the earlier output; a folder that is not a demo's is left alone.
        assertThat(CliRun.run(new DemoCommand(), "-o", out.toString(), "--minutes", "1", "--nic-gbps", "0", "-q").exitCode).isZero();
        assertThat(read(out.resolve("busy/xen-4.2.1/minutes.csv"))).hasSize(3);
        // One minute ends before the switch: nothing to tune on, the default limits, and the manifest says so.
        JsonNode shortRun = new ObjectMapper().readTree(out.resolve("manifest.json").toFile());
        assertThat(shortRun.at("/results/dynamic_limits").asText()).isEqualTo("default");
        assertThat(shortRun.at("/results/dynamic_policy").asText()).isEqualTo("dynamic@5m");
        assertThat(shortRun.at("/results/dynamic_note").asText()).contains("nothing to tune on");
        assertThat(out.resolve("busy/tune")).doesNotExist();
        Files.createDirectories(dir.resolve("mine"));
        Files.writeString(dir.resolve("mine/notes.txt"), "keep me");
        CliRun refused = CliRun.run(new DemoCommand(), "-o", dir.resolve("mine").toString(), "--minutes", "1", "-q");
        assertThat(refused.exitCode).isEqualTo(2);
        assertThat(refused.err).isEqualTo("demo: error: " + dir.resolve("mine") + " holds notes.txt, which iosup did not"
                + " write (the folder has no manifest.json); nothing was changed: give another -o, or move it away\n");
        assertThat(Files.readString(dir.resolve("mine/notes.txt"))).isEqualTo("keep me");
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("out", "mine");
        }
    }

    /**
     * The dynamic group's limits come from tune on the busy trace: tune.csv's choice is the policy
     * every dynamic replay ran, the manifest and the printout name it, and the choice met the constraint.
     */
    private static void assertTunedDynamicGroup(Path out, JsonNode manifest, String stdout) throws IOException {
        assertThat(manifest.at("/results/dynamic_limits").asText()).isEqualTo("tuned");
        String chosen = manifest.at("/results/dynamic_policy").asText();
        List<CSVRecord> tune = read(out.resolve("busy/tune/tune.csv"));
        CSVRecord choice = tune.stream().filter(x -> x.get("role").equals("choice")).findFirst().orElseThrow();
        assertThat(choice.get("policy")).isEqualTo(chosen).startsWith("dynamic@5m,shrink-total=");
        assertThat(choice.get("feasible")).isEqualTo("true");
        assertThat(Double.parseDouble(choice.get("flush_calls_per_min"))).isLessThanOrEqualTo(100);
        // No feasible policy has a smaller pool than the choice.
        assertThat(tune).filteredOn(x -> x.get("feasible").equals("true"))
                .allMatch(x -> Long.parseLong(x.get("pool_pages_peak")) >= Long.parseLong(choice.get("pool_pages_peak")));
        for (String run : new String[] {"busy/xen-4.2.1", "busy/xen-4.2.4", "idle/xen-4.2.1"}) {
            JsonNode replay = new ObjectMapper().readTree(out.resolve(run).resolve("manifest.json").toFile());
            assertThat(replay.toString()).as(run).contains(chosen + ",name=cache-dynamic-enabled");
        }
        assertThat(stdout).contains("cache-dynamic-enabled is " + chosen + ": chosen by tune on the busy trace");
    }

    /** paper.csv: one row per result of the paper, its arithmetic, and what was fitted, predicted or put in. */
    private static void assertPaperTable(Path out, String stdout) throws IOException {
        Path paper = out.resolve("paper.csv");
        assertThat(header(paper)).isEqualTo(PaperTable.SCHEMA.fieldNames());
        List<CSVRecord> rows = read(paper);
        assertThat(rows).extracting(x -> x.get("result")).containsExactly("fig6_alloc_change_pct", "fig6_free_change_pct",
                "lmbench_fork_exit_us_pool", "lmbench_fork_exit_us_disabled", "lmbench_fork_exit_change_pct",
                "fig7_pool_peak_pages", "fig8_pool_peak_pages", "busy_creations_per_min", "busy_exits_per_min",
                "busy_settle_minute", "idle_zero_by_minute", "netperf_change_pct");
        assertThat(rows).extracting(x -> x.get("paper")).startsWith("-45.1000", "-70.9000", "344.0000");
        // The shipped profile was fitted to Figure 6 only; the dynamic group's limits were chosen by tune, not for Figure 8.
        assertThat(rows).extracting(x -> x.get("basis")).containsExactly("fitted", "fitted", "predicted", "predicted",
                "predicted", "predicted", "predicted", "input", "input", "predicted", "input", "predicted");
        for (CSVRecord row : rows) {
            if (row.get("model").isEmpty()) {
                assertThat(row.get("difference_pct")).as(row.get("result")).isEmpty();
                continue;
            }
            double paperValue = Double.parseDouble(row.get("paper"));
            double model = Double.parseDouble(row.get("model"));
            assertThat(Double.parseDouble(row.get("difference_pct"))).as(row.get("result"))
                    .isCloseTo((model - paperValue) * 100 / Math.abs(paperValue), org.assertj.core.data.Offset.offset(1e-3));
        }
        CSVRecord pool = rows.get(2);
        CSVRecord disabled = rows.get(3);
        double usPool = Double.parseDouble(pool.get("model"));
        double usDisabled = Double.parseDouble(disabled.get("model"));
        assertThat(usPool).isPositive().isLessThan(usDisabled);
        assertThat(Double.parseDouble(rows.get(4).get("model"))).isCloseTo((usPool - usDisabled) * 100 / usDisabled,
                org.assertj.core.data.Offset.offset(1e-3));
        assertThat(stdout).contains("paper.csv: result").contains("lmbench_fork_exit_change_pct");
    }

    /** The demo never deletes what it did not write: a file or folder added to its output, or a file changed there. */
    @Test
    void theDemoRefusesToReplaceAnOutputWithFilesItDidNotWrite() throws IOException {
        Path out = dir.resolve("out");
        String[] args = {"-o", out.toString(), "--minutes", "1", "--nic-gbps", "0", "-q"};
        assertThat(CliRun.run(new DemoCommand(), args).exitCode).isZero();
        Set<String> written = tree(out);
        assertThat(written).contains("manifest.json", "summary.csv", "traces/busy.parquet", "busy/xen-4.2.1/flushes.png");
        JsonNode files = new ObjectMapper().readTree(out.resolve("manifest.json").toFile()).at("/files");
        assertThat(files.size()).isEqualTo(written.stream().filter(f -> !f.endsWith("/") && !f.equals("manifest.json")).count());

        // The README's examples once wrote into out/: a trace beside the demo's, and a folder of the user's.
        Files.writeString(out.resolve("busy.parquet"), "the user's");
        CliRun r = CliRun.run(new DemoCommand(), args);
        assertThat(r.exitCode).isEqualTo(2);
        assertThat(r.err).isEqualTo("demo: error: " + out + " holds busy.parquet, which the earlier 'iosup demo' there did not"
                + " write; nothing was changed: give another -o, or move busy.parquet away\n");
        Files.delete(out.resolve("busy.parquet"));
        Files.createDirectories(out.resolve("busy/mine"));
        r = CliRun.run(new DemoCommand(), args);
        assertThat(r.err).contains("holds busy/mine, which the earlier 'iosup demo' there did not write");
        Files.delete(out.resolve("busy/mine"));
        // A file the demo wrote and the user changed is the user's now.
        Files.writeString(out.resolve("busy/compare.csv"), "edited", java.nio.file.StandardOpenOption.APPEND);
        r = CliRun.run(new DemoCommand(), args);
        assertThat(r.exitCode).isEqualTo(2);
        assertThat(r.err).contains(out + "/busy/compare.csv changed since 'iosup demo' wrote it; nothing was changed");
        Set<String> now = tree(out);
        assertThat(now).isEqualTo(written);
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactly("out");
        }
    }

    /** The output folder gets the user's umask, as any folder the user makes (not the owner-only 0700 of a temporary). */
    @Test
    void theDemosFolderHasTheUsualPermissions() throws IOException {
        Path out = dir.resolve("out");
        assertThat(CliRun.run(new DemoCommand(), "-o", out.toString(), "--minutes", "1", "--nic-gbps", "0", "-q").exitCode).isZero();
        Path usual = Files.createDirectory(dir.resolve("usual"));
        assertThat(Files.getPosixFilePermissions(out)).isEqualTo(Files.getPosixFilePermissions(usual));
        assertThat(Files.getPosixFilePermissions(out.resolve("traces"))).isEqualTo(Files.getPosixFilePermissions(usual));
    }

    private static Set<String> tree(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> !p.equals(root)).map(p -> root.relativize(p) + (Files.isDirectory(p) ? "/" : ""))
                    .collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new));
        }
    }
}
