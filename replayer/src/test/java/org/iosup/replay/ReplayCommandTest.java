package org.iosup.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.commons.csv.CSVRecord;
import org.iosup.cli.IngestCommand;
import org.iosup.replayer.cli.ReplayCommand;
import org.iosup.report.replay.ReplayReport;
import org.iosup.testing.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.iosup.testing.Csv.header;
import static org.iosup.testing.Csv.read;

class ReplayCommandTest {
    @TempDir
    Path dir;

    /** The acceptance trace: ten processes, one second apart, each with 8 page-table pages. */
    private Path acceptanceTrace() throws IOException {
        StringBuilder csv = new StringBuilder("ts_ns,kind,pid,frame,level\n");
        long[][] pages = {{1000, 3}, {1001, 2}, {1002, 2}, {1003, 2}, {1004, 2}, {1005, 1}, {1006, 1}, {1007, 1}};
        for (int i = 0; i < 10; i++) {
            long t = i * 1_000_000_000L;
            csv.append(t).append(",PROC_CREATE,").append(100 + i).append(",,\n");
            for (int j = 0; j < 8; j++) {
                csv.append(t + 1000 + j).append(",PT_ALLOC,").append(100 + i).append(',')
                        .append(pages[j][0]).append(',').append(pages[j][1]).append('\n');
            }
            csv.append(t + 500_000).append(",PROC_EXIT,").append(100 + i).append(",,\n");
            for (int j = 0; j < 8; j++) {
                csv.append(t + 600_000 + j).append(",PT_FREE,").append(100 + i).append(',').append(pages[j][0])
                        .append(",\n");
            }
        }
        Path in = dir.resolve("accept.csv");
        Files.writeString(in, csv);
        Path out = dir.resolve("accept.parquet");
        assertThat(CliRun.run(new IngestCommand(), in.toString(), "-o", out.toString(), "-q").exitCode).isZero();
        return out;
    }

    @Test
    void theAcceptanceExampleUnderXen424() throws IOException {
        Path trace = acceptanceTrace();
        Path out = dir.resolve("out");
        CliRun r = CliRun.run(new ReplayCommand(), trace.toString(), "--paging", "pae", "--profile", "xen-4.2.4",
                "--iommu-units", "1", "--policy", "disabled", "--policy", "pre-enabled", "-o", out.toString());
        assertThat(r.exitCode).as(r.toString()).isZero();
        List<CSVRecord> summary = read(out.resolve("summary.csv"));
        CSVRecord disabled = summary.get(0);
        assertThat(disabled.get("policy")).isEqualTo("disabled");
        assertThat(disabled.get("unmaps")).isEqualTo("80");
        assertThat(disabled.get("maps")).isEqualTo("80");
        assertThat(disabled.get("flush_calls")).isEqualTo("160");
        assertThat(disabled.get("flush_issued")).isEqualTo("80");
        assertThat(disabled.get("violations")).isEqualTo("0");
        CSVRecord pre = summary.get(1);
        assertThat(pre.get("type_changes")).isEqualTo("8");
        assertThat(pre.get("unmaps")).isEqualTo("8");
        assertThat(pre.get("maps")).isEqualTo("0");
        assertThat(pre.get("flush_calls")).isEqualTo("8");
        assertThat(pre.get("flush_issued")).isEqualTo("8");
        assertThat(pre.get("pool_pages_peak")).isEqualTo("8");
        assertThat(pre.get("flush_calls_change_pct")).isEqualTo("-95.0000");
        assertThat(pre.get("violations")).isEqualTo("0");
        assertThat(r.out).contains("disabled").contains("pre-enabled");

        assertThat(header(out.resolve("minutes.csv"))).isEqualTo(ReplayReport.MINUTES.fieldNames());
        assertThat(header(out.resolve("summary.csv"))).isEqualTo(ReplayReport.SUMMARY.fieldNames());
        List<CSVRecord> minutes = read(out.resolve("minutes.csv"));
        assertThat(minutes).hasSize(2);
        assertThat(minutes.get(1).get("pool_pages_l1")).isEqualTo("3");
        assertThat(minutes.get(1).get("pool_pages_l2")).isEqualTo("4");
        assertThat(minutes.get(1).get("pool_pages_l3")).isEqualTo("1");

        JsonNode manifest = new ObjectMapper().readTree(out.resolve("manifest.json").toFile());
        assertThat(manifest.at("/input/sha256").asText()).hasSize(64);
        assertThat(manifest.at("/parameters/profile/name").asText()).isEqualTo("xen-4.2.4");
        assertThat(manifest.at("/parameters/paging").asText()).isEqualTo("pae");
        assertThat(manifest.at("/input/events").asLong()).isEqualTo(180);
        assertThat(manifest.at("/run/events_per_second").asLong()).isPositive();
        assertThat(manifest.at("/parameters/policies/1/name").asText()).isEqualTo("pre-enabled");
    }

    @Test
    void underXen421TheSameCallsAreNotIssued() throws IOException {
        // The default cost profile, the paper's machine, has two IOMMU units: each flush is two calls.
        Path out = dir.resolve("out421");
        CliRun r = CliRun.run(new ReplayCommand(), acceptanceTrace().toString(), "--paging", "pae",
                "--policy", "disabled", "--policy", "pre-enabled", "-o", out.toString());
        assertThat(r.exitCode).as(r.toString()).isZero();
        List<CSVRecord> summary = read(out.resolve("summary.csv"));
        assertThat(summary.get(0).get("flush_calls")).isEqualTo("320");
        assertThat(summary.get(0).get("flush_issued")).isEqualTo("0");
        assertThat(summary.get(1).get("flush_calls")).isEqualTo("16");
        assertThat(summary.get(1).get("flush_issued")).isEqualTo("0");
        JsonNode manifest = new ObjectMapper().readTree(out.resolve("manifest.json").toFile());
        assertThat(manifest.at("/parameters/iommu/units").asInt()).isEqualTo(2);
        assertThat(manifest.at("/parameters/cost_profile/platform/iommu_units").asInt()).isEqualTo(2);

        Path one = dir.resolve("out421-defaults");
        assertThat(CliRun.run(new ReplayCommand(), acceptanceTrace().toString(), "--paging", "pae", "--costs", "defaults",
                "--policy", "disabled", "-o", one.toString()).exitCode).isZero();
        assertThat(read(one.resolve("summary.csv")).get(0).get("flush_calls")).isEqualTo("160");
    }

    @Test
    void outputsAreByteIdenticalAcrossRunsAndThreadCounts() throws IOException {
        Path trace = acceptanceTrace();
        for (String threads : new String[] {"1", "3"}) {
            CliRun r = CliRun.run(new ReplayCommand(), trace.toString(), "--paging", "pae", "--threads", threads,
                    "-o", dir.resolve("t" + threads).toString(), "-q");
            assertThat(r.exitCode).isZero();
        }
        for (String f : new String[] {"minutes.csv", "summary.csv"}) {
            assertThat(Files.readString(dir.resolve("t3").resolve(f))).isEqualTo(Files.readString(dir.resolve("t1").resolve(f)));
        }
    }

    @Test
    void anomaliesAreReportedAndStrictMakesThemFatal() throws IOException {
        Path in = dir.resolve("bad.csv");
        Files.writeString(in, "ts_ns,kind,pid,frame,level\n1,PROC_CREATE,5,,\n2,PT_FREE,,77,\n3,PROC_EXIT,9,,\n");
        Path trace = dir.resolve("bad.parquet");
        CliRun.run(new IngestCommand(), in.toString(), "-o", trace.toString(), "-q");
        CliRun lenient = CliRun.run(new ReplayCommand(), trace.toString(), "-o", dir.resolve("o1").toString());
        assertThat(lenient.exitCode).isZero();
        assertThat(lenient.err).contains("2 events the model could not accept were skipped")
                .contains("free_of_unknown_frame").contains("row 2: PT_FREE of frame 77")
                .contains("row 3: PROC_EXIT of pid 9");
        JsonNode manifest = new ObjectMapper().readTree(dir.resolve("o1/manifest.json").toFile());
        assertThat(manifest.at("/results/anomalies/by_kind/exit_of_unknown_pid").asLong()).isEqualTo(1);
        assertThat(read(dir.resolve("o1/summary.csv")).get(0).get("anomalies")).isEqualTo("2");

        CliRun strict = CliRun.run(new ReplayCommand(), trace.toString(), "--strict", "-o", dir.resolve("o2").toString());
        assertThat(strict.exitCode).isEqualTo(2);
        assertThat(strict.err).isEqualTo("replay: error: " + trace + " row 2: PT_FREE of frame 77, which is not a live "
                + "page-table page (free_of_unknown_frame; --strict)\n");
        assertThat(Files.exists(dir.resolve("o2/minutes.csv"))).isFalse();
    }

    @Test
    void unknownPoliciesAndProfilesFailFastWithTheValidOnes() throws IOException {
        Path trace = acceptanceTrace();
        CliRun p = CliRun.run(new ReplayCommand(), trace.toString(), "--policy", "lru", "-o", dir.resolve("x").toString());
        assertThat(p.exitCode).isEqualTo(2);
        assertThat(p.err).contains("unknown policy 'lru' (valid: disabled, pre-enabled, dynamic@TIME, quicklist[@TIME]");
        CliRun f = CliRun.run(new ReplayCommand(), trace.toString(), "--profile", "xen-9", "-o", dir.resolve("x").toString());
        assertThat(f.exitCode).isEqualTo(2);
        assertThat(f.err).isEqualTo("replay: error: unknown profile 'xen-9' (valid: xen-4.2.1, xen-4.2.4, xen-4.14)\n");
        CliRun dup = CliRun.run(new ReplayCommand(), trace.toString(), "--policy", "disabled", "--policy", "disabled",
                "-o", dir.resolve("x").toString());
        assertThat(dup.exitCode).isEqualTo(2);
        assertThat(dup.err).contains("two policies are named 'disabled'");
        assertThat(Files.exists(dir.resolve("x/minutes.csv"))).isFalse();
    }
}
