package org.iosup.sweep;

import org.apache.commons.csv.CSVRecord;
import org.iosup.io.UserException;
import org.iosup.model.pool.PolicySpec;
import org.iosup.replayer.cli.ReplayCommand;
import org.iosup.replayer.cli.SweepCommand;
import org.iosup.replayer.cli.SynthCommand;
import org.iosup.testing.CliRun;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.iosup.testing.Csv.read;

/** iosup sweep: grids expand as written, the front is the set no policy beats, a point is its replay. */
class PolicySweepTest {
    @TempDir
    static Path shared;
    @TempDir
    Path dir;
    static Path trace;

    @BeforeAll
    static void synth() {
        trace = shared.resolve("busy.parquet");
        CliRun r = CliRun.run(new SynthCommand(), "--preset", "busy", "--minutes", "8", "--nic-gbps", "0.01", "-q",
                "-o", trace.toString());
        assertThat(r.exitCode).as(r.toString()).isZero();
    }

    @Test
    void aGridExpandsToEveryCombinationInOrder() {
        assertThat(Grid.expand("dynamic@{1m,5m},shrink-total={64,128}", "--grid")).containsExactly(
                "dynamic@1m,shrink-total=64", "dynamic@1m,shrink-total=128",
                "dynamic@5m,shrink-total=64", "dynamic@5m,shrink-total=128");
        assertThat(Grid.expand("pre-enabled", "--grid")).containsExactly("pre-enabled");
        assertThat(Grid.expand("dynamic@{1m,3m,5m},shrink-ratio={1,2,4},shrink-total={64,128,256}", "--grid")).hasSize(27)
                .allSatisfy(s -> assertThat(PolicySpec.parse(s).spec()).isEqualTo(s));
    }

    @Test
    void aMalformedGridIsLocatedByItsPosition() {
        assertThatThrownBy(() -> Grid.expand("dynamic@{1m,5m", "--grid")).isInstanceOf(UserException.class)
                .hasMessage("--grid dynamic@{1m,5m: position 9: '{' is never closed");
        assertThatThrownBy(() -> Grid.expand("dynamic@{1m,{5m}}", "--grid"))
                .hasMessage("--grid dynamic@{1m,{5m}}: position 13: braces cannot nest");
        assertThatThrownBy(() -> Grid.expand("dynamic@{1m,,5m}", "--grid"))
                .hasMessage("--grid dynamic@{1m,,5m}: position 13: an empty alternative in '{1m,,5m}'");
        assertThatThrownBy(() -> Grid.expand("cap=64}", "--grid"))
                .hasMessage("--grid cap=64}: position 7: '}' without its '{'");
        // On the command line: exit code 2, the grid named, nothing written.
        CliRun r = CliRun.run(new SweepCommand(), trace.toString(), "-o", dir.resolve("bad").toString(), "--grid",
                "dynamic@{1m,3m", "-q");
        assertThat(r.exitCode).isEqualTo(2);
        assertThat(r.err).contains("--grid dynamic@{1m,3m: position 9: '{' is never closed");
        assertThat(dir.resolve("bad")).doesNotExist();
        CliRun unknown = CliRun.run(new SweepCommand(), trace.toString(), "-o", dir.resolve("bad").toString(), "--grid",
                "dynamic@1m,cap={8,x}", "-q");
        assertThat(unknown.exitCode).isEqualTo(2);
        assertThat(unknown.err).contains("--grid dynamic@1m,cap={8,x}: policy 'dynamic@1m,cap=x': cap must be an integer, got 'x'");
        assertThat(dir.resolve("bad")).doesNotExist();
    }

    private static PolicySweep.Row row(String spec, double calls, long peak) {
        return new PolicySweep.Row(PolicySpec.parse(spec), 64, 10, calls, calls, peak, peak, 0, 1, 1, false);
    }

    @Test
    void theFrontIsWhatNoOtherPolicyBeatsOnBoth() {
        List<PolicySweep.Row> rows = PolicySweep.pareto(List.of(
                row("disabled", 40_000, 0),
                row("pre-enabled", 0, 250),
                row("dynamic@1m", 100, 80),
                row("dynamic@2m", 120, 80),        // beaten by dynamic@1m: as much memory, more flushes
                row("dynamic@3m", 100, 90),        // beaten: as many flushes, more memory
                row("dynamic@4m", 100, 80),        // the same point as dynamic@1m: both on the front
                row("dynamic@5m", 10, 200),
                row("pre-enabled,cap=8", 50_000, 5))); // beaten by disabled: more flushes and more memory
        assertThat(rows.stream().filter(PolicySweep.Row::pareto).map(r -> r.policy().spec())).containsExactlyInAnyOrder(
                "disabled", "pre-enabled", "dynamic@1m", "dynamic@4m", "dynamic@5m");
        assertThat(PolicySweep.front(rows).stream().map(r -> r.policy().spec())).containsExactly(
                "disabled", "dynamic@1m", "dynamic@4m", "dynamic@5m", "pre-enabled");
    }

    @Test
    void aSweepOfOnePointIsThatPolicysReplay() throws IOException {
        String policy = "dynamic@2m,shrink-total=64";
        Path sweep = dir.resolve("sweep");
        CliRun s = CliRun.run(new SweepCommand(), trace.toString(), "-o", sweep.toString(), "--policy", policy,
                "--warmup", "3m", "--profile", "xen-4.2.4", "-q");
        assertThat(s.exitCode).as(s.toString()).isZero();
        Path replay = dir.resolve("replay");
        CliRun r = CliRun.run(new ReplayCommand(), trace.toString(), "-o", replay.toString(), "--policy", policy,
                "--profile", "xen-4.2.4", "-q");
        assertThat(r.exitCode).as(r.toString()).isZero();
        List<CSVRecord> minutes = read(replay.resolve("minutes.csv"));
        double calls = 0;
        double issued = 0;
        long peak = 0;
        long releases = 0;
        int after = 0;
        for (CSVRecord m : minutes) {
            peak = Math.max(peak, Long.parseLong(m.get("pool_pages")));
            releases += Long.parseLong(m.get("pool_releases"));
            if (Integer.parseInt(m.get("minute")) >= 3) {
                calls += Long.parseLong(m.get("flush_calls"));
                issued += Long.parseLong(m.get("flush_issued"));
                after++;
            }
        }
        CSVRecord row = read(sweep.resolve("sweep.csv")).get(0);
        assertThat(row.get("policy")).isEqualTo(policy);
        assertThat(row.get("family")).isEqualTo("dynamic");
        assertThat(row.get("enable_at")).isEqualTo("2m");
        assertThat(row.get("shrink_total")).isEqualTo("64");
        assertThat(row.get("cap")).isEmpty();
        assertThat(Integer.parseInt(row.get("minutes"))).isEqualTo(after).isEqualTo(minutes.size() - 3);
        assertThat(Double.parseDouble(row.get("flush_calls_per_min"))).isCloseTo(calls / after, org.assertj.core.data.Offset.offset(1e-4));
        assertThat(Double.parseDouble(row.get("flush_issued_per_min"))).isCloseTo(issued / after, org.assertj.core.data.Offset.offset(1e-4));
        assertThat(Long.parseLong(row.get("pool_pages_peak"))).isEqualTo(peak).isPositive();
        assertThat(Long.parseLong(row.get("pool_releases"))).isEqualTo(releases);
        assertThat(row.get("pareto")).isEqualTo("true");
    }

    @Test
    void aSweepIsTheSameWhateverTheThreadsAndDrawsItsFront() throws IOException {
        String[] args = {"--grid", "dynamic@{1m,3m},shrink-total={32,150}", "--grid", "pre-enabled,cap={8,64}",
            "--policy", "disabled", "--iotlb-entries", "64,256", "--format", "png,svg", "-q"};
        Path one = dir.resolve("one");
        Path two = dir.resolve("two");
        assertThat(CliRun.run(new SweepCommand(), concat(trace.toString(), "-o", one.toString(), "--threads", "1", args))
                .exitCode).isZero();
        assertThat(CliRun.run(new SweepCommand(), concat(trace.toString(), "-o", two.toString(), "--threads", "2", args))
                .exitCode).isZero();
        for (String f : List.of("sweep.csv", "pareto.csv", "pareto.png", "pareto.svg")) {
            assertThat(Files.readAllBytes(two.resolve(f))).as(f).isEqualTo(Files.readAllBytes(one.resolve(f)));
        }
        List<CSVRecord> rows = read(one.resolve("sweep.csv"));
        assertThat(rows).hasSize(2 * 7);
        assertThat(rows.stream().map(r -> r.get("iotlb_entries")).distinct()).containsExactly("64", "256");
        List<CSVRecord> front = read(one.resolve("pareto.csv"));
        assertThat(front).isNotEmpty();
        assertThat(front.size()).isEqualTo((int) rows.stream().filter(r -> r.get("pareto").equals("true")).count());
        assertThat(front.get(0).get("point")).isEqualTo("1");
        // disabled has no pool: the least memory, so always on the front.
        assertThat(front.stream().map(r -> r.get("policy"))).contains("disabled");
        BufferedImage png = ImageIO.read(one.resolve("pareto.png").toFile());
        assertThat(png.getWidth()).isEqualTo(1600);
        String svg = Files.readString(one.resolve("pareto.svg"));
        assertThat(svg).contains("Pareto front, IOTLB 64 entries", "every policy swept", "pool pages at the peak");
    }

    private static String[] concat(String a, String b, String c, String d, String e, String[] rest) {
        String[] out = new String[5 + rest.length];
        out[0] = a;
        out[1] = b;
        out[2] = c;
        out[3] = d;
        out[4] = e;
        System.arraycopy(rest, 0, out, 5, rest.length);
        return out;
    }
}
